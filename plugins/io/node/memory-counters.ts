/**
 * In-process counters for the Kong JS plugin server's `local` policy: the plugin
 * server is one Node process per Kong node, so a Map is shared by all of that node's
 * workers, as a lua_shared_dict is for the Lua plugins. Expired counters are swept
 * lazily, at most once per second.
 */
import type { Counter } from "../counter";

export class MemoryCounters {
  readonly #counts = new Map<string, { value: number; expiresAt: number }>();
  #nextSweep = 0;

  /** Adds `cost` to each counter and returns the new values (same order). */
  increment(counters: readonly Counter[], cost: number, nowSeconds: number): number[] {
    this.#sweep(nowSeconds);
    return counters.map((counter) => {
      const entry = this.#counts.get(counter.key);
      if (entry === undefined || entry.expiresAt <= nowSeconds) {
        this.#counts.set(counter.key, { value: cost, expiresAt: nowSeconds + counter.ttl });
        return cost;
      }
      entry.value += cost;
      return entry.value;
    });
  }

  refund(counters: readonly Counter[], cost: number): void {
    for (const counter of counters) {
      const entry = this.#counts.get(counter.key);
      if (entry !== undefined) entry.value -= cost;
    }
  }

  get size(): number {
    return this.#counts.size;
  }

  #sweep(nowSeconds: number): void {
    if (nowSeconds < this.#nextSweep) return;
    this.#nextSweep = nowSeconds + 1;
    for (const [key, entry] of this.#counts) if (entry.expiresAt <= nowSeconds) this.#counts.delete(key);
  }
}
