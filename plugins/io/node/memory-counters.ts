/**
 * In-process counters for the Kong JS plugin server's `local` policy: the plugin
 * server is one Node process per Kong node, so a Map is shared by all of that node's
 * workers, as a lua_shared_dict is for the Lua plugins. Expired counters are swept
 * lazily, at most once per second.
 */
import { counterTtl, type WindowCounter, type WindowCounts } from "../counter";

export class MemoryCounters {
  readonly #counts = new Map<string, { value: number; expiresAt: number }>();
  #nextSweep = 0;

  #live(key: string, nowSeconds: number): { value: number; expiresAt: number } | undefined {
    const entry = this.#counts.get(key);
    return entry !== undefined && entry.expiresAt > nowSeconds ? entry : undefined;
  }

  /** Adds `cost` to each current counter and reads each previous one (same order). */
  increment(counters: readonly WindowCounter[], cost: number, nowSeconds: number): WindowCounts {
    this.#sweep(nowSeconds);
    const current: number[] = [];
    const previous: number[] = [];
    for (const counter of counters) {
      const entry = this.#live(counter.key, nowSeconds);
      if (entry === undefined) {
        this.#counts.set(counter.key, { value: cost, expiresAt: nowSeconds + counterTtl(counter, nowSeconds) });
        current.push(cost);
      } else {
        entry.value += cost;
        current.push(entry.value);
      }
      previous.push(counter.sliding ? (this.#live(counter.previousKey, nowSeconds)?.value ?? 0) : 0);
    }
    return { current, previous };
  }

  refund(counters: readonly WindowCounter[], cost: number): void {
    for (const counter of counters) {
      const entry = this.#counts.get(counter.key);
      if (entry !== undefined) entry.value -= cost;
    }
  }

  /** Reads each current and previous counter without changing them (same order). */
  read(counters: readonly WindowCounter[], nowSeconds: number): WindowCounts {
    const current: number[] = [];
    const previous: number[] = [];
    for (const counter of counters) {
      current.push(this.#live(counter.key, nowSeconds)?.value ?? 0);
      previous.push(counter.sliding ? (this.#live(counter.previousKey, nowSeconds)?.value ?? 0) : 0);
    }
    return { current, previous };
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
