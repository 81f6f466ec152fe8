/**
 * Rate-limit counters as the stores see them: per window, a current counter that
 * a request adds its cost to and the previous window's counter that the sliding
 * algorithm reads.
 */
export interface WindowCounter {
  /** The current window's counter. */
  key: string;
  /** The previous window's counter (read by the sliding algorithm only). */
  previousKey: string;
  /** Whether the previous window's counter is read (sliding windows; fixed ones never do). */
  sliding: boolean;
  /** Epoch second until which a newly created current counter must live (through the next window when sliding). */
  keepUntil: number;
}

/** Seconds a counter created at `now` must live (at least 1): every store's TTL. */
export function counterTtl(counter: WindowCounter, now: number): number {
  const ttl = counter.keepUntil - Math.floor(now);
  return ttl > 1 ? ttl : 1;
}

/** A store's answer for a list of WindowCounters, in the same order. */
export interface WindowCounts {
  /** Each current counter including this request's cost (applied or not). */
  current: number[];
  /** Each previous-window counter (0 when not read). */
  previous: number[];
  /** A store that decides atomically (Redis) says whether it applied the cost. */
  allowed?: boolean;
}
