/**
 * The pure rules of delivery, shared by the Lua publisher (lua/publisher.ts) and the
 * kong-pdk one (kong-js.ts): when a channel is due, what an attempt leaves behind, how
 * long to wait after a failed one, and the counters an operator reads. Times are ms on
 * the caller's clock.
 */
import { utf8 } from "../io/kafka/bytes";
import { murmur2 } from "../io/kafka/murmur2";
import type { EventQueue, QueuedEvent } from "./queue";
import type { KafkaUsageConfig } from "./schema";

/**
 * Configs that write to the same Kafka the same way (as the same user), with the same
 * queue bounds, share a channel (one queue, one producer): this is its name. The password
 * enters only as a hash.
 */
export function channelKey(conf: KafkaUsageConfig): string {
  const k = conf.kafka;
  const where = [k.topic, k.brokers.join(","), k.acks, k.idempotent, k.client_id, k.timeout_ms, conf.queue.max_events, conf.queue.max_bytes];
  const security = [
    k.tls,
    k.tls && k.ssl_verify,
    k.server_name ?? "",
    k.client_cert === undefined ? "" : murmur2(utf8(k.client_cert)),
    k.sasl?.mechanism ?? "",
    k.sasl?.username ?? "",
    k.sasl === undefined ? "" : murmur2(utf8(k.sasl.password)),
  ];
  return `${where.join("|")}|${security.join("|")}`;
}

/** What a publisher keeps per channel (one queue and one producer), whatever the host. */
export interface DeliveryState {
  readonly queue: EventQueue;
  /** Taken from the queue and not yet acknowledged: sent again, unchanged, until they are. */
  inflight: QueuedEvent[];
  /**
   * Events of batches Kafka refused for their size, split in halves, oldest first: each
   * is sent alone once nothing is in flight, before anything new leaves the queue.
   */
  halves: QueuedEvent[][];
  /** Consecutive failed attempts. */
  failures: number;
  /** No attempt before this time. */
  retryAtMs: number;
}

export function newDeliveryState(queue: EventQueue): DeliveryState {
  return { queue, inflight: [], halves: [], failures: 0, retryAtMs: 0 };
}

/**
 * Ms from `nowMs` until the channel should be sent (0: now), or undefined when it holds
 * nothing: events in flight after their backoff; a full batch at once; otherwise the
 * oldest waiting event after batch.max_age_ms.
 */
export function msUntilDue(state: DeliveryState, batch: { max_events: number; max_age_ms: number }, nowMs: number): number | undefined {
  // No `return Math.max(…)`: in Lua a tail call to a builtin, which a LuaJIT trace cannot
  // return from (it aborted the flusher's traces: "NYI: return to lower frame").
  if (state.inflight.length > 0) return state.retryAtMs > nowMs ? state.retryAtMs - nowMs : 0;
  if (state.halves.length > 0) return 0;
  const queue = state.queue;
  const waiting = queue.waiting();
  if (waiting === 0) return undefined;
  if (state.failures > 0 && state.retryAtMs > nowMs) return state.retryAtMs - nowMs;
  if (waiting >= batch.max_events) return 0;
  const due = queue.oldestAt + batch.max_age_ms - nowMs;
  return due > 0 ? due : 0;
}

/**
 * The events of the next attempt: those in flight, or else the next half of a batch Kafka
 * refused for its size, or else the oldest waiting ones (at most batch.max_events and
 * batch.max_bytes).
 */
export function eventsToSend(state: DeliveryState, batch: { max_events: number; max_bytes: number }): QueuedEvent[] {
  if (state.inflight.length === 0) state.inflight = state.halves.shift() ?? state.queue.take(batch.max_events, batch.max_bytes);
  return state.inflight;
}

/**
 * Kafka's error codes for a batch refused for its size: MESSAGE_TOO_LARGE (larger than
 * the topic's max.message.bytes) and RECORD_LIST_TOO_LARGE. The broker writes nothing of
 * such a batch, so sending its events again differently is safe, idempotence included
 * (the partition's sequence did not advance).
 */
export function isTooLargeError(code: number | undefined): boolean {
  return code === 10 || code === 18;
}

/**
 * A batch Kafka refused for its size: resending it unchanged would fail forever, so its
 * events go back as two halves (halved again if still too large), ahead of the queue and
 * in order. One event that is too large alone can never be written: it leaves the queue's
 * bounds and is returned, for the caller to count as dropped_too_large.
 */
export function splitRefused(state: DeliveryState, events: QueuedEvent[]): QueuedEvent | undefined {
  if (events.length === 1) {
    state.queue.release(events);
    return events[0];
  }
  const half = Math.ceil(events.length / 2);
  state.halves.unshift(events.slice(0, half), events.slice(half));
  return undefined;
}

/**
 * Records an attempt's outcome: `delivered` leave the queue's bounds, `failed` stay in
 * flight for an identical resend after a jittered backoff. Returns whether the failure
 * is worth a log line (the first of a run and every 10th: an outage must not flood it).
 */
export function settleAttempt(
  state: DeliveryState,
  delivered: readonly QueuedEvent[],
  failed: QueuedEvent[],
  retry: { initial_backoff_ms: number; max_backoff_ms: number },
  nowMs: number,
  random01: number,
): boolean {
  if (delivered.length > 0) state.queue.release(delivered);
  state.inflight = failed;
  if (failed.length === 0) {
    state.failures = 0;
    return false;
  }
  state.failures += 1;
  state.retryAtMs = nowMs + backoffMs(state.failures, retry.initial_backoff_ms, retry.max_backoff_ms, random01);
  return state.failures === 1 || state.failures % 10 === 0;
}

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
  /** …because one event was larger than batch.max_bytes, or than Kafka accepts in a batch (the topic's max.message.bytes). */
  dropped_too_large: number;
  /** …because the worker exited with them undelivered after queue.shutdown_timeout_ms, and no copy in the node journal. */
  dropped_shutdown: number;
  /** Events a worker took over from the node journal, left there by a worker that died or exited (Lua hosts). */
  adopted: number;
  /** Events a worker exiting left in the node journal, undelivered, for the workers after it (a reload). */
  handed_over: number;
  /** Events queued without a copy in the node journal (the dict was full): lost if their worker dies. */
  unjournaled: number;
}

export const COUNTER_NAMES: readonly (keyof UsageCounters)[] = [
  "queued",
  "sent",
  "retried",
  "dropped",
  "dropped_queue_full",
  "dropped_too_large",
  "dropped_shutdown",
  "adopted",
  "handed_over",
  "unjournaled",
];

export function zeroCounters(): UsageCounters {
  return { queued: 0, sent: 0, retried: 0, dropped: 0, dropped_queue_full: 0, dropped_too_large: 0, dropped_shutdown: 0, adopted: 0, handed_over: 0, unjournaled: 0 };
}

/** "queued=10 sent=8 …", for a log line. */
export function formatCounters(counters: UsageCounters): string {
  const parts: string[] = [];
  for (const name of COUNTER_NAMES) parts.push(`${name}=${counters[name]}`);
  return parts.join(" ");
}
