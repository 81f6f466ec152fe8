/**
 * Rate-limits an error message: when a store fails on every request, the error log gets
 * one line per interval that says how many times it happened, not one line per request.
 *
 * Per node, when the host passes a ThrottleStore (the Lua hosts: a lua_shared_dict, see
 * io/lua/log-gate.ts): every worker and every config that reports the same message kind
 * (a failing Redis, a failing service: the callers name it) shares one gate, an atomic
 * `add` of a key that expires after the interval, so the node writes one line per
 * interval for it, whichever worker and config meet the failure. Without a
 * store (no such dict declared, or Kong's JS plugin server, one process), the throttle is
 * per worker (process) and per config: one line per interval from each of them.
 */

/** What a node-wide throttle needs of a store shared by the workers (lua_shared_dict). */
export interface ThrottleStore {
  /** Adds `key` for `ttl` seconds; true when it was absent (the caller reports), false when present, undefined on error. */
  add(this: void, key: string, ttl: number): boolean | undefined;
  /** Adds `by` to the number at `key` (0 when absent) and returns the sum; undefined on error. */
  incr(this: void, key: string, by: number): number | undefined;
}

export class LogThrottle {
  private nextAt = 0;
  private suppressed = 0;
  private readonly gateKey: string;
  private readonly countKey: string;

  /** `kind` names the message across configs (the key of the node-wide gate). */
  constructor(
    private readonly intervalSeconds: number,
    kind: string,
  ) {
    this.gateKey = `tollgate-log|${kind}`;
    this.countKey = `tollgate-log-count|${kind}`;
  }

  /**
   * Call on every occurrence. Returns the number of occurrences to report (this one plus
   * those swallowed since the last report: on the node with a store, in this worker and
   * config without), or 0 when it should stay quiet.
   */
  occurrence(now: number, store?: ThrottleStore): number {
    if (store !== undefined) {
      const count = store.incr(this.countKey, 1);
      const first = count === undefined ? undefined : store.add(this.gateKey, this.intervalSeconds);
      if (first === true) {
        // Take away what this line reports; occurrences counted since by others stay for the next.
        store.incr(this.countKey, -count!);
        return count!;
      }
      if (first === false) return 0;
      // The store failed (full, or not a dict): this worker's own throttle, below.
    }
    if (now < this.nextAt) {
      this.suppressed += 1;
      return 0;
    }
    const count = this.suppressed + 1;
    this.suppressed = 0;
    this.nextAt = now + this.intervalSeconds;
    return count;
  }
}
