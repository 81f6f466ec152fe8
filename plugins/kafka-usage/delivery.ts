/**
 * The pure rules of delivery, shared by the Lua publisher and the kong-pdk one:
 * how long to wait after a failed attempt, and the counters an operator reads.
 */

/**
 * The wait before attempt `failures + 1`, in ms: "full jitter" (a uniform draw below an
 * exponentially growing cap), so a fleet of workers that lost the broker together does
 * not come back in lockstep. `random01` is a draw from [0, 1).
 */
export function backoffMs(failures: number, initialMs: number, maxMs: number, random01: number): number {
  let cap = initialMs;
  for (let i = 1; i < failures && cap < maxMs; i++) cap *= 2;
  if (cap > maxMs) cap = maxMs;
  return Math.floor(random01 * cap) + 1;
}

/** Counters of one worker (or their sum over the workers). */
export interface UsageCounters {
  /** Events accepted into the queue. */
  queued: number;
  /** Events Kafka acknowledged. */
  sent: number;
  /** Events sent again after a failed attempt (one per event per retry). */
  retried: number;
  /** Events lost, all reasons (the three below). */
  dropped: number;
  /** …because the queue was at its bound (queue.max_events / queue.max_bytes). */
  dropped_queue_full: number;
  /** …because one event was larger than batch.max_bytes. */
  dropped_too_large: number;
  /** …because the worker exited with them undelivered after queue.shutdown_timeout_ms. */
  dropped_shutdown: number;
}

export const COUNTER_NAMES: readonly (keyof UsageCounters)[] = [
  "queued",
  "sent",
  "retried",
  "dropped",
  "dropped_queue_full",
  "dropped_too_large",
  "dropped_shutdown",
];

export function zeroCounters(): UsageCounters {
  return { queued: 0, sent: 0, retried: 0, dropped: 0, dropped_queue_full: 0, dropped_too_large: 0, dropped_shutdown: 0 };
}

/** "queued=10 sent=8 …", for a log line. */
export function formatCounters(counters: UsageCounters): string {
  const parts: string[] = [];
  for (const name of COUNTER_NAMES) parts.push(`${name}=${counters[name]}`);
  return parts.join(" ");
}
