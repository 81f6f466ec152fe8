/**
 * How long the answer caches of a remote service (io/lua/cache.ts, io/node/http-cache.ts)
 * wait before asking again about a subject whose fetch failed: a dead or slow service is
 * not asked on every request. One value for both runtimes, and the Retry-After of the 503
 * entitlement-check answers meanwhile (a retry sooner meets the same back-off).
 */

/** Seconds a subject is not fetched again after a failed fetch. */
export const FAILURE_BACKOFF_S = 1;
