/**
 * Rate-limit counters as the stores see them: per window, a current counter that
 * a request adds its cost to and the previous window's counter that the sliding
 * algorithm reads.
 */
export interface WindowCounter {
  key: string;
  previousKey: string;
  /** Whether the previous window's counter is read (sliding windows; fixed ones never do). */
  sliding: boolean;
  /** Epoch second until which a newly created current counter must live. */
  keepUntil: number;
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
