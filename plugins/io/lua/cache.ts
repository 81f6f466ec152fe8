/**
 * A two-level cache for answers of a remote service, for the Lua hosts:
 *
 *   per-worker LRU (resty.lrucache, decoded values, `lruSize` entries at most)
 *     -> lua_shared_dict (encoded values, shared by all workers; its declared size
 *        bounds its memory: a full zone evicts its least recently used items)
 *       -> the fetch function (one in flight per subject across all workers)
 *
 * Answers are fresh for `ttl` seconds (`negativeTtl` for negative answers, e.g. "no
 * subscription"), then kept `staleTtl` seconds more to be served while fetching fails
 * (stale-if-error). A failed fetch is not retried for FAILURE_BACKOFF_S seconds per
 * subject, so a dead or slow service is not asked on every request.
 *
 * One fetch per subject: a request that finds no fresh answer takes a lock with
 * the shared dict's atomic `add` (expiring after `lockTtl` seconds, in case its holder
 * dies); the others wait for the answer up to `lockTimeoutMs`, then serve a stale
 * answer or report the failure — they never fetch alongside.
 *
 * Invalidation (operators): `invalidateSubject(dict, subject)` bumps an epoch that makes
 * every worker drop its LRU at its next request, and records that epoch for the
 * subject: an answer whose fetch began under an older epoch is no longer served, so the
 * next request for the subject fetches. Epochs, not times, order the two: a fetch that
 * starts in the same millisecond as the invalidation is still known to come after it.
 * See plugins/entitlement-check/README.md for how to call it.
 *
 * Dict keys: "c:<ns>:<subject>" answers ("<P|N><fetched at, ms>:<epoch>|<payload>"),
 * "l:<ns>:<subject>" locks, "f:<ns>:<subject>" failure back-off,
 * "v:<subject>" the epoch of its last invalidation, "epoch".
 */
import lrucache = require("resty.lrucache");
import { FAILURE_BACKOFF_S } from "../failure-backoff";

/** Seconds between two checks of a waited-for fetch. */
const WAIT_STEP_S = 0.005;

export interface CacheOptions {
  /** lua_shared_dict name. */
  dict: string;
  /** What the answers depend on besides the subject (e.g. the service URL); keeps caches apart. */
  namespace: string;
  lruSize: number;
  ttl: number;
  negativeTtl: number;
  staleTtl: number;
  lockTimeoutMs: number;
  /** Seconds a fetch may take at most (the lock expires after it). */
  lockTtl: number;
  /** This worker's LRU for these options (set on first use). */
  worker?: WorkerCache<unknown>;
}

/** A fetched answer: its payload (stored in the dict) and whether it is negative. */
export interface Fetched {
  payload: string;
  negative: boolean;
}

export type Fetch = (this: void, subject: string) => LuaMultiReturn<[Fetched | undefined, string | undefined]>;
export type Decode<T> = (this: void, payload: string) => T | undefined;

interface Entry<T> {
  value: T;
  /** ngx.now() when the fetch started. */
  fetchedAt: number;
  freshUntil: number;
  staleUntil: number;
}

interface WorkerCache<T> {
  lru: RestyLruCache<Entry<T>>;
  epoch: number;
}

/** One LRU per namespace and size, per worker. */
const workerCaches = new LuaTable<string, WorkerCache<unknown>>();

/** How a value was obtained: "fresh" (cache or fetch) or "stale" (the fetch failed). */
export type CacheState = "fresh" | "stale";

function workerCache<T>(options: CacheOptions, dict: SharedDict): WorkerCache<T> {
  if (options.worker !== undefined) return options.worker as WorkerCache<T>;
  const id = `${options.namespace}#${options.lruSize}`;
  let cache = workerCaches.get(id) as WorkerCache<T> | undefined;
  if (cache === undefined) {
    const [lru] = lrucache.new<Entry<T>>(options.lruSize);
    const [epoch] = dict.get("epoch");
    cache = { lru: lru!, epoch: typeof epoch === "number" ? epoch : 0 };
    workerCaches.set(id, cache as WorkerCache<unknown>);
  }
  options.worker = cache as WorkerCache<unknown>;
  return cache;
}

/** `epoch`: the cache epoch when the fetch started (invalidation compares with it). */
function encodeEntry(fetched: Fetched, fetchedAt: number, epoch: number): string {
  return `${fetched.negative ? "N" : "P"}${math.floor(fetchedAt * 1000)}:${epoch}|${fetched.payload}`;
}

/** Reads an answer from the dict, undefined when absent, undecodable, or invalidated. */
function readEntry<T>(options: CacheOptions, dict: SharedDict, key: string, subject: string, decode: Decode<T>): Entry<T> | undefined {
  const [stored] = dict.get(key);
  if (typeof stored !== "string") return undefined;
  const [bar] = string.find(stored, "|", 2, true);
  if (bar === undefined) return undefined;
  const [colon] = string.find(stored, ":", 2, true);
  if (colon === undefined || colon > bar) return undefined;
  const fetchedAt = (tonumber(string.sub(stored, 2, colon - 1)) ?? 0) / 1000;
  const epoch = tonumber(string.sub(stored, colon + 1, bar - 1)) ?? 0;
  const [invalidated] = dict.get(`v:${subject}`);
  if (typeof invalidated === "number" && epoch < invalidated) return undefined;
  const value = decode(string.sub(stored, bar + 1));
  if (value === undefined) return undefined;
  const fresh = string.sub(stored, 1, 1) === "N" ? options.negativeTtl : options.ttl;
  return { value, fetchedAt, freshUntil: fetchedAt + fresh, staleUntil: fetchedAt + fresh + options.staleTtl };
}

function remember<T>(cache: WorkerCache<T>, subject: string, entry: Entry<T>, now: number): void {
  const ttl = entry.staleUntil - now;
  if (ttl > 0) cache.lru.set(subject, entry, ttl);
}

/** The shared dict's entry for `subject` when it is fresh (remembered in this worker's LRU too), else undefined. */
function freshShared<T>(options: CacheOptions, dict: SharedDict, cache: WorkerCache<T>, key: string, subject: string, decode: Decode<T>, now: number): Entry<T> | undefined {
  const entry = readEntry(options, dict, key, subject, decode);
  if (entry === undefined || now >= entry.freshUntil) return undefined;
  remember(cache, subject, entry, now);
  return entry;
}

/**
 * The invalidation epoch of the caches in `dict`: it moves whenever an operator
 * invalidates a subject (invalidateSubject), so something derived from a cached answer
 * stays good only while the epoch it was derived under is current.
 */
export function cacheEpoch(dict: SharedDict): number {
  const [epoch] = dict.get("epoch");
  return typeof epoch === "number" ? epoch : 0;
}

/**
 * The cached value for `subject`, fetching it when needed. Returns the value, how it
 * was obtained and, when fresh, until when (ngx.now() seconds); or undefined and why
 * nothing could be had.
 */
export function cachedGet<T>(
  options: CacheOptions,
  subject: string,
  fetch: Fetch,
  decode: Decode<T>,
): LuaMultiReturn<[T | undefined, CacheState | string, number]> {
  const dict = ngx.shared[options.dict];
  if (dict === undefined) return $multi(undefined, `lua_shared_dict '${options.dict}' is not declared`, 0);
  const cache = workerCache<T>(options, dict);
  // An operator's invalidation bumps the epoch: every worker drops its LRU once.
  const epoch = cacheEpoch(dict);
  if (epoch !== cache.epoch) {
    cache.lru.flush_all();
    cache.epoch = epoch;
  }
  let now = ngx.now();
  const [cached] = cache.lru.get(subject);
  if (cached !== undefined && now < cached.freshUntil) return $multi(cached.value, "fresh", cached.freshUntil);

  const key = `c:${options.namespace}:${subject}`;
  let stale = cached;
  const shared = readEntry(options, dict, key, subject, decode);
  if (shared !== undefined) {
    if (now < shared.freshUntil) {
      remember(cache, subject, shared, now);
      return $multi(shared.value, "fresh", shared.freshUntil);
    }
    if (stale === undefined || shared.fetchedAt > stale.fetchedAt) stale = shared;
  }
  const usableStale = stale !== undefined && now < stale.staleUntil ? stale : undefined;

  const failKey = `f:${options.namespace}:${subject}`;
  const [failure] = dict.get(failKey);
  if (typeof failure === "string") {
    if (usableStale !== undefined) return $multi(usableStale.value, "stale", 0);
    return $multi(undefined, failure, 0);
  }

  const lockKey = `l:${options.namespace}:${subject}`;
  const [locked, lockErr] = dict.add(lockKey, true, options.lockTtl);
  // Only "exists" means another fetch is under way; a full zone ("no memory") fetches unlocked.
  if (!locked && lockErr === "exists") {
    // Another request (this worker or another) is fetching: wait for its answer.
    const waitUntil = now + options.lockTimeoutMs / 1000;
    while (ngx.now() < waitUntil) {
      ngx.sleep(WAIT_STEP_S);
      now = ngx.now();
      const answered = freshShared(options, dict, cache, key, subject, decode, now);
      if (answered !== undefined) return $multi(answered.value, "fresh", answered.freshUntil);
      const [failed] = dict.get(failKey);
      if (typeof failed === "string") break;
      const [stillLocked] = dict.get(lockKey);
      if (stillLocked === undefined) break;
    }
    if (usableStale !== undefined) return $multi(usableStale.value, "stale", 0);
    const [failed] = dict.get(failKey);
    return $multi(undefined, typeof failed === "string" ? failed : "timed out waiting for another request's fetch", 0);
  }
  if (locked) {
    // Another worker may have stored its answer and released the lock between our read
    // above and this lock: read again, now that no fetch can be under way.
    const answered = freshShared(options, dict, cache, key, subject, decode, now);
    if (answered !== undefined) {
      dict.delete(lockKey);
      return $multi(answered.value, "fresh", answered.freshUntil);
    }
  }

  const startedAt = ngx.now();
  const [fetched, err] = fetch(subject);
  now = ngx.now();
  if (fetched === undefined) {
    dict.set(failKey, err ?? "fetch failed", FAILURE_BACKOFF_S);
    dict.delete(lockKey);
    if (usableStale !== undefined) return $multi(usableStale.value, "stale", 0);
    return $multi(undefined, err ?? "fetch failed", 0);
  }
  const value = decode(fetched.payload);
  if (value === undefined) {
    dict.delete(lockKey);
    return $multi(undefined, "fetched payload does not decode", 0);
  }
  const fresh = fetched.negative ? options.negativeTtl : options.ttl;
  const entry: Entry<T> = { value, fetchedAt: startedAt, freshUntil: startedAt + fresh, staleUntil: startedAt + fresh + options.staleTtl };
  // set, not safe_set: a full zone evicts its least recently used answers (bounded memory).
  dict.set(key, encodeEntry(fetched, startedAt, cache.epoch), fresh + options.staleTtl);
  dict.delete(lockKey);
  remember(cache, subject, entry, now);
  return $multi(value, "fresh", entry.freshUntil);
}

/**
 * Forgets every cached answer about `subject` in this nginx (all workers, all
 * namespaces): the next request for it fetches. Call from any phase where shared
 * dicts are available.
 */
export function invalidateSubject(dictName: string, subject: string): LuaMultiReturn<[boolean, string | undefined]> {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return $multi(false, `lua_shared_dict '${dictName}' is not declared`);
  const [epoch, incrErr] = dict.incr("epoch", 1, 0);
  if (epoch === undefined) return $multi(false, incrErr);
  const [ok, err] = dict.set(`v:${subject}`, epoch);
  if (!ok) return $multi(false, err);
  return $multi(true, undefined);
}

/**
 * Makes `fetched` the answer about `subject` in the namespace of `options`, as if just
 * fetched: every other cached answer about it is dropped first (invalidateSubject), so
 * all workers read this one. For a signed webhook that carries the answer itself.
 */
export function storeAnswer(options: CacheOptions, subject: string, fetched: Fetched): LuaMultiReturn<[boolean, string | undefined]> {
  const [dropped, dropErr] = invalidateSubject(options.dict, subject);
  if (!dropped) return $multi(false, dropErr);
  const dict = ngx.shared[options.dict]!;
  const now = ngx.now();
  const fresh = fetched.negative ? options.negativeTtl : options.ttl;
  // Stored under the epoch the drop just made: readEntry serves it, and a fetch that began before is not.
  const [ok, err] = dict.set(`c:${options.namespace}:${subject}`, encodeEntry(fetched, now, cacheEpoch(dict)), fresh + options.staleTtl);
  return $multi(ok, ok ? undefined : err);
}

/** Entries in this worker's LRUs (for tests and diagnostics). */
export function workerCacheSize(): number {
  let total = 0;
  for (const [, cache] of workerCaches) total += cache.lru.count();
  return total;
}
