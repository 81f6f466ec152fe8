/**
 * kafka-usage for Kong's JS plugin server (npm `kong-pdk`): the twin of the Lua plugin
 * (lua/publisher.ts), with kafkajs as the producer. Built by scripts/build.ts into
 * lua-out/kong-js/kafka-usage.cjs.
 *
 *   log phase → read the facts (Kong's serialized log entry, the allowlisted headers,
 *               kong.ctx.shared), build the CloudEvent with the same
 *               buildUsageEvent, offer it to the same bounded EventQueue (or count it
 *               dropped). No Kafka I/O on the request's RPC channel.
 *   timer     → take up to batch.max_events, send each partition's share with its own
 *               kafkajs `send` (the partition the Java rule gives its key), release those
 *               Kafka acknowledged; keep the others, unchanged, and try them again after
 *               the same jittered exponential backoff (delivery.ts).
 *   SIGTERM   → flush what is held for up to queue.shutdown_timeout_ms, count the rest as
 *               dropped_shutdown, then exit.
 *
 * Kong runs one plugin server process per node, so a "channel" (one queue, one producer)
 * is shared by every plugin instance with the same Kafka settings and queue bounds, for
 * the whole process: the Lua plugin's per-worker channel becomes a per-node one here.
 */
import { randomUUID } from "node:crypto";
import { Kafka, logLevel, Partitioners, type Admin, type Producer, type SASLOptions } from "kafkajs";
import { toKongFields } from "../core/kong-schema";
import { validatedKongJsConfig } from "../hosts/kong-js/adapter";
import type { KongJsLogPdk, KongJsSerializedLog } from "../hosts/kong-js/pdk";
import {
  channelKey,
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
} from "./delivery";
import { buildUsageEvent, encodeUsageEvent, type UsageFacts } from "./event";
import { KAFKA_USAGE_PRIORITY, KAFKA_USAGE_VERSION } from "./meta";
import { EventQueue } from "./queue";
import { kafkaUsageSchema, type KafkaUsageConfig } from "./schema";
import { partitionForKey } from "../io/kafka/murmur2";
import { utf8 } from "../io/kafka/bytes";
import type { QueuedEvent } from "./queue";

const CONTENT_TYPE = "application/cloudevents+json";

interface Channel {
  conf: KafkaUsageConfig;
  /** Queue, in-flight events and backoff (delivery.ts), on Date.now()'s clock. */
  delivery: DeliveryState;
  producer: Producer;
  connected: boolean;
  /** Reads the topic's partition count (kafkajs's producer does not expose its metadata). */
  admin: Admin;
  adminConnected: boolean;
  /** The topic's partition count and when it was read (refreshed after metadata_max_age_s). */
  partitions?: { count: number; atMs: number };
  /** A send is running: one at a time per channel keeps the records in queue order. */
  sending: boolean;
  timer?: NodeJS.Timeout;
  timerAt: number;
}

/** Per plugin server process. */
const channels = new Map<string, Channel>();
const counters: UsageCounters = zeroCounters();
let statsTimer: NodeJS.Timeout | undefined;
let shutdownHooked = false;

/** The SASL settings in kafkajs's terms (its mechanism names are lower case). */
function kafkajsSasl(sasl: NonNullable<KafkaUsageConfig["kafka"]["sasl"]>): SASLOptions {
  const { username, password } = sasl;
  if (sasl.mechanism === "SCRAM-SHA-256") return { mechanism: "scram-sha-256", username, password };
  if (sasl.mechanism === "SCRAM-SHA-512") return { mechanism: "scram-sha-512", username, password };
  return { mechanism: "plain", username, password };
}

function newClient(conf: KafkaUsageConfig): Kafka {
  const k = conf.kafka;
  return new Kafka({
    clientId: k.client_id,
    brokers: k.brokers,
    connectionTimeout: k.timeout_ms,
    requestTimeout: k.timeout_ms,
    logLevel: logLevel.NOTHING,
    // Node checks the brokers' certificates against its CAs (plus NODE_EXTRA_CA_CERTS).
    ssl: k.tls ? { rejectUnauthorized: k.ssl_verify, servername: k.server_name, cert: k.client_cert, key: k.client_key } : undefined,
    sasl: k.sasl === undefined ? undefined : kafkajsSasl(k.sasl),
    // Retries are tollgate's (the backoff below, events kept in the queue); kafkajs tries
    // once more only because its idempotent producer refuses zero retries.
    retry: { retries: 1, initialRetryTime: conf.retry.initial_backoff_ms, maxRetryTime: k.timeout_ms },
  });
}

function newProducer(kafka: Kafka, conf: KafkaUsageConfig): Producer {
  const k = conf.kafka;
  return kafka.producer({
    // kafkajs's DefaultPartitioner is the Java client's: murmur2(key) & 0x7fffffff % n
    // (plugins/io/kafka/murmur2.ts partitionForKey), so a subject lands where the Lua
    // producer and Java clients put it.
    createPartitioner: Partitioners.DefaultPartitioner,
    // kafkajs allows idempotence only with acks=-1 (all in-sync replicas).
    idempotent: k.idempotent && k.acks === -1,
    maxInFlightRequests: k.idempotent && k.acks === -1 ? 1 : undefined,
    metadataMaxAge: k.metadata_max_age_s * 1000,
    retry: { retries: 1, initialRetryTime: conf.retry.initial_backoff_ms, maxRetryTime: k.timeout_ms },
  });
}

function channelFor(conf: KafkaUsageConfig): Channel {
  const key = channelKey(conf);
  let channel = channels.get(key);
  if (channel === undefined) {
    const kafka = newClient(conf);
    channel = {
      conf,
      delivery: newDeliveryState(new EventQueue(conf.queue.max_events, conf.queue.max_bytes, conf.batch.max_bytes)),
      producer: newProducer(kafka, conf),
      connected: false,
      admin: kafka.admin(),
      adminConnected: false,
      sending: false,
      timerAt: -1,
    };
    channels.set(key, channel);
  }
  if (statsTimer === undefined && conf.stats_log_interval_s > 0) {
    statsTimer = setInterval(logStats, conf.stats_log_interval_s * 1000);
    statsTimer.unref();
  }
  if (!shutdownHooked) {
    shutdownHooked = true;
    process.once("SIGTERM", () => {
      // Kong stops its plugin servers with SIGTERM. Bounded even if a disconnect hangs.
      let longest = 0;
      for (const c of channels.values()) longest = Math.max(longest, c.conf.queue.shutdown_timeout_ms);
      setTimeout(() => process.exit(1), longest + 5_000).unref();
      void shutdown().finally(() => process.exit(0));
    });
  }
  return channel;
}

function count(name: keyof UsageCounters, n: number): void {
  counters[name] += n;
}

function drop(reason: "dropped_queue_full" | "dropped_too_large" | "dropped_shutdown", n: number): void {
  count(reason, n);
  count("dropped", n);
}

function depth(): number {
  let held = 0;
  for (const channel of channels.values()) held += channel.delivery.queue.size();
  return held;
}

function logStats(): void {
  // The plugin server's stdout ends up in Kong's error log.
  console.log(`[kafka-usage] pid ${process.pid}: ${formatCounters(counters)} depth=${depth()}`);
}

/** Ms from `now` until `channel` should be sent (0: now), or undefined when it holds nothing. */
function dueIn(channel: Channel, now: number): number | undefined {
  return msUntilDue(channel.delivery, channel.conf.batch, now);
}

function schedule(channel: Channel): void {
  if (channel.sending) return; // the running send reschedules when it ends
  const now = Date.now();
  const due = dueIn(channel, now);
  if (due === undefined) return;
  const at = now + due;
  if (channel.timer !== undefined && channel.timerAt <= at) return;
  if (channel.timer !== undefined) clearTimeout(channel.timer);
  channel.timerAt = at;
  channel.timer = setTimeout(() => {
    channel.timer = undefined;
    channel.timerAt = -1;
    void flush(channel).finally(() => schedule(channel));
  }, due);
}

/** Sends whatever is due, until nothing is (or an attempt failed and backs off). */
async function flush(channel: Channel): Promise<void> {
  if (channel.sending) return;
  channel.sending = true;
  try {
    while (dueIn(channel, Date.now()) === 0) {
      if (!(await attempt(channel))) break;
    }
  } finally {
    channel.sending = false;
  }
}

/**
 * The topic's partition count, read with the admin client at most every
 * metadata_max_age_s; the last one known (or undefined) when it cannot be read.
 */
async function partitionCount(channel: Channel): Promise<number | undefined> {
  const known = channel.partitions;
  const now = Date.now();
  if (known !== undefined && now - known.atMs < channel.conf.kafka.metadata_max_age_s * 1000) return known.count;
  try {
    if (!channel.adminConnected) {
      await channel.admin.connect();
      channel.adminConnected = true;
    }
    const metadata = await channel.admin.fetchTopicMetadata({ topics: [channel.conf.kafka.topic] });
    const count = metadata.topics[0]?.partitions.length ?? 0;
    if (count > 0) {
      channel.partitions = { count, atMs: now };
      return count;
    }
  } catch {
    // unreachable or unknown topic: the send below fails the same way and is retried
  }
  return known?.count;
}

/**
 * The events by the partition the Java client's rule gives their key (kafkajs's
 * DefaultPartitioner, and the Lua producer's), in queue order within each; one group
 * without a partition (kafkajs then picks) when the count is unknown.
 */
function byPartition(events: QueuedEvent[], partitions: number | undefined): Map<number | undefined, QueuedEvent[]> {
  const groups = new Map<number | undefined, QueuedEvent[]>();
  for (const event of events) {
    const partition = partitions === undefined ? undefined : partitionForKey(utf8(event.key), partitions);
    const group = groups.get(partition);
    if (group === undefined) groups.set(partition, [event]);
    else group.push(event);
  }
  return groups;
}

/**
 * A partition's share Kafka refused for its size: sent again in halves (see
 * splitRefused), or, for a single event too large for the topic, dropped and counted.
 */
function refusedForSize(channel: Channel, events: QueuedEvent[], error: unknown): void {
  const lone = splitRefused(channel.delivery, events);
  if (lone === undefined) {
    count("retried", events.length);
    return;
  }
  drop("dropped_too_large", 1);
  console.error(`[kafka-usage] dropped an event of ${lone.value.length} bytes that Kafka refuses even alone: ${String(error)}`);
}

/**
 * One attempt: the channel's in-flight events (taking new ones when none are in flight),
 * one kafkajs `send` per partition. kafkajs reports a send as all or nothing, so one send
 * per partition is what tells which events Kafka took: only the others are kept for an
 * identical resend (a partition that took its share never gets it twice). True when
 * every partition took its share.
 */
async function attempt(channel: Channel): Promise<boolean> {
  const conf = channel.conf;
  const events = eventsToSend(channel.delivery, conf.batch);
  if (events.length === 0) return true;
  const delivered: QueuedEvent[] = [];
  let failed: QueuedEvent[] = [];
  let error: unknown;
  try {
    if (!channel.connected) {
      await channel.producer.connect();
      channel.connected = true;
    }
  } catch (err) {
    error = err;
    failed = events;
  }
  if (error === undefined) {
    const groups = [...byPartition(events, await partitionCount(channel))];
    const outcomes = await Promise.allSettled(
      groups.map(([partition, group]) =>
        channel.producer.send({
          topic: conf.kafka.topic,
          acks: conf.kafka.acks,
          timeout: conf.kafka.timeout_ms,
          messages: group.map((event) => ({
            key: event.key,
            value: event.value,
            partition,
            timestamp: `${event.timestamp}`,
            headers: { "content-type": CONTENT_TYPE },
          })),
        }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      const group = groups[i]![1];
      if (outcome.status === "fulfilled") {
        delivered.push(...group);
        return;
      }
      error = outcome.reason;
      if (isTooLargeError(kafkaErrorCode(outcome.reason))) refusedForSize(channel, group, outcome.reason);
      else failed.push(...group);
    });
  }
  if (delivered.length > 0) count("sent", delivered.length);
  if (failed.length > 0) count("retried", failed.length);
  if (settleAttempt(channel.delivery, delivered, failed, conf.retry, Date.now(), Math.random())) {
    console.warn(`[kafka-usage] ${failed.length} event(s) not acknowledged (attempt ${channel.delivery.failures}), will retry: ${String(error)}`);
  }
  return error === undefined;
}

/** Kafka's error code behind a kafkajs error (its protocol errors carry `code`, possibly as the `cause` of a retry error). */
function kafkaErrorCode(error: unknown): number | undefined {
  for (let current: unknown = error; typeof current === "object" && current !== null; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "number") return code;
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Delivers what every channel holds, trying for up to queue.shutdown_timeout_ms; the rest is counted lost. */
export async function shutdown(): Promise<void> {
  for (const channel of channels.values()) {
    if (channel.timer !== undefined) clearTimeout(channel.timer);
    const deadline = Date.now() + channel.conf.queue.shutdown_timeout_ms;
    // Let a running send finish, then keep the channel to ourselves: no timer or log
    // phase may start a second, concurrent send of the same in-flight events.
    while (channel.sending && Date.now() < deadline) await sleep(10);
    channel.sending = true;
    while (channel.delivery.queue.size() > 0 && Date.now() < deadline) {
      if (!(await attempt(channel))) await sleep(Math.max(0, Math.min(channel.delivery.retryAtMs, deadline) - Date.now()));
    }
    const lost = channel.delivery.queue.size();
    if (lost > 0) {
      drop("dropped_shutdown", lost);
      console.error(`[kafka-usage] exiting: ${lost} event(s) could not be delivered within queue.shutdown_timeout_ms and are lost`);
    }
    if (channel.connected) await channel.producer.disconnect().catch(() => undefined);
    if (channel.adminConnected) await channel.admin.disconnect().catch(() => undefined);
  }
  logStats();
}

/** Kong's latencies are ms; -1 (or absent) means "never reached the upstream". */
function nonNegative(value: number | undefined): number | undefined {
  return value === undefined || value < 0 ? undefined : Math.floor(value);
}

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: KafkaUsageConfig;
  #nodeId: string | undefined;
  /** Found on the first event, so a request pays no channel-key string for it. */
  #channel: Channel | undefined;

  constructor(config: unknown) {
    this.#conf = validatedKongJsConfig<KafkaUsageConfig>(kafkaUsageSchema, config).conf;
  }

  /** This process's counters and held events, over all channels. */
  static status(): { counters: UsageCounters; depth: number } {
    return { counters: { ...counters }, depth: depth() };
  }

  async log(kong: KongJsLogPdk): Promise<void> {
    const conf = this.#conf;
    // Kong calls this from a timer after the request ended (see KongJsLogPdk): the facts
    // come from Kong's serialized log entry, saved when the request ended, in one RPC.
    const entry = serializedLog(await kong.log.serialize());
    const consumer = entry.consumer;
    const facts: UsageFacts = {
      requestId: randomUUID(),
      startedMs: Math.floor(entry.started_at ?? Date.now()),
      method: entry.request?.method ?? "",
      // Kong's get_path is request_uri without the query string; the serialized uri is
      // request_uri, so the same cut gives the same path.
      path: (entry.request?.uri ?? "").split("?", 1)[0]!,
      status: entry.response?.status ?? 0,
      latencyMs: nonNegative(entry.latencies?.request) ?? 0,
      upstreamLatencyMs: nonNegative(entry.latencies?.proxy),
      requestBytes: entry.request?.size ?? 0,
      responseBytes: entry.response?.size ?? 0,
      routeId: entry.route?.id,
      routeName: entry.route?.name ?? undefined,
      serviceId: entry.service?.id,
      serviceName: entry.service?.name ?? undefined,
      clientIp: entry.client_ip,
    };
    if (consumer !== undefined && consumer !== null && typeof consumer.id === "string") {
      facts.consumer = { id: consumer.id, username: consumer.username ?? undefined, custom_id: consumer.custom_id ?? undefined, tags: consumer.tags ?? undefined };
    } else if (conf.anonymous === "skip") {
      return;
    }
    if (conf.headers !== undefined && conf.headers.length > 0) {
      // Asked one by one, never taken from the serialized entry, whose request headers
      // carry credentials: only allowlisted names ever reach the plugin's facts.
      const headers: { [name: string]: string } = {};
      for (const name of conf.headers) {
        const value = await kong.request.getHeader(name);
        if (typeof value === "string") headers[name] = value;
      }
      facts.headers = headers;
    }
    // What tollgate's access plugins decided (hosts/kong/adapter.ts records it).
    facts.tier = stringOrUndefined(await kong.ctx.shared.get("tollgate_tier"));
    facts.plan = stringOrUndefined(await kong.ctx.shared.get("tollgate_plan"));
    facts.features = stringOrUndefined(await kong.ctx.shared.get("tollgate_features"));
    // Overage comes only with a tier from tier-limit: no round trip for the others.
    if (facts.tier !== undefined) facts.overage = stringOrUndefined(await kong.ctx.shared.get("tollgate_overage"));
    this.#nodeId ??= await kong.node.getId();

    const event = buildUsageEvent(conf, facts, this.#nodeId);
    if (event === undefined) return;
    const channel = (this.#channel ??= channelFor(conf));
    const result = channel.delivery.queue.offer({ key: event.subject, value: encodeUsageEvent(event), timestamp: facts.startedMs }, Date.now());
    if (result !== "queued") {
      drop(result === "too_large" ? "dropped_too_large" : "dropped_queue_full", 1);
      return;
    }
    count("queued", 1);
    schedule(channel);
  }
}

/** Kong's serialized log entry, whether the RPC answered JSON text (Kong) or a table. */
function serializedLog(answer: string | KongJsSerializedLog | null | undefined): KongJsSerializedLog {
  if (typeof answer !== "string") return answer ?? {};
  try {
    const parsed: unknown = JSON.parse(answer);
    return typeof parsed === "object" && parsed !== null ? (parsed as KongJsSerializedLog) : {};
  } catch {
    return {};
  }
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The `config` record's fields, as Kong validates them. */
export const Schema = toKongFields(kafkaUsageSchema);
export const Version = KAFKA_USAGE_VERSION;
export const Priority = KAFKA_USAGE_PRIORITY;
