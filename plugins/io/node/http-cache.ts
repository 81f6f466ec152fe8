/**
 * The Kong JS plugin server's cache of remote answers: one in-process LRU (the plugin
 * server is one Node process per Kong node, shared by all of its workers), with the
 * same rules as io/lua/cache.ts: fresh for ttl (negativeTtl for negative answers),
 * then served while fetching fails for staleTtl more; one fetch per subject in flight
 * (concurrent requests share its promise); a failed fetch is not retried for a
 * second; at most `maxEntries` entries.
 */
import { FAILURE_BACKOFF_S } from "../failure-backoff";

export interface NodeCacheOptions {
  maxEntries: number;
  ttl: number;
  negativeTtl: number;
  staleTtl: number;
}

interface Entry<T> {
  value: T;
  fetchedAt: number;
  freshUntil: number;
  staleUntil: number;
}

export class NodeAnswerCache<T> {
  /** Map iteration order is insertion order: re-inserting on use makes it an LRU. */
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inFlight = new Map<string, Promise<T>>();
  readonly #failures = new Map<string, { until: number; error: Error }>();

  constructor(private readonly options: NodeCacheOptions) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The value for `subject` and whether it is stale; rejects when nothing can be had. */
  async get(subject: string, fetch: () => Promise<{ value: T; negative: boolean }>, now: () => number): Promise<{ value: T; stale: boolean }> {
    const at = now();
    const entry = this.#entries.get(subject);
    if (entry !== undefined) {
      this.#entries.delete(subject);
      if (at < entry.staleUntil) this.#entries.set(subject, entry);
      if (at < entry.freshUntil) return { value: entry.value, stale: false };
    }
    const usable = entry !== undefined && at < entry.staleUntil ? entry : undefined;
    const failure = this.#failures.get(subject);
    if (failure !== undefined && at < failure.until) {
      if (usable !== undefined) return { value: usable.value, stale: true };
      throw failure.error;
    }
    let pending = this.#inFlight.get(subject);
    if (pending === undefined) {
      pending = this.#fetch(subject, fetch, now);
      this.#inFlight.set(subject, pending);
    }
    try {
      return { value: await pending, stale: false };
    } catch (err) {
      if (usable !== undefined) return { value: usable.value, stale: true };
      throw err;
    }
  }

  async #fetch(subject: string, fetch: () => Promise<{ value: T; negative: boolean }>, now: () => number): Promise<T> {
    const startedAt = now();
    try {
      const { value, negative } = await fetch();
      const fresh = negative ? this.options.negativeTtl : this.options.ttl;
      this.#entries.delete(subject);
      this.#entries.set(subject, { value, fetchedAt: startedAt, freshUntil: startedAt + fresh, staleUntil: startedAt + fresh + this.options.staleTtl });
      this.#failures.delete(subject);
      while (this.#entries.size > this.options.maxEntries) {
        const oldest = this.#entries.keys().next().value as string;
        this.#entries.delete(oldest);
      }
      return value;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.#failures.set(subject, { until: now() + FAILURE_BACKOFF_S, error });
      if (this.#failures.size > this.options.maxEntries) this.#failures.delete(this.#failures.keys().next().value as string);
      throw error;
    } finally {
      this.#inFlight.delete(subject);
    }
  }

  /** Makes `value` the answer about `subject`, as if fetched at now(); a fetch in flight still stores its own when it ends. */
  store(subject: string, value: T, negative: boolean, now: () => number): void {
    const at = now();
    const fresh = negative ? this.options.negativeTtl : this.options.ttl;
    this.#entries.delete(subject);
    this.#entries.set(subject, { value, fetchedAt: at, freshUntil: at + fresh, staleUntil: at + fresh + this.options.staleTtl });
    this.#failures.delete(subject);
    while (this.#entries.size > this.options.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Forgets `subject`: the next request fetches. */
  invalidate(subject: string): void {
    this.#entries.delete(subject);
    this.#failures.delete(subject);
  }
}
