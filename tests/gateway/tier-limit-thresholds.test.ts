/**
 * tier-limit's threshold events end to end, through real nginx (2 workers) on both hosts:
 *   - 300 concurrent requests against a limit of 100 with thresholds [80, 100]: exactly
 *     one event per threshold in Kafka (kafka-usage's producer, read back with a
 *     consumer), with policy local and with two gateways sharing one Redis;
 *   - the HTTPS webhook (a test receiver with a certificate from a throwaway CA): every
 *     POST carries a signature that Stripe's own verifier accepts, and each threshold
 *     arrives although the receiver answers 503 to the first attempts.
 * One Kafka broker (4.3.1) for the file.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { readTopic, startKafka, waitForRecords, recordCount, type KafkaBroker } from "../runtime/kafka.ts";
import { redisCli, startRedis, type RedisServer } from "../runtime/redis.ts";
import { createTestPki, type TestPki } from "../runtime/tls.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../runtime/webhook-receiver.ts";
import { burst, countOf, DEMO_KEYS, describeGateway, HOSTS, startGateway, tierLimitConfig, type HostKind, type RunningGateway } from "./harness.ts";

const THRESHOLD_TYPE = "com.tollgate.quota.threshold";
const SECRET = "whsec_tollgate_test_secret";
/** A month window: no window boundary falls inside a test run (but at a month's end). */
const LIMIT_100 = { algorithm: "fixed", fault_tolerant: false, thresholds: [80, 100], tiers: { free: { limits: { GET: { month: 100 } } } } };

let upstream: EchoUpstream;
let broker: KafkaBroker;
let redis: RedisServer;
let pki: TestPki;

beforeAll(async () => {
  pki = createTestPki();
  [upstream, broker, redis] = await Promise.all([startEchoUpstream(), startKafka("4.3.1"), startRedis()]);
  for (const host of HOSTS) for (const topic of ["local", "redis"]) await broker.createTopic(`${host}-${topic}`, 3);
}, 120_000);
afterAll(async () => {
  await Promise.all([upstream?.stop(), broker?.destroy(), redis?.stop()]);
  pki?.remove();
});

/** tierLimitConfig with kafka-usage on the route too (Kong: a global plugin). */
function withKafkaUsage(host: HostKind, conf: Record<string, unknown>, topic: string): Record<string, unknown> {
  const config = tierLimitConfig(host, conf);
  const usage = { kafka: { brokers: [broker.bootstrap], topic, timeout_ms: 2000 }, batch: { max_events: 100, max_age_ms: 100 }, stats_log_interval_s: 0 };
  if (host === "kong") (config["plugins"] as unknown[]).push({ name: "kafka-usage", config: usage });
  else ((config["routes"] as { plugins: Record<string, unknown> }[])[0]!.plugins)["kafka-usage"] = usage;
  return config;
}

interface ThresholdRecord {
  key: string;
  event: { id: string; type: string; subject: string; data: { percent: number; limit: number; used: number; window: string; tier: string; window_start: string; window_end: string } };
}

/** The threshold events among `topic`'s records, once the topic holds `expected` records in all (and a moment more for any extra). */
async function thresholdRecords(topic: string, expected: number): Promise<ThresholdRecord[]> {
  const count = await waitForRecords(broker.bootstrap, topic, expected, 20_000);
  expect(count).toBe(expected);
  // An extra (duplicate) event would arrive within a flush interval (100 ms): wait a few.
  await new Promise((r) => setTimeout(r, 1000));
  expect(await recordCount(broker.bootstrap, topic)).toBe(expected);
  const records = await readTopic(broker.bootstrap, topic, expected, 20_000);
  return records
    .map((r) => ({ key: r.key?.toString("utf8") ?? "", event: JSON.parse(r.value!.toString("utf8")) as ThresholdRecord["event"] }))
    .filter((r) => r.event.type === THRESHOLD_TYPE);
}

function checkExactlyOnePerThreshold(host: HostKind, records: ThresholdRecord[]): void {
  const subject = host === "kong" ? "free-user" : "free_user";
  expect(records.map((r) => r.event.data.percent).sort((a, b) => a - b)).toEqual([80, 100]);
  for (const { key, event } of records) {
    expect(key).toBe(subject);
    expect(event.subject).toBe(subject);
    expect(event.data).toMatchObject({ tier: "free", window: "month", limit: 100, used: event.data.percent });
    expect(Date.parse(event.data.window_end)).toBeGreaterThan(Date.now());
  }
}

describeGateway.each(HOSTS)("threshold events, %s-shaped host with 2 workers", (host) => {
  const started: RunningGateway[] = [];
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => {
    await Promise.all([...started.map((g) => g.stop()), receiver?.stop()]);
  });
  async function gateway(config: Record<string, unknown>, trustedCaFiles: string[] = []): Promise<RunningGateway> {
    const g = await startGateway(host, config, upstream.url, { workers: 2, trustedCaFiles });
    started.push(g);
    return g;
  }
  const free = { headers: { apikey: DEMO_KEYS.free } };

  it("policy local: 300 concurrent requests crossing 80% and 100% of 100 give exactly one event per threshold in Kafka", async () => {
    const g = await gateway(withKafkaUsage(host, { ...LIMIT_100, policy: "local" }, `${host}-local`));
    const statuses = await burst(300, `${g.url}/limited`, { ...free, parallel: 300 });
    expect(countOf(statuses, 200)).toBe(100);
    // 300 usage events and the two threshold events.
    checkExactlyOnePerThreshold(host, await thresholdRecords(`${host}-local`, 302));
  }, 90_000);

  it("policy redis, two gateways sharing one Redis: exactly one event per threshold over the fleet", async () => {
    await redisCli(redis, "FLUSHALL");
    const conf = { ...LIMIT_100, policy: "redis", redis: { host: "127.0.0.1", port: redis.port } };
    const [a, b] = await Promise.all([gateway(withKafkaUsage(host, conf, `${host}-redis`)), gateway(withKafkaUsage(host, conf, `${host}-redis`))]);
    const statuses = (await Promise.all([a!, b!].map((g) => burst(150, `${g.url}/limited`, { ...free, parallel: 150 })))).flat();
    expect(countOf(statuses, 200)).toBe(100);
    checkExactlyOnePerThreshold(host, await thresholdRecords(`${host}-redis`, 302));

    // The claims live in Redis until the window (the month) ends.
    const claims = (await redisCli(redis, "--scan", "--pattern", "th:*")).split("\n").filter((k) => k !== "");
    expect(claims).toHaveLength(2);
    const monthEnd = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 1);
    for (const key of claims) {
      const pttl = Number(await redisCli(redis, "PTTL", key));
      expect(pttl).toBeGreaterThan(monthEnd - Date.now() - 60_000);
      expect(pttl).toBeLessThanOrEqual(monthEnd - Date.now() + 1000);
    }
    // The counters reset (as an operator's reset would) in the same window: the count
    // crosses 80% and 100% again, and the claims keep either from being emitted twice.
    const counters = (await redisCli(redis, "--scan", "--pattern", "tl:*")).split("\n").filter((k) => k !== "");
    expect(counters.length).toBeGreaterThan(0);
    await redisCli(redis, "DEL", ...counters);
    const again = await burst(150, `${a!.url}/limited`, { ...free, parallel: 150 });
    expect(countOf(again, 200)).toBe(100);
    checkExactlyOnePerThreshold(host, await thresholdRecords(`${host}-redis`, 452));
  }, 90_000);

  it("webhook: every POST is signed (Stripe's verifier accepts it) and each threshold arrives through a 503 outage", async () => {
    // The first 4 attempts meet an outage.
    const rx = await startWebhookReceiver(pki.server, "Tollgate-Signature", (i) => (i < 4 ? 503 : 200));
    receiver = rx;
    const webhook = { url: rx.url, secret: SECRET, server_name: "localhost", initial_backoff_ms: 100, max_backoff_ms: 400 };
    const g = await gateway(tierLimitConfig(host, { ...LIMIT_100, policy: "local", threshold_events: { webhook } }), [pki.caFile]);
    const statuses = await burst(120, `${g.url}/limited`, { ...free, parallel: 20 });
    expect(countOf(statuses, 200)).toBe(100);
    const delivered = (): number[] => rx.deliveries.filter((d) => d.status === 200).map((d) => (JSON.parse(d.body) as ThresholdRecord["event"]).data.percent);
    const deadline = Date.now() + 20_000;
    while (delivered().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect([...new Set(delivered())].sort((a, b) => a - b)).toEqual([80, 100]);
    expect(rx.deliveries.filter((d) => d.status === 503).length).toBe(4);
    const stripe = new Stripe("sk_test_unused");
    for (const delivery of rx.deliveries) {
      const event = stripe.webhooks.constructEvent(delivery.body, delivery.signature ?? "", SECRET, 300) as unknown as ThresholdRecord["event"];
      expect(event.type).toBe(THRESHOLD_TYPE);
      // A signature made with another secret is refused: the check above can fail.
      expect(() => stripe.webhooks.constructEvent(delivery.body, delivery.signature ?? "", `${SECRET}x`, 300)).toThrow();
    }
  }, 90_000);
});
