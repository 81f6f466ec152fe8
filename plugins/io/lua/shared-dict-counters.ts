/**
 * Counters in a lua_shared_dict: one zone per nginx, shared by all its workers,
 * with atomic `incr` — the `local` policy.
 *
 * The cost is added first and checked after (each increment returns a distinct
 * value, so concurrent requests never both see room for one); the caller gives a
 * refused request's cost back with refundCounters.
 */
import type { WindowCounter, WindowCounts } from "../counter";

export function incrementCounters(
  dictName: string,
  counters: readonly WindowCounter[],
  cost: number,
): LuaMultiReturn<[WindowCounts | undefined, string | undefined]> {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return $multi(undefined, `lua_shared_dict '${dictName}' is not declared`);
  const current: number[] = [];
  const previous: number[] = [];
  for (const counter of counters) {
    // incr with init 0 and an init TTL creates the key atomically with its expiry.
    const [value, err] = dict.incr(counter.key, cost, 0, counter.ttl);
    if (value === undefined) {
      // Leave no partial increment behind (a full zone can fail the second window).
      for (let i = 0; i < current.length; i++) dict.incr(counters[i]!.key, -cost);
      return $multi(undefined, `lua_shared_dict '${dictName}': ${err}`);
    }
    current.push(value);
    let before = 0;
    if (counter.weight > 0) {
      const [stored] = dict.get(counter.previousKey);
      if (typeof stored === "number") before = stored;
    }
    previous.push(before);
  }
  return $multi({ current, previous }, undefined);
}

/** Takes `cost` back from every current counter (a refused request must not use up quota). */
export function refundCounters(dictName: string, counters: readonly WindowCounter[], cost: number): void {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return;
  for (const counter of counters) dict.incr(counter.key, -cost);
}
