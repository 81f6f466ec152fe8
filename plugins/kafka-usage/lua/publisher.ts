/**
 * kafka-usage's delivery in a Lua gateway worker (Kong, APISIX): the log phase queues,
 * a timer sends.
 *
 *   log phase  → publish(conf, facts, node): build the CloudEvent, encode it, offer it to
 *                the worker's bounded queue (or count it dropped), make sure a flush is
 *                scheduled. No socket, no wait: cosockets do not exist in the log phase,
 *                and the request must never wait for Kafka anyway.
 *   ngx.timer  → flush: one flusher per worker takes up to batch.max_events events,
 *                hands them to the producer (io/lua/kafka-producer), releases what Kafka
 *                acknowledged and keeps exactly the failed partition batches to send again
 *                after a jittered exponential backoff. Events wait in the queue meanwhile;
 *                only a full queue drops (new) events, and each drop is counted.
 *   worker exit → nginx fires pending timers early ("premature"); the flusher then sends
 *                everything queued, retrying for up to queue.shutdown_timeout_ms, and leaves
 *                what is left in the node journal (handed_over) for the next workers.
 *   node journal → every queued event also has a copy in the shared dict (./journal.ts),
 *                deleted once Kafka acknowledged it; a timer in every worker takes over the
 *                copies of workers that died (or exited on a reload) and sends them.
 *
 * A "channel" is one queue and one producer, per worker, for all configs with the same
 * Kafka settings and queue bounds (usually one global plugin config).
 */
import {
  channelKey,
  COUNTER_NAMES,
  eventsToSend,
  formatCounters,
  isTooLargeError,
  msUntilDue,
  newDeliveryState,
  settleAttempt,
  splitRefused,
  zeroCounters,
  type DeliveryState,
  type UsageCounters,
} from "../delivery";
import { buildUsageEvent, encodeUsageEvent, type UsageFacts } from "../event";
import type { JournalEntry } from "../journal";
import { EventQueue, type QueuedEvent } from "../queue";
import type { KafkaUsageConfig } from "../schema";
import { send, type KafkaProducerConfig } from "../../io/lua/kafka-producer";
import { utf8 } from "../../io/kafka/bytes";
import { murmur2 } from "../../io/kafka/murmur2";
import { journalDelete, journalRange, journalWrite, openJournal, sweep, type Journal } from "./journal";

interface Channel {
  /** The config this channel was made for (its batch and retry settings are used). */
  conf: KafkaUsageConfig;
  /** Its name in the node journal: the same in every worker for the same settings. */
  id: string;
  /** One stable table per channel: the producer keeps its cluster view per config table. */
  producer: KafkaProducerConfig;
  /** Queue, in-flight events and backoff (delivery.ts), on a clock in ms. */
  delivery: DeliveryState;
}

const CONTENT_TYPE_HEADER = [{ key: "content-type", value: "application/cloudevents+json" }];

/** Per worker. */
const channels = new LuaTable<string, Channel>();
const channelById = new LuaTable<string, Channel>();
/** This worker's part of the node journal, once a channel opened it (undefined: no such dict). */
let journal: Journal | undefined;
let journalOpened = false;
/** When (ms) the journal was last reported full in the log. */
let journalFullLoggedAt = -1;
/** Seconds between two sweeps for dead workers' events. */
const SWEEP_INTERVAL_S = 1;
const channelOfConf = setmetatable(new LuaTable<KafkaUsageConfig, Channel>(), { __mode: "k" });
const counters: UsageCounters = zeroCounters();
/** Counter increments not yet added to the shared dict (see syncCounters). */
const unsynced: UsageCounters = zeroCounters();
let dictName = "tollgate_usage";
let flushing = false;
/** When (nowMs()) the earliest pending flush timer fires, or -1 when none is pending. */
let timerDueAt = -1;
/** What nowMs() last read: a clock that is at most behind, for the log phase's checks (see publish). */
let lastNowMs = 0;
let statsStarted = false;
/** Whether this exiting worker said that events logged after its last flush stay in the journal. */
let exitNoted = false;

function channelFor(conf: KafkaUsageConfig): Channel {
  let channel = channelOfConf.get(conf);
  if (channel !== undefined) return channel;
  const key = channelKey(conf);
  channel = channels.get(key);
  if (channel === undefined) {
    const k = conf.kafka;
    channel = {
      conf,
      id: `${murmur2(utf8(key))}`,
      producer: {
        brokers: k.brokers,
        client_id: k.client_id,
        timeout_ms: k.timeout_ms,
        acks: k.acks,
        idempotent: k.idempotent,
        keepalive_ms: k.keepalive_ms,
        metadata_max_age_s: k.metadata_max_age_s,
        tls: k.tls ? { verify: k.ssl_verify, server_name: k.server_name, client_cert: k.client_cert, client_key: k.client_key } : undefined,
        sasl: k.sasl,
      },
      delivery: newDeliveryState(new EventQueue(conf.queue.max_events, conf.queue.max_bytes, conf.batch.max_bytes)),
    };
    channels.set(key, channel);
    channelById.set(channel.id, channel);
  }
  channelOfConf.set(conf, channel);
  dictName = conf.dict;
  if (!journalOpened) {
    journalOpened = true;
    journal = openJournal(conf.dict);
    if (journal !== undefined) ngx.timer.every(SWEEP_INTERVAL_S, sweepTimer);
  }
  if (!statsStarted && conf.stats_log_interval_s > 0) {
    statsStarted = true;
    ngx.timer.every(conf.stats_log_interval_s, logStats);
  }
  return channel;
}

/** Events this worker holds (waiting and in flight), over its channels. */
function queueDepth(): number {
  let depth = 0;
  for (const [, channel] of channels) depth += channel.delivery.queue.size();
  return depth;
}

function count(name: keyof UsageCounters, n: number): void {
  counters[name] += n;
  unsynced[name] += n;
}

function drop(reason: "dropped_queue_full" | "dropped_too_large" | "dropped_shutdown", n: number): void {
  count(reason, n);
  count("dropped", n);
}

/**
 * Adds this worker's new counts to the shared dict (totals over the workers) and writes
 * this worker's own figures under "worker:<id>:<name>". Called from timers, never from
 * the log phase, so a request pays no shared-dict write for the counters.
 */
function syncCounters(): void {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return;
  const worker = ngx.worker.id() ?? 0;
  for (const name of COUNTER_NAMES) {
    if (unsynced[name] !== 0) {
      dict.incr(name, unsynced[name], 0);
      unsynced[name] = 0;
    }
    dict.set(`worker:${worker}:${name}`, counters[name]);
  }
  dict.set(`worker:${worker}:depth`, queueDepth());
}

function logStats(this: void, premature: boolean): void {
  if (premature) return;
  syncCounters();
  ngx.log(ngx.NOTICE, `[kafka-usage] worker ${ngx.worker.id() ?? 0}: ${formatCounters(counters)} depth=${queueDepth()}`);
}

/**
 * The worker's clock in ms (nginx's cached time). Read once per flush and per attempt,
 * and in the log phase only when it matters (see publish): every call of resty.core's
 * ngx.now() from code LuaJIT runs interpreted makes it hotter, and as the start of a
 * trace it always aborts (it ends in `return tonumber(…)`), until LuaJIT blacklists it —
 * and then every trace through ngx.now() aborts, the gateway's own included.
 */
function nowMs(): number {
  lastNowMs = ngx.now() * 1000;
  return lastNowMs;
}

/** Ms until `channel` should be flushed (0: now), or undefined when it holds nothing. */
function dueIn(channel: Channel, now: number): number | undefined {
  const due = msUntilDue(channel.delivery, channel.conf.batch, now);
  return due;
}

/** A flush timer `delayMs` after `now`, unless one is already due by then. */
function schedule(delayMs: number, now: number): void {
  const at = now + delayMs;
  if (timerDueAt >= 0 && timerDueAt <= at) return;
  const [ok, err] = ngx.timer.at(delayMs / 1000, flushTimer);
  if (ok === undefined) {
    if (ngx.worker.exiting()) {
      // A request logged after this worker's last flush (a reload, a stop): its event stays
      // in the node journal for the next workers. The counters go to the dict now: no timer
      // of this worker runs again.
      syncCounters();
      if (!exitNoted) ngx.log(ngx.NOTICE, `[kafka-usage] worker exiting: events of requests logged after its last flush stay in the node journal (lua_shared_dict ${dictName}) for the next workers (a reload); lost if nginx is stopping`);
      exitNoted = true;
      return;
    }
    ngx.log(ngx.ERR, `[kafka-usage] cannot schedule a flush: ${err}`);
    return;
  }
  timerDueAt = at;
}

/**
 * A partition batch Kafka refused for its size: sent again in halves (see splitRefused),
 * or, for a single event too large for the topic, dropped and counted.
 */
function refusedForSize(channel: Channel, events: QueuedEvent[], error: string): void {
  const lone = splitRefused(channel.delivery, events);
  if (lone === undefined) {
    count("retried", events.length);
    return;
  }
  drop("dropped_too_large", 1);
  if (journal !== undefined) journalDelete(journal, [lone]);
  ngx.log(ngx.ERR, `[kafka-usage] dropped an event of ${lone.value.length} bytes that Kafka refuses even alone: ${error}`);
}

/**
 * One attempt for a channel: send its in-flight events (taking new ones when there are
 * none). Returns the clock (ms) read after it, or undefined when there was nothing to send.
 */
function attempt(channel: Channel): number | undefined {
  if (journal !== undefined) journalRange(journal, oldestSeq());
  const events = eventsToSend(channel.delivery, channel.conf.batch);
  if (events.length === 0) return undefined;
  // The queued events are the Kafka records: each partition's result hands back the very
  // events it carried, so the failed ones are kept as they are, for an identical resend.
  const [result, err] = send(channel.producer, channel.conf.kafka.topic, events);
  const delivered: QueuedEvent[] = [];
  let failed: QueuedEvent[] = events;
  if (result !== undefined) {
    failed = [];
    for (const partition of result.partitions) {
      const carried = partition.records as QueuedEvent[];
      if (partition.error !== undefined && isTooLargeError(partition.errorCode)) {
        refusedForSize(channel, carried, partition.error);
        continue;
      }
      const target = partition.error === undefined ? delivered : failed;
      for (const event of carried) target.push(event);
    }
  }
  if (delivered.length > 0) {
    count("sent", delivered.length);
    if (journal !== undefined) journalDelete(journal, delivered);
  }
  if (failed.length > 0) count("retried", failed.length);
  const now = nowMs();
  if (settleAttempt(channel.delivery, delivered, failed, channel.conf.retry, now, math.random())) {
    const failures = channel.delivery.failures;
    ngx.log(ngx.WARN, `[kafka-usage] ${failed.length} event(s) not acknowledged (attempt ${failures}), will retry: ${err ?? "a partition failed"}`);
  }
  return now;
}

/** Gives up on everything a channel holds (worker exit after the shutdown timeout). */
function abandon(channel: Channel): void {
  const delivery = channel.delivery;
  const left = delivery.inflight;
  for (const half of delivery.halves) for (const event of half) left.push(event);
  delivery.inflight = [];
  delivery.halves = [];
  delivery.queue.release(left);
  for (;;) {
    const rest = delivery.queue.take(100_000, 1_073_741_824);
    if (rest.length === 0) break;
    delivery.queue.release(rest);
    for (const event of rest) left.push(event);
  }
  // Those with a copy in the node journal stay there: the workers after this one (a
  // reload) take them over once this process is gone. A stop of nginx loses them.
  let lost = 0;
  let kept = 0;
  for (const event of left) {
    if (event.seq === undefined) lost += 1;
    else kept += 1;
  }
  if (kept > 0) {
    count("handed_over", kept);
    ngx.log(ngx.WARN, `[kafka-usage] worker exiting: ${kept} undelivered event(s) left in the node journal (lua_shared_dict ${dictName}) for the next workers; lost if nginx is stopping`);
  }
  if (lost > 0) {
    drop("dropped_shutdown", lost);
    ngx.log(ngx.ERR, `[kafka-usage] worker exiting: ${lost} event(s) could not be delivered within queue.shutdown_timeout_ms and are lost`);
  }
}

/**
 * The flusher: runs until nothing is due. While the worker exits it flushes everything
 * regardless of age and stops at the shutdown deadline.
 */
function flushTimer(this: void, premature: boolean): void {
  timerDueAt = -1;
  if (flushing) return; // the running flusher sees the new events
  flushing = true;
  const [ok, err] = pcall(flushLoop, premature);
  flushing = false;
  if (!ok) ngx.log(ngx.ERR, `[kafka-usage] flush failed: ${err}`);
  syncCounters();
  // Anything still held gets a timer, so it is sent later (or flushed at worker exit).
  const now = nowMs();
  let next: number | undefined;
  for (const [, channel] of channels) {
    const due = dueIn(channel, now);
    if (due !== undefined && (next === undefined || due < next)) next = due;
  }
  if (next !== undefined && !ngx.worker.exiting()) schedule(next, now);
}

function flushLoop(this: void, premature: boolean): void {
  let deadline = -1;
  for (;;) {
    const exiting = premature || ngx.worker.exiting();
    ngx.update_time();
    const now = nowMs();
    if (exiting && deadline < 0) {
      let longest = 0;
      for (const [, channel] of channels) longest = Math.max(longest, channel.conf.queue.shutdown_timeout_ms);
      deadline = now + longest;
    }
    let wait: number | undefined;
    for (const [, channel] of channels) {
      const due = dueIn(channel, now);
      if (due === undefined) continue;
      if (due === 0 || (exiting && channel.delivery.failures === 0)) {
        const after = attempt(channel) ?? now;
        const again = dueIn(channel, after);
        if (again !== undefined && (wait === undefined || again < wait)) wait = again;
      } else if (wait === undefined || due < wait) {
        wait = due;
      }
    }
    // The counters are synced where the flusher goes on, and by flushTimer after it: not
    // just before a return, where LuaJIT cannot end a trace after the shared dict's C
    // calls ("NYI: return to lower frame").
    if (wait === undefined) return;
    if (!exiting) {
      // Not due yet (age or backoff): a timer takes over, the flusher is free again.
      if (wait > 0) return;
      syncCounters();
      continue;
    }
    if (lastNowMs + wait > deadline) {
      for (const [, channel] of channels) abandon(channel);
      return;
    }
    syncCounters();
    if (wait > 0) ngx.sleep(wait / 1000);
  }
}

/** The lowest seq among `events`, or `lo`. */
function lowestSeq(events: readonly QueuedEvent[], lo: number | undefined): number | undefined {
  for (const event of events) {
    const seq = event.seq;
    if (seq !== undefined && (lo === undefined || seq < lo)) lo = seq;
  }
  return lo;
}

/**
 * The oldest journal seq this worker holds, over its channels (undefined: none). The queue
 * is in seq order; events in flight and halves are not (the failed shares of several
 * partitions, one partition after the other), so each of them counts.
 */
function oldestSeq(): number | undefined {
  let lo: number | undefined;
  for (const [, channel] of channels) {
    const delivery = channel.delivery;
    lo = lowestSeq(delivery.inflight, lo);
    for (const half of delivery.halves) lo = lowestSeq(half, lo);
    const oldest = delivery.queue.oldest();
    if (oldest !== undefined) lo = lowestSeq([oldest], lo);
  }
  return lo;
}

/** An event queued without its journal copy (the dict is full): counted, and logged at most every 10 s. */
function unjournaled(now: number): void {
  count("unjournaled", 1);
  if (journalFullLoggedAt >= 0 && now - journalFullLoggedAt < 10_000) return;
  journalFullLoggedAt = now;
  ngx.log(ngx.ERR, `[kafka-usage] lua_shared_dict ${dictName} is full: events are queued without a copy in the node journal and are lost if this worker dies (enlarge the dict)`);
}

/**
 * A dead worker's event, from the node journal into this worker's queue of its channel
 * (and journaled again under this worker). False when it cannot be taken now: a channel
 * this worker has not served yet, or its queue is full; it then waits in the journal.
 */
function adopt(this: void, entry: JournalEntry, key: string): boolean {
  const channel = channelById.get(entry.channel);
  if (channel === undefined) return false;
  const event: QueuedEvent = { key: entry.key, value: entry.value, timestamp: entry.timestamp, headers: CONTENT_TYPE_HEADER };
  if (channel.delivery.queue.offer(event, nowMs()) !== "queued") return false;
  count("adopted", 1);
  if (journal !== undefined && !journalWrite(journal, channel.id, event, key)) count("unjournaled", 1);
  return true;
}

/** Every SWEEP_INTERVAL_S: takes over what dead workers left, and flushes it. */
function sweepTimer(this: void, premature: boolean): void {
  if (premature || journal === undefined || ngx.worker.exiting()) return;
  const taken = sweep(journal, adopt);
  if (taken === 0) return;
  ngx.log(ngx.NOTICE, `[kafka-usage] took over ${taken} event(s) a worker that is gone left in the node journal`);
  const now = nowMs();
  if (!flushing) schedule(0, now);
}

/**
 * The log-phase step: one event for the request, queued. Returns what happened to it
 * ("queued", "queue_full", "too_large" or "skipped"); never waits.
 */
export function publish(conf: KafkaUsageConfig, facts: UsageFacts, nodeId: string): string {
  const event = buildUsageEvent(conf, facts, nodeId);
  if (event === undefined) return "skipped";
  return publishEncoded(conf, event.subject, encodeUsageEvent(event), facts.startedMs);
}

/**
 * Queues an encoded event (`value`, keyed by `key`, at `timestampMs`) on the channel of
 * `conf`: what publish does with a usage event, and the log phase with tier-limit's
 * threshold events (same queue, guarantees and counters). Never waits.
 */
export function publishEncoded(conf: KafkaUsageConfig, key: string, value: string, timestampMs: number): string {
  const channel = channelFor(conf);
  const queue = channel.delivery.queue;
  // The clock is read for the first event of a batch (the batch's age counts from it) and
  // when a timer may be needed and none is pending; otherwise the last read serves, unless
  // a flush may be due before the pending timer fires. A clock read earlier gives an
  // earlier due time than the true one, so a timer due by then is due by the true time too.
  const fresh = queue.waiting() === 0 || (!flushing && timerDueAt < 0);
  let now = fresh ? nowMs() : lastNowMs;
  const queued: QueuedEvent = { key, value, timestamp: timestampMs, headers: CONTENT_TYPE_HEADER };
  const result = queue.offer(queued, now);
  if (result !== "queued") {
    drop(result === "too_large" ? "dropped_too_large" : "dropped_queue_full", 1);
    return result;
  }
  count("queued", 1);
  if (journal !== undefined && !journalWrite(journal, channel.id, queued)) unjournaled(now);
  if (flushing) return result; // the running flusher sees the new event
  // Neither the batch's first event nor the one that fills it: the channel is due when it
  // was at the event before, and a timer due by then is pending.
  if (!fresh && queue.waiting() < channel.conf.batch.max_events) return result;
  let due = dueIn(channel, now);
  if (due === undefined || (timerDueAt >= 0 && timerDueAt <= now + due)) return result;
  if (!fresh) {
    now = nowMs();
    due = dueIn(channel, now);
    if (due === undefined) return result;
  }
  schedule(due, now);
  return result;
}

/**
 * The counters summed over this node's workers, from the shared dict, plus each
 * worker's own figures: what GET /kafka-usage/status answers.
 */
export function nodeStatus(dict: string): { total: { [name: string]: number }; workers: { [id: string]: { [name: string]: number } } } | undefined {
  syncCounters();
  const shared = ngx.shared[dict];
  if (shared === undefined) return undefined;
  const total: { [name: string]: number } = {};
  for (const name of COUNTER_NAMES) total[name] = (shared.get(name)[0] as number | undefined) ?? 0;
  const workers: { [id: string]: { [name: string]: number } } = {};
  for (let id = 0; id < ngx.worker.count(); id++) {
    const figures: { [name: string]: number } = {};
    for (const name of [...COUNTER_NAMES, "depth"]) figures[name] = (shared.get(`worker:${id}:${name}`)[0] as number | undefined) ?? 0;
    workers[`${id}`] = figures;
  }
  return { total, workers };
}
