/**
 * kafka-usage under Kong's JS plugin server (kong-pdk): the real kong-js-pluginserver
 * loads lua-out/kong-js/kafka-usage.cjs, this suite plays Kong's side of the RPC (the
 * log phase's PDK answers) and a real Kafka broker (3.9.2, then 4.3.1) receives the events:
 *   - N log phases give exactly N records: valid CloudEvents, keyed by the subject, on
 *     the partition the Java client picks, with the request's start as the timestamp and
 *     no byte of a secret header;
 *   - with the broker stopped, events wait and are retried; after it starts again every
 *     one of them is delivered once, and the counters say so; a full queue drops exactly
 *     the events past its bound, and counts them;
 *   - batches over the topic's max.message.bytes go again in halves until they fit, and
 *     only an event too large alone is dropped, counted as dropped_too_large; with
 *     three partitions, every other event arrives exactly once;
 *   - SIGTERM flushes what is still queued before the process exits.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { UsageEvent } from "../../plugins/kafka-usage/event.ts";
import { KAFKA_VERSIONS, readTopic, recordCount, startKafka, waitForRecords, type KafkaBroker, type ReadRecord } from "../runtime/kafka.ts";
import { createTestPki } from "../runtime/tls.ts";
import { PLUGINS_DIR, SERVER_BIN, startPluginServer, type PdkCall, type PluginServer } from "./kong-js-rpc.ts";
import { checkUsageRecord } from "./usage-records.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

const PARTITIONS = 3;
const TOPIC = "usage-kong-js";
const SECRET_KEY = "sk_live_kongjs_Secret_9f3a";
const SECRET_AUTH = "Bearer eyJkongjsSecretToken";
const NODE_ID = "3f9c2a5e-0000-4000-8000-00000000c0de";

/**
 * What Kong answers in request `n`'s log phase (consumer cust-<n % 5>). Kong runs an
 * external plugin's log phase in a timer and answers only the calls it saved data for
 * (kong/runloop/plugin_servers); any other call fails the test, as it would fail in Kong.
 */
function kongAnswers(n: number, startedAt: number): (call: PdkCall) => unknown {
  const consumer = { id: `c-${n % 5}`, username: `user${n % 5}`, custom_id: `cust-${n % 5}`, tags: ["tier:premium"], created_at: 1_700_000_000 };
  const requestHeaders: Record<string, string> = { "x-tenant": `t${n % 2}`, apikey: SECRET_KEY, authorization: SECRET_AUTH };
  return (call) => {
    switch (call.Method) {
      case "kong.log.serialize":
        // JSON text, as Kong encodes it for plugin servers. Kong's serializer carries the
        // request headers, credentials included: the plugin must not let them through.
        return JSON.stringify({
          started_at: startedAt,
          client_ip: "192.0.2.7",
          latencies: { request: 12, proxy: 7, kong: 5 },
          request: { method: "GET", uri: `/usage/items/${n}?apikey=${SECRET_KEY}`, size: 321, headers: requestHeaders },
          response: { size: 654, status: 200, headers: {} },
          consumer,
          route: { id: "route-1", name: "items", paths: ["/usage"] },
          service: { id: "service-1", name: "catalog", host: "upstream.internal" },
        });
      case "kong.request.get_header":
        return requestHeaders[String(call.Args[0]).toLowerCase()];
      case "kong.ctx.shared.get":
        if (call.Args[0] === "tollgate_overage") return n % 3 === 0 ? "month" : undefined;
        return call.Args[0] === "tollgate_tier" ? "premium" : undefined;
      case "kong.node.get_id":
        return NODE_ID;
      default:
        throw new Error(`${call.Method} is not answered in Kong's log timer`);
    }
  };
}

/** Every record: a valid CloudEvent keyed by its subject on the Java client's partition, without a secret. */
function checkRecords(records: ReadRecord[], startedAtById: Map<string, number>): UsageEvent[] {
  return records.map((record) => {
    const body = checkUsageRecord(record, PARTITIONS, [SECRET_KEY, SECRET_AUTH, "sk_live", "eyJkongjs"]);
    expect(body.source).toBe(`tollgate/${NODE_ID}`);
    const n = Number(/^\/usage\/items\/(\d+)$/.exec(body.data.path)?.[1]);
    expect(record.timestamp).toBe(String(startedAtById.get(String(n))));
    expect(body.time).toBe(new Date(startedAtById.get(String(n))!).toISOString());
    expect(body.data).toEqual({
      method: "GET",
      path: `/usage/items/${n}`,
      status: 200,
      latency_ms: 12,
      upstream_latency_ms: 7,
      request_bytes: 321,
      response_bytes: 654,
      route: { id: "route-1", name: "items" },
      service: { id: "service-1", name: "catalog" },
      consumer: { id: `c-${n % 5}`, username: `user${n % 5}`, custom_id: `cust-${n % 5}` },
      tier: "premium",
      // Every third request was admitted past a soft limit (tier-limit overage).
      ...(n % 3 === 0 ? { overage: true, overage_windows: "month" } : {}),
      headers: { "x-tenant": `t${n % 2}` },
    });
    return body;
  });
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** The last counters line the plugin logged ("[kafka-usage] pid …: queued=… sent=…"). */
function lastCounters(output: string): Record<string, number> {
  const lines = output.split("\n").filter((line) => line.includes("[kafka-usage] pid"));
  const figures: Record<string, number> = {};
  for (const [, name, value] of (lines.at(-1) ?? "").matchAll(/(\w+)=(\d+)/g)) figures[name!] = Number(value);
  return figures;
}

onHosts.each(KAFKA_VERSIONS)("kafka-usage on Kong's JS plugin server, Kafka %s", { timeout: 60_000 }, (version) => {
  let broker: KafkaBroker | undefined;
  let server: PluginServer | undefined;
  let instance = 0;
  let next = 0;
  const startedAtById = new Map<string, number>();

  async function logPhases(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const n = next++;
      const startedAt = 1_795_000_000_000 + n * 1_001;
      startedAtById.set(String(n), startedAt);
      const calls = await server!.rpc.runPhase(instance, "log", kongAnswers(n, startedAt));
      // Only the allowlisted header is read.
      const asked = calls.filter((c) => c.Method === "kong.request.get_header").map((c) => c.Args[0]);
      expect(asked).toEqual(["x-tenant"]);
    }
  }

  beforeAll(async () => {
    broker = await startKafka(version);
    await broker.createTopic(TOPIC, PARTITIONS);
    server = await startPluginServer("kafka-usage");
    instance = await server.rpc.startInstance("kafka-usage", {
      kafka: { brokers: [broker.bootstrap], topic: TOPIC, timeout_ms: 1000 },
      batch: { max_events: 20, max_age_ms: 50 },
      retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
      subject: "custom_id",
      headers: ["x-tenant"],
      stats_log_interval_s: 1,
    });
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await broker?.destroy();
  });

  it("--dump-all-plugins lists kafka-usage, a log-phase plugin at priority 10", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugin = (JSON.parse(dump.stdout) as { Name: string; Priority: number; Phases: string[]; Schema: unknown }[]).find((p) => p.Name === "kafka-usage");
    expect(plugin).toMatchObject({ Priority: 10, Phases: ["log"] });
    expect(JSON.stringify(plugin!.Schema)).toContain('"brokers"');
  });

  it("N log phases give exactly N valid CloudEvents, keyed and partitioned by the Java rule, without a secret", async () => {
    const N = 45;
    await logPhases(N);
    expect(await waitForRecords(broker!.bootstrap, TOPIC, N, 15_000)).toBe(N);
    const records = await readTopic(broker!.bootstrap, TOPIC, N, 10_000);
    expect(records).toHaveLength(N);
    const events = checkRecords(records, startedAtById);
    expect(new Set(events.map((e) => e.id)).size).toBe(N);
    // Every subject's partition is used by the rule (5 subjects over 3 partitions).
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);
  });

  it("a broker outage loses nothing: events wait, are retried, and are delivered once after the restart; only a full queue drops, counted", async () => {
    const before = next;
    // A second, small queue (its own topic) overflows during the outage: exactly the
    // events past its bound are dropped and counted; the ones it holds survive.
    const smallTopic = `${TOPIC}-small`;
    await broker!.createTopic(smallTopic, 1);
    const small = await server!.rpc.startInstance("kafka-usage", {
      kafka: { brokers: [broker!.bootstrap], topic: smallTopic, timeout_ms: 1000 },
      batch: { max_events: 10, max_age_ms: 50 },
      queue: { max_events: 10 },
      retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
      stats_log_interval_s: 1,
    });
    await broker!.stop();
    const M = 30;
    await logPhases(M);
    for (let i = 0; i < 13; i++) await server!.rpc.runPhase(small, "log", kongAnswers(2000 + i, 1_795_000_000_000));
    await sleep(2_500); // several failed attempts with backoff, and a counters line or two
    const during = lastCounters(server!.output());
    expect(during["retried"]).toBeGreaterThan(0);
    expect(during).toMatchObject({ dropped: 3, dropped_queue_full: 3, depth: M + 10 });
    await broker!.start();
    expect(await waitForRecords(broker!.bootstrap, TOPIC, before + M, 30_000)).toBe(before + M);
    // The small queue retries on its own backoff: wait for it too, then check nothing more came.
    expect(await waitForRecords(broker!.bootstrap, smallTopic, 10, 30_000)).toBe(10);
    await sleep(300);
    expect(await recordCount(broker!.bootstrap, TOPIC)).toBe(before + M);
    expect(await recordCount(broker!.bootstrap, smallTopic)).toBe(10);
    const records = await readTopic(broker!.bootstrap, TOPIC, before + M, 10_000);
    const events = checkRecords(records, startedAtById);
    const paths = new Set(events.map((e) => e.data.path));
    for (let n = 0; n < before + M; n++) expect(paths.has(`/usage/items/${n}`), `request ${n}`).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(before + M);
    // The counters agree: every event queued was sent, none dropped, nothing held.
    await sleep(1_200);
    const after = lastCounters(server!.output());
    expect(after).toMatchObject({ queued: before + M + 10, sent: before + M + 10, dropped: 3, dropped_queue_full: 3, depth: 0 });
  });

  // With three partitions, a batch spans several, and a refusal of one partition's records
  // leaves the others written: they must not be sent again.
  it.each([1, 3])("batches over the topic's max.message.bytes go again in halves until they fit, each event once; only an event too large alone is dropped, and counted (%i partition(s))", async (partitions) => {
    const smallBatches = `${TOPIC}-small-batches-${partitions}`;
    await broker!.createTopic(smallBatches, partitions, { "max.message.bytes": "3000" });
    const small = await server!.rpc.startInstance("kafka-usage", {
      kafka: { brokers: [broker!.bootstrap], topic: smallBatches, timeout_ms: 1000 },
      batch: { max_events: 20, max_age_ms: 50 },
      retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
      subject: "custom_id",
      headers: ["x-tenant"],
      stats_log_interval_s: 1,
    });
    await sleep(1_200);
    const before = lastCounters(server!.output());
    const N = 40;
    for (let i = 0; i < N; i++) await server!.rpc.runPhase(small, "log", kongAnswers(3000 + i, 1_795_000_000_000));
    // One event whose allowlisted header alone makes it larger than a batch may be.
    const answers = kongAnswers(3000 + N, 1_795_000_000_000);
    await server!.rpc.runPhase(small, "log", (call) =>
      call.Method === "kong.request.get_header" && call.Args[0] === "x-tenant" ? "x".repeat(6000) : answers(call),
    );
    expect(await waitForRecords(broker!.bootstrap, smallBatches, N, 30_000)).toBe(N);
    await sleep(1_500);
    expect(await recordCount(broker!.bootstrap, smallBatches)).toBe(N);
    const ids = (await readTopic(broker!.bootstrap, smallBatches, N)).map((record) => (JSON.parse(record.value!.toString()) as UsageEvent).id);
    expect(new Set(ids).size).toBe(N);
    const after = lastCounters(server!.output());
    // Counters are per process, over every instance: compare with the line before (none
    // yet when this test runs first).
    const grew = (name: string): number => after[name]! - (before[name] ?? 0);
    expect(grew("sent")).toBe(N);
    expect(grew("dropped_too_large")).toBe(1);
    expect(grew("retried")).toBeGreaterThan(0);
    expect(after["depth"]).toBe(0);
  });

  it("SIGTERM (Kong stopping the plugin server) delivers the events still queued before the process exits", async () => {
    const exitTopic = `${TOPIC}-exit`;
    await broker!.createTopic(exitTopic, 1);
    // Another topic is another queue; its events would wait a minute for their age.
    const waiting = await server!.rpc.startInstance("kafka-usage", {
      kafka: { brokers: [broker!.bootstrap], topic: exitTopic, timeout_ms: 1000 },
      batch: { max_events: 1000, max_age_ms: 60_000 },
      queue: { max_events: 1000 },
      stats_log_interval_s: 1,
    });
    const K = 7;
    for (let i = 0; i < K; i++) await server!.rpc.runPhase(waiting, "log", kongAnswers(1000 + i, 1_795_000_000_000));
    await sleep(300);
    expect(await recordCount(broker!.bootstrap, exitTopic)).toBe(0);
    expect(await server!.signal("SIGTERM", 15_000)).toBe(0);
    expect(await recordCount(broker!.bootstrap, exitTopic)).toBe(K);
    expect(lastCounters(server!.output())).toMatchObject({ dropped_shutdown: 0, depth: 0 });
  });
});

onHosts(`kafka-usage on Kong's JS plugin server to a SASL_SSL listener, Kafka ${KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]}`, { timeout: 60_000 }, () => {
  it("delivers every event over TLS (the CA in NODE_EXTRA_CA_CERTS) authenticated with SASL PLAIN, SCRAM-SHA-512, or a client certificate", async () => {
    const pki = createTestPki();
    const broker = await startKafka(KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!, {
      secure: { certificate: pki.server, users: { gateway: "gateway-secret" }, clientCaFile: pki.caFile },
    });
    let server: PluginServer | undefined;
    try {
      server = await startPluginServer("kafka-usage-tls", { NODE_EXTRA_CA_CERTS: pki.caFile });
      const ways: [string, Record<string, unknown>][] = [
        ["plain", { brokers: [broker.secureBootstrap!], sasl: { mechanism: "PLAIN", username: "gateway", password: "gateway-secret" } }],
        ["scram-sha-512", { brokers: [broker.secureBootstrap!], sasl: { mechanism: "SCRAM-SHA-512", username: "gateway", password: "gateway-secret" } }],
        ["mutual", { brokers: [broker.mutualBootstrap!], client_cert: pki.server.cert, client_key: pki.server.key }],
      ];
      for (const [mechanism, kafka] of ways) {
        const topic = `secure-${mechanism}`;
        await broker.createTopic(topic, PARTITIONS);
        const instance = await server.rpc.startInstance("kafka-usage", {
          kafka: { topic, timeout_ms: 2000, tls: true, server_name: "localhost", ...kafka },
          batch: { max_events: 20, max_age_ms: 50 },
          retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
          stats_log_interval_s: 0,
        });
        for (let n = 0; n < 10; n++) await server.rpc.runPhase(instance, "log", kongAnswers(n, 1_795_000_000_000 + n));
        expect(await waitForRecords(broker.bootstrap, topic, 10, 15_000), mechanism).toBe(10);
      }
    } finally {
      await server?.stop();
      await broker.destroy();
      pki.remove();
    }
  }, 90_000);
});
