/**
 * Counters in a lua_shared_dict: one zone per nginx, shared by all its workers,
 * with atomic `incr` — the `local` policy of tier-limit.
 */

import type { Counter } from "../counter";

/**
 * Adds `cost` to every counter and returns their new values (same order), or nil
 * and an error when the zone is missing or full.
 */
export function incrementCounters(
  dictName: string,
  counters: readonly Counter[],
  cost: number,
): LuaMultiReturn<[number[] | undefined, string | undefined]> {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return $multi(undefined, `lua_shared_dict '${dictName}' is not declared`);
  const counts: number[] = [];
  for (const counter of counters) {
    // incr with init 0 and an init TTL creates the key atomically with its expiry.
    const [value, err] = dict.incr(counter.key, cost, 0, counter.ttl);
    if (value === undefined) return $multi(undefined, `lua_shared_dict '${dictName}': ${err}`);
    counts.push(value);
  }
  return $multi(counts, undefined);
}

/** Takes `cost` back from every counter (a refused request must not use up quota). */
export function refundCounters(dictName: string, counters: readonly Counter[], cost: number): void {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return;
  for (const counter of counters) dict.incr(counter.key, -cost);
}
