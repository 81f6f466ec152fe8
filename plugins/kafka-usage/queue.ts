/**
 * A worker's bounded queue of usage events, in events and in bytes. Pure (no clock, no
 * I/O), the same in LuaJIT and Node; tests/unit/kafka-usage-queue.test.ts and
 * tests/lua/kafka_usage_queue_spec.lua drive it.
 *
 * Events leave the queue in two steps. `take` moves the oldest ones out for a send, but
 * they still count against the bounds until `release`, after Kafka acknowledged them
 * (or they were given up at shutdown): memory is bounded by what is held, wherever it
 * is held. An event that does not fit is refused by `offer`, and the caller counts it
 * as dropped: that is the only way an event is lost while the worker runs.
 */

export interface QueuedEvent {
  /** Kafka record key (the subject). */
  key: string;
  /** The event JSON. */
  value: string;
  /** Epoch ms: the Kafka record timestamp. */
  timestamp: number;
  /** Kafka record headers (shared, not counted in the weight). */
  headers?: readonly { key: string; value: string | null }[];
  /** Where the Lua worker keeps a copy in the node journal (lua/journal.ts): j:<pid>:<seq>. */
  seq?: number;
}

/** What an event costs against `max_bytes`: its key and its JSON. */
function weightOf(event: QueuedEvent): number {
  return event.key.length + event.value.length;
}

export type OfferResult = "queued" | "queue_full" | "too_large";

export class EventQueue {
  /** A ring: slots `head … head + waiting - 1` modulo `capacity`. */
  private readonly slots: (QueuedEvent | undefined)[] = [];
  private head = 0;
  private waitingCount = 0;
  private waitingBytes = 0;
  /** Taken and not yet released. */
  private heldCount = 0;
  private heldBytes = 0;
  /** When the oldest waiting event arrived (caller's clock), or -1 when none waits. */
  oldestAt = -1;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
    /** The most one event may weigh: larger events can never be sent in one batch. */
    private readonly maxEventBytes: number,
  ) {}

  /** Adds an event at the tail, or says why not. `now` is remembered for the age of the queue. */
  offer(event: QueuedEvent, now: number): OfferResult {
    const bytes = weightOf(event);
    if (bytes > this.maxEventBytes) return "too_large";
    if (this.waitingCount + this.heldCount >= this.maxEvents) return "queue_full";
    if (this.waitingBytes + this.heldBytes + bytes > this.maxBytes) return "queue_full";
    this.slots[(this.head + this.waitingCount) % this.maxEvents] = event;
    this.waitingCount += 1;
    this.waitingBytes += bytes;
    if (this.oldestAt < 0) this.oldestAt = now;
    return "queued";
  }

  /**
   * Takes the oldest events, at most `maxEvents` of them and `maxBytes` in all (at least
   * one when any waits). They stay counted until released.
   */
  take(maxEvents: number, maxBytes: number): QueuedEvent[] {
    const out: QueuedEvent[] = [];
    let bytes = 0;
    while (this.waitingCount > 0 && out.length < maxEvents) {
      const slot = this.head;
      const event = this.slots[slot]!;
      const weight = weightOf(event);
      if (out.length > 0 && bytes + weight > maxBytes) break;
      out.push(event);
      bytes += weight;
      this.slots[slot] = undefined;
      this.head = (slot + 1) % this.maxEvents;
      this.waitingCount -= 1;
      this.waitingBytes -= weight;
    }
    this.heldCount += out.length;
    this.heldBytes += bytes;
    if (this.waitingCount === 0) {
      this.head = 0;
      this.oldestAt = -1;
    }
    return out;
  }

  /** Taken events that are done with (acknowledged, or given up): they no longer count. */
  release(events: readonly QueuedEvent[]): void {
    for (const event of events) {
      this.heldCount -= 1;
      this.heldBytes -= weightOf(event);
    }
  }

  /** The oldest waiting event, left in place. */
  oldest(): QueuedEvent | undefined {
    return this.waitingCount > 0 ? this.slots[this.head] : undefined;
  }

  /** Events waiting to be taken. */
  waiting(): number {
    return this.waitingCount;
  }

  /** Events held in all: waiting plus taken and not released. */
  size(): number {
    return this.waitingCount + this.heldCount;
  }

  /** Bytes held in all. */
  bytes(): number {
    return this.waitingBytes + this.heldBytes;
  }
}
