/**
 * The invalidation marks of io/lua/cache.ts in its lua_shared_dict, apart so that the
 * fleet subscriber (./fleet-invalidation.ts) applies what it hears without importing
 * the cache (which publishes through it).
 *
 * "epoch" moves on every invalidation: each worker compares it at its next request and
 * drops its whole LRU when it moved (so an invalidation reaches every worker of the
 * node, not only the one that served the call). "v:<subject>" / "v*": the epoch of the
 * subject's / of everything's last invalidation; a shared answer fetched under an older
 * epoch is no longer served.
 */

/** Dict key of the epoch of the last "drop everything". */
export const ALL_INVALIDATED_KEY = "v*";

/** Drops every cached answer about `subject` in this node (all workers, all namespaces). */
export function dropSubject(dict: SharedDict, subject: string): LuaMultiReturn<[boolean, string | undefined]> {
  const [epoch, incrErr] = dict.incr("epoch", 1, 0);
  if (epoch === undefined) return $multi(false, incrErr);
  const [ok, err] = dict.set(`v:${subject}`, epoch);
  if (!ok) return $multi(false, err);
  return $multi(true, undefined);
}

/** Drops every cached answer in this node (all workers, all subjects). */
export function dropAll(dict: SharedDict): LuaMultiReturn<[boolean, string | undefined]> {
  const [epoch, incrErr] = dict.incr("epoch", 1, 0);
  if (epoch === undefined) return $multi(false, incrErr);
  const [ok, err] = dict.set(ALL_INVALIDATED_KEY, epoch);
  if (!ok) return $multi(false, err);
  return $multi(true, undefined);
}
