/**
 * kafka-usage end to end: real nginx (both test hosts, 2 workers) → the compiled plugin
 * → real Apache Kafka brokers (KRaft, jars from Maven Central; one 3.9, one 4.x) →
 * read back with a kafkajs consumer and checked with the cloudevents SDK.
 *
 * Per broker version and host:
 *   - N requests give exactly N records with N distinct event ids, each a valid
 *     CloudEvent, keyed by the subject and on the partition the Java client would pick,
 *     and no credential the client sent appears in any byte;
 *   - a path and header values that are not UTF-8 give events a strict UTF-8 reader
 *     accepts, each ill-formed sequence replaced by U+FFFD;
 *   - the broker killed during traffic and started again: every event arrives, once;
 *     the requests during the outage keep their status and their latency;
 *   - nginx stopped gracefully with events still queued: they are sent before the worker exits;
 *   - a queue bound exceeded while the broker is down: the dropped count the status
 *     endpoint reports equals exactly the number of events missing;
 *   - batches larger than the topic's max.message.bytes: sent again in halves until they
 *     fit, and only an event too large alone is dropped, counted as dropped_too_large.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import type { UsageEvent } from "../../plugins/kafka-usage/event.ts";
import { KAFKA_VERSIONS, readTopic, recordCount, startKafka, type KafkaBroker, type ReadRecord } from "../runtime/kafka.ts";
import { describeGateway, errorLogOnceMatching, HOSTS, kongAdminUrl, startGateway, type HostKind, type RunningGateway } from "./harness.ts";
import { rawGet } from "./raw-http.ts";
import { checkUsageRecord } from "./usage-records.ts";

const PARTITIONS = 6;
/** max.message.bytes of the small-batches topic: a few events per batch at most. */
const SMALL_BATCH_BYTES = 3000;
const CONSUMERS = 20;
const keyOf = (i: number): string => `secret-key-${i}-XYZZY`;
const SECRETS = ["secret-key-", "XYZZY", "Bearer", "tok-SECRET", "COOKIE-SECRET", "QUERY-SECRET", "Authorization", "apikey"];

function usageConf(broker: KafkaBroker, topic: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kafka: { brokers: [broker.bootstrap], topic, timeout_ms: 2000 },
    batch: { max_events: 50, max_age_ms: 100 },
    retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
    subject: "custom_id",
    headers: ["x-request-source", "user-agent"],
    stats_log_interval_s: 0,
    ...extra,
  };
}

/** tollgate's access plugins on the /decided route: what they decide goes into the event. */
const DECIDING_PLUGINS: Record<string, Record<string, unknown>> = {
  "tier-limit": { tiers: { premium: { limits: { GET: { minute: 1000 } } } } },
  "entitlement-check": { plans: { pro: { features: ["reports"] } }, required_features: ["reports"] },
  "feature-toggle": { flags: [{ name: "beta-search" }, { name: "checkout", variants: [{ name: "blue", weight: 1 }] }, { name: "off", enabled: false }] },
};

function gatewayConfig(kind: HostKind, conf: Record<string, unknown>): Record<string, unknown> {
  const ids = Array.from({ length: CONSUMERS }, (_, i) => i);
  const deciding = (extra: Record<string, unknown>) => Object.entries({ ...DECIDING_PLUGINS, "kafka-usage": extra });
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "billing-api",
          url: "http://127.0.0.1:9000",
          routes: [
            {
              name: "usage",
              paths: ["/usage"],
              plugins: [
                { name: "key-auth", config: { key_names: ["apikey"] } },
                { name: "kafka-usage", config: conf },
              ],
            },
            { name: "open", paths: ["/open"], plugins: [{ name: "kafka-usage", config: conf }] },
            {
              name: "decided",
              paths: ["/decided"],
              plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }, ...deciding(conf).map(([name, config]) => ({ name, config }))],
            },
          ],
        },
      ],
      consumers: ids.map((i) => ({ username: `user${i}`, custom_id: `cust-${i}`, tags: ["tier:premium", "plan:pro"], keyauth_credentials: [{ key: keyOf(i) }] })),
    };
  }
  return {
    routes: [
      { id: "usage", name: "usage", uri: "/usage*", upstream_id: "up", plugins: { "key-auth": {}, "kafka-usage": conf } },
      { id: "open", name: "open", uri: "/open*", upstream_id: "up", plugins: { "kafka-usage": conf } },
      { id: "decided", name: "decided", uri: "/decided*", upstream_id: "up", plugins: { "key-auth": {}, ...Object.fromEntries(deciding(conf)) } },
      // The status endpoint, exposed as APISIX exposes a plugin's api(): with public-api.
      { id: "status", uri: "/apisix/plugin/kafka-usage/status", plugins: { "public-api": {} } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    // APISIX has no custom_id: the label of that name is what tollgate reads as one.
    consumers: ids.map((i) => ({ username: `user${i}`, labels: { custom_id: `cust-${i}`, tier: "premium", plan: "pro" }, plugins: { "key-auth": { key: keyOf(i) } } })),
  };
}

interface Status {
  total: Record<string, number>;
  workers: Record<string, Record<string, number>>;
}

/** Request i: consumer i % CONSUMERS, with credentials in a header, Authorization, a cookie and the query. */
async function call(base: string, i: number): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${base}/usage/items/${i}?token=QUERY-SECRET-${i}&page=2`, {
    headers: {
      apikey: keyOf(i % CONSUMERS),
      authorization: `Bearer tok-SECRET-${i}`,
      cookie: `session=COOKIE-SECRET-${i}`,
      "x-request-source": "suite",
    },
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

async function traffic(base: string, from: number, count: number, parallel = 8): Promise<{ status: number; ms: number }[]> {
  const out: { status: number; ms: number }[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++;
        out[index] = await call(base, from + index);
      }
    }),
  );
  return out;
}

/** A running host and where its kafka-usage status endpoint answers (Kong: Admin API; APISIX: public-api). */
type UsageGateway = RunningGateway & { statusUrl: string };

async function statusOf(gateway: UsageGateway): Promise<Status> {
  const response = await fetch(gateway.statusUrl);
  expect(response.status).toBe(200);
  return (await response.json()) as Status;
}

/** Polls the status endpoint until `done` holds (the flush timers run within ~100 ms). */
async function settle(gateway: UsageGateway, done: (s: Status) => boolean, timeoutMs = 20_000): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await statusOf(gateway);
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Every record: see checkUsageRecord; plus what this suite's requests carry. */
function checkRecords(records: ReadRecord[]): UsageEvent[] {
  return records.map((record) => {
    const body = checkUsageRecord(record, PARTITIONS, SECRETS);
    const key = record.key!.toString("utf8");
    expect(body.data.path).toMatch(/^\/usage\/items\/\d+$/);
    expect(body.data.headers).toEqual({ "x-request-source": "suite", "user-agent": expect.any(String) as string });
    expect(body.data.consumer?.custom_id).toBe(key);
    expect(body.data.consumer?.username).toBe(`user${key.slice("cust-".length)}`);
    return body;
  });
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

async function startHost(kind: HostKind, conf: Record<string, unknown>): Promise<UsageGateway> {
  const gateway = await startGateway(kind, gatewayConfig(kind, conf), upstream.url, { workers: 2 });
  // Where an operator reads the counters: Kong's Admin API, APISIX's public-api route.
  const statusUrl = kind === "kong" ? `${kongAdminUrl(gateway)}/kafka-usage/status` : `${gateway.url}/apisix/plugin/kafka-usage/status`;
  return Object.assign(gateway, { statusUrl });
}

for (const version of KAFKA_VERSIONS) {
  describeGateway(`kafka-usage with Kafka ${version}`, () => {
    let broker: KafkaBroker;
    beforeAll(async () => {
      broker = await startKafka(version);
      for (const host of HOSTS) {
        for (const topic of ["events", "decided", "outage", "overflow", "shutdown"]) await broker.createTopic(`${host}-${topic}`, PARTITIONS);
        await broker.createTopic(`${host}-small-batches`, PARTITIONS, { "max.message.bytes": String(SMALL_BATCH_BYTES) });
        // One partition: every partition is recovered again when the outage test restarts
        // the broker, which takes the longer the more there are (60 s is the start budget).
        await broker.createTopic(`${host}-bytes`, 1);
      }
    }, 120_000);
    afterAll(async () => {
      await broker?.destroy();
    });

    describe.each(HOSTS)("on the %s-shaped host", (kind) => {
      it("N requests give exactly N valid CloudEvents, keyed and partitioned by the Java rule, without a secret", async () => {
        const topic = `${kind}-events`;
        const gateway = await startHost(kind, usageConf(broker, topic, { stats_log_interval_s: 1 }));
        try {
          const N = 200;
          const replies = await traffic(gateway.url, 0, N);
          expect(replies.every((r) => r.status === 200)).toBe(true);
          const records = await readTopic(broker.bootstrap, topic, N, 20_000);
          expect(records).toHaveLength(N);
          expect(await recordCount(broker.bootstrap, topic)).toBe(N);
          const events = checkRecords(records);
          expect(new Set(events.map((e) => e.id)).size).toBe(N);
          // Every request is there once: paths /usage/items/0 … /usage/items/199.
          expect(new Set(events.map((e) => e.data.path)).size).toBe(N);
          const status = await settle(gateway, (s) => s.total["sent"] === N);
          expect(status.total).toMatchObject({ queued: N, sent: N, dropped: 0 });
          const perWorker = Object.values(status.workers);
          expect(perWorker).toHaveLength(2);
          expect(perWorker.reduce((sum, w) => sum + w["sent"]!, 0)).toBe(N);
          // Each worker's periodic log line (stats_log_interval_s: 1; a timer, later on a busy machine).
          const statsLine = /\[kafka-usage\] worker [01]: queued=\d+ sent=\d+ retried=0 dropped=0 .*depth=0/;
          expect(await errorLogOnceMatching(gateway, [statsLine], 10_000)).toMatch(statsLine);
        } finally {
          await gateway.stop();
        }
      }, 60_000);

      it("an event carries the tier, plan and features tier-limit, entitlement-check and feature-toggle decided", async () => {
        const topic = `${kind}-decided`;
        const gateway = await startHost(kind, usageConf(broker, topic));
        try {
          for (let i = 0; i < 3; i++) {
            const response = await fetch(`${gateway.url}/decided/report`, { headers: { apikey: keyOf(i), "x-api-tier": "enterprise" } });
            await response.arrayBuffer();
            expect(response.status).toBe(200);
          }
          const records = await readTopic(broker.bootstrap, topic, 3, 15_000);
          expect(records).toHaveLength(3);
          for (const record of records) {
            const event = JSON.parse(record.value!.toString()) as { data: Record<string, unknown> };
            expect(event.data).toMatchObject({ path: "/decided/report", status: 200, tier: "premium", plan: "pro", features: "beta-search,checkout=blue" });
          }
        } finally {
          await gateway.stop();
        }
      }, 60_000);

      it("a path and allowlisted headers that are not UTF-8 (0xFF 0xFE, overlong, surrogate) give valid UTF-8 JSON with U+FFFD", async () => {
        const topic = `${kind}-bytes`;
        const gateway = await startHost(kind, usageConf(broker, topic));
        try {
          const sent = [
            { target: "/usage/orders/%ff%fe", agent: [0xff, 0xfe], source: [0x61] },
            { target: "/usage/orders/%c0%80%e0%80%80", agent: [0xed, 0xa0, 0x80], source: [0xf4, 0x90, 0x80, 0x80] },
            { target: "/usage/orders/%c3%a9%e2%82", agent: [0x63, 0x75, 0x72, 0x6c, 0xc3], source: [0xc3, 0xa9] },
          ];
          for (const [i, request] of sent.entries()) {
            const reply = await rawGet(gateway.url, request.target, {
              apikey: keyOf(i),
              "User-Agent": Buffer.from(request.agent),
              "X-Request-Source": Buffer.from(request.source),
            });
            expect(reply.status, request.target).toBe(200);
          }
          const records = await readTopic(broker.bootstrap, topic, sent.length, 15_000);
          expect(records).toHaveLength(sent.length);
          // checkUsageRecord decodes every value with a fatal TextDecoder before JSON.parse.
          const byPath = new Map(records.map((record) => checkUsageRecord(record, 1, SECRETS)).map((event) => [event.data.path, event.data.headers]));
          // What TextDecoder makes of the same bytes: one U+FFFD per maximal subpart.
          expect(Object.fromEntries(byPath)).toEqual({
            "/usage/orders/\ufffd\ufffd": { "user-agent": "\ufffd\ufffd", "x-request-source": "a" },
            "/usage/orders/\ufffd\ufffd\ufffd\ufffd\ufffd": { "user-agent": "\ufffd\ufffd\ufffd", "x-request-source": "\ufffd\ufffd\ufffd\ufffd" },
            "/usage/orders/é\ufffd": { "user-agent": "curl\ufffd", "x-request-source": "é" },
          });
        } finally {
          await gateway.stop();
        }
      }, 60_000);

      it("the broker killed during traffic and started again: every event arrives once; requests keep their status and latency", async () => {
        const topic = `${kind}-outage`;
        const gateway = await startHost(kind, usageConf(broker, topic));
        try {
          // Paced traffic (4 clients, one request each per 10 ms) while the broker crashes
          // (SIGKILL: batches in flight lose their answers) and comes back.
          const replies: { status: number; ms: number; at: number }[] = [];
          let running = true;
          let sent = 0;
          const clients = Array.from({ length: 4 }, async () => {
            while (running) {
              const at = Date.now();
              const reply = await call(gateway.url, sent++);
              replies.push({ ...reply, at });
              await new Promise((r) => setTimeout(r, 10));
            }
          });
          await new Promise((r) => setTimeout(r, 700));
          const downAt = Date.now();
          await broker.kill();
          await new Promise((r) => setTimeout(r, 1500));
          const upAt = Date.now();
          await broker.start();
          await new Promise((r) => setTimeout(r, 700));
          running = false;
          await Promise.all(clients);
          const N = sent;
          expect(replies).toHaveLength(N);
          for (const reply of replies) expect(reply.status).toBe(200);
          // The request never waits for Kafka: latency during the outage stays that of a proxied request.
          const p95Before = percentile(replies.filter((r) => r.at < downAt).map((r) => r.ms), 95);
          const outage = replies.filter((r) => r.at >= downAt && r.at < upAt);
          const p95During = percentile(outage.map((r) => r.ms), 95);
          console.log(`kafka-usage ${version} ${kind}: ${N} requests, ${outage.length} during the outage; p95 ${p95Before.toFixed(1)} ms before, ${p95During.toFixed(1)} ms during`);
          expect(outage.length).toBeGreaterThan(50);
          expect(p95During).toBeLessThan(Math.max(50, 5 * p95Before));
          const status = await settle(gateway, (s) => s.total["sent"] === N, 45_000);
          expect(status.total).toMatchObject({ queued: N, sent: N, dropped: 0 });
          expect(status.total["retried"]).toBeGreaterThan(0);
          const records = await readTopic(broker.bootstrap, topic, N, 20_000);
          const events = checkRecords(records);
          expect(new Set(events.map((e) => e.id)).size).toBe(N);
          // Idempotent producer: nothing written twice, even for batches whose answer was lost.
          expect(await recordCount(broker.bootstrap, topic)).toBe(N);
        } finally {
          await gateway.stop();
          await broker.start();
        }
      }, 120_000);

      it("a worker that exits flushes its queue first (nginx's graceful stop)", async () => {
        const topic = `${kind}-shutdown`;
        // Events would wait 60 s for their flush: only the exit can send them in time.
        const gateway = await startHost(kind, usageConf(broker, topic, { batch: { max_events: 1000, max_age_ms: 60_000 } }));
        let stopped = false;
        try {
          const replies = await traffic(gateway.url, 0, 80);
          expect(replies.every((r) => r.status === 200)).toBe(true);
          const queued = await statusOf(gateway);
          expect(queued.total["sent"]).toBe(0);
          await gateway.stop();
          stopped = true;
          const records = await readTopic(broker.bootstrap, topic, 80, 15_000);
          expect(records).toHaveLength(80);
          expect(new Set(checkRecords(records).map((e) => e.id)).size).toBe(80);
        } finally {
          if (!stopped) await gateway.stop();
        }
      }, 60_000);

      it("batches over the topic's max.message.bytes go again in halves until they fit; only an event too large alone is dropped, and counted", async () => {
        const topic = `${kind}-small-batches`;
        const gateway = await startHost(kind, usageConf(broker, topic));
        try {
          const replies = await traffic(gateway.url, 0, 100);
          // One event whose allowlisted header alone makes it larger than a batch may be.
          const huge = await fetch(`${gateway.url}/usage/items/huge`, {
            headers: { apikey: keyOf(0), "x-request-source": "x".repeat(SMALL_BATCH_BYTES * 2) },
          });
          await huge.arrayBuffer();
          expect([...replies.map((r) => r.status), huge.status].every((s) => s === 200)).toBe(true);
          const status = await settle(gateway, (s) => s.total["sent"]! + s.total["dropped"]! === 101, 45_000);
          expect(status.total["sent"]).toBe(100);
          expect(status.total["dropped"]).toBe(1);
          expect(status.total["dropped_too_large"]).toBe(1);
          // The broker did refuse batches: their events went again, in halves.
          expect(status.total["retried"]).toBeGreaterThan(0);
          const records = await readTopic(broker.bootstrap, topic, 100, 20_000);
          expect(records).toHaveLength(100);
          expect(await recordCount(broker.bootstrap, topic)).toBe(100);
          expect(new Set(checkRecords(records).map((e) => e.data.path)).size).toBe(100);
        } finally {
          await gateway.stop();
        }
      }, 120_000);

      it("with the queue bound exceeded during an outage, the dropped count is exactly the number of events missing", async () => {
        const topic = `${kind}-overflow`;
        const gateway = await startHost(kind, usageConf(broker, topic, { queue: { max_events: 60 } }));
        try {
          await broker.stop();
          const replies = await traffic(gateway.url, 0, 200);
          expect(replies.every((r) => r.status === 200)).toBe(true);
          await broker.start();
          const status = await settle(gateway, (s) => s.total["sent"]! + s.total["dropped"]! === 200, 45_000);
          const dropped = status.total["dropped"]!;
          // Two workers, 60 events each at most while the broker is away.
          expect(dropped).toBeGreaterThanOrEqual(200 - 120);
          expect(status.total["dropped_queue_full"]).toBe(dropped);
          expect(status.total["sent"]).toBe(200 - dropped);
          const records = await readTopic(broker.bootstrap, topic, 200 - dropped, 20_000);
          expect(records).toHaveLength(200 - dropped);
          expect(await recordCount(broker.bootstrap, topic)).toBe(200 - dropped);
          expect(new Set(checkRecords(records).map((e) => e.id)).size).toBe(200 - dropped);
        } finally {
          await gateway.stop();
          await broker.start();
        }
      }, 120_000);
    });
  });
}
