/**
 * kafka-usage when a worker dies or the gateway reloads: both test hosts, real nginx with
 * 2 workers, one real Kafka broker per version (3.9 and 4.x), paced traffic.
 *
 *   - a worker SIGKILLed during the traffic: the events it held are in the node journal
 *     (lua_shared_dict), the other worker or the respawned one takes them over, and the
 *     topic holds an event for every answered request;
 *   - the gateway reloaded (HUP) twice during the traffic: the same, and the dict's
 *     counters run on across both reloads (nginx kept the zone and its contents).
 *
 * The topic is read back with a kafkajs consumer, not through the producer. Events are told
 * apart by their path (/open/<i>: one request each); duplicates (the same event id more than
 * once, allowed after a kill: see docs/plugins/kafka-usage.md) are counted and printed, and
 * a request never has two different event ids.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { KAFKA_VERSIONS, kafkaClient, recordCount, startKafka, type KafkaBroker, type ReadRecord } from "../runtime/kafka.ts";
import { HOSTS, hostsOnly, kongAdminUrl, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const N = 2000;
/** Requests started per second (a bound: a busy machine starts fewer, and nothing depends on it). */
const RATE = 400;
const PARTITIONS = 3;

function usageConf(broker: KafkaBroker, topic: string): Record<string, unknown> {
  return {
    kafka: { brokers: [broker.bootstrap], topic, timeout_ms: 2000 },
    // Events wait up to 1 s in a worker: a worker killed at any moment holds some.
    batch: { max_events: 500, max_age_ms: 1000 },
    retry: { initial_backoff_ms: 50, max_backoff_ms: 500 },
    anonymous: "client_ip",
    stats_log_interval_s: 0,
  };
}

function gatewayConfig(kind: HostKind, conf: Record<string, unknown>): Record<string, unknown> {
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [{ name: "api", url: "http://127.0.0.1:9000", routes: [{ name: "open", paths: ["/open"], plugins: [{ name: "kafka-usage", config: conf }] }] }],
    };
  }
  return {
    routes: [
      { id: "open", uri: "/open*", upstream_id: "up", plugins: { "kafka-usage": conf } },
      { id: "status", uri: "/apisix/plugin/kafka-usage/status", plugins: { "public-api": {} } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
  };
}

/** One request on its own connection (no keep-alive: a reload or a kill never meets a reused socket); its status, or 0 when it failed. */
function call(base: string, i: number): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(`${base}/open/${i}`, { agent: false, headers: { connection: "close" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(0));
    });
    req.on("error", () => resolve(0));
    req.end();
  });
}

/**
 * N requests, started at most RATE per second (at most 64 at once); `at(i)` runs just before
 * request i starts. Returns each request's status (0: failed).
 */
async function pacedTraffic(base: string, at: (i: number) => void): Promise<number[]> {
  const statuses: number[] = new Array<number>(N).fill(0);
  const pending = new Set<Promise<void>>();
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    while (pending.size >= 64) await Promise.race(pending);
    at(i);
    const p: Promise<void> = call(base, i).then((status) => {
      statuses[i] = status;
      pending.delete(p);
    });
    pending.add(p);
  }
  await Promise.all(pending);
  return statuses;
}

const masterPid = (gateway: RunningGateway): number => Number(readFileSync(join((gateway as RunningGateway & { prefix: string }).prefix, "logs/nginx.pid"), "utf8").trim());

/** The master's children: its worker processes (those of an old generation too, while they exit). */
function workerPids(master: number): number[] {
  return readFileSync(`/proc/${master}/task/${master}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

async function until(what: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

interface Tally {
  records: number;
  distinctIds: number;
  /** Records beyond the first of their event id. */
  duplicates: number;
  /** Answered requests without an event. */
  missing: number[];
  /** Requests with more than one event id. */
  twoIds: string[];
}

function tally(records: ReadRecord[], answered: number[]): Tally {
  const idsByPath = new Map<string, Set<string>>();
  const ids = new Set<string>();
  for (const record of records) {
    const event = JSON.parse(record.value!.toString("utf8")) as { id: string; data: { path: string } };
    ids.add(event.id);
    const set = idsByPath.get(event.data.path) ?? new Set<string>();
    set.add(event.id);
    idsByPath.set(event.data.path, set);
  }
  return {
    records: records.length,
    distinctIds: ids.size,
    duplicates: records.length - ids.size,
    missing: answered.filter((i) => !idsByPath.has(`/open/${i}`)),
    twoIds: [...idsByPath].filter(([, set]) => set.size > 1).map(([path]) => path),
  };
}

/**
 * Reads the topic from the beginning with one kafkajs consumer until every answered
 * request has its event and every record the topic holds then has been read, or the deadline.
 */
async function readBack(broker: KafkaBroker, topic: string, answered: number[], timeoutMs: number): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  const consumer = kafkaClient(broker.bootstrap, "tollgate-test-reader").consumer({ groupId: `worker-loss-${randomBytes(6).toString("hex")}`, maxWaitTimeInMs: 100 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers ?? {}, timestamp: message.timestamp });
      },
    });
    await until(() => tally(records, answered).missing.length === 0, deadline - Date.now());
    const held = await recordCount(broker.bootstrap, topic);
    await until(() => records.length >= held, Math.max(0, deadline - Date.now()));
  } finally {
    await consumer.disconnect();
  }
  return tally(records, answered);
}

type Status = { total: Record<string, number> };

async function status(kind: HostKind, gateway: RunningGateway): Promise<Status> {
  const url = kind === "kong" ? `${kongAdminUrl(gateway)}/kafka-usage/status` : `${gateway.url}/apisix/plugin/kafka-usage/status`;
  const response = await fetch(url);
  return (await response.json()) as Status;
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

for (const version of KAFKA_VERSIONS) {
  hostsOnly("kills and reloads the test hosts' nginx processes")(`kafka-usage: a worker killed, the gateway reloaded, Kafka ${version}`, () => {
    let broker: KafkaBroker;
    beforeAll(async () => {
      broker = await startKafka(version);
      for (const host of HOSTS) for (const what of ["kill", "reload"]) await broker.createTopic(`${host}-${what}`, PARTITIONS);
    }, 120_000);
    afterAll(async () => {
      await broker?.destroy();
    });

    for (const kind of HOSTS) {
      it(`${kind}-shaped host: a worker SIGKILLed during ${N} paced requests; every answered request's event is on the topic`, async () => {
        const topic = `${kind}-kill`;
        const gateway = await startGateway(kind, gatewayConfig(kind, usageConf(broker, topic)), upstream.url, { workers: 2 });
        try {
          const master = masterPid(gateway);
          // The ports answer as soon as the master listens: its workers may still be starting.
          expect(await until(() => workerPids(master).length === 2, 10_000)).toBe(true);
          const before = workerPids(master);
          const victim = before[0]!;
          const statuses = await pacedTraffic(gateway.url, (i) => {
            if (i === Math.floor(N * 0.4)) process.kill(victim, "SIGKILL");
          });
          // The master respawned the worker.
          expect(await until(() => workerPids(master).length === 2 && !workerPids(master).includes(victim), 10_000)).toBe(true);
          const answered = statuses.flatMap((s, i) => (s === 200 ? [i] : []));
          // Only requests the killed worker was serving fail (their connections die with it).
          expect(answered.length).toBeGreaterThan(N - 100);
          const result = await readBack(broker, topic, answered, 45_000);
          const { total } = await status(kind, gateway);
          console.log(
            `kafka-usage worker-loss ${version} ${kind} SIGKILL: ${N} requests, ${answered.length} answered 200, ${N - answered.length} failed with the killed worker; ` +
              `topic: ${result.records} records, ${result.distinctIds} distinct event ids, ${result.duplicates} duplicates, ${result.missing.length} answered requests missing; ` +
              `taken over from the journal: ${total["adopted"]}`,
          );
          expect(result.missing).toEqual([]);
          expect(result.twoIds).toEqual([]);
          // The dead worker did hold events (1 s batches): they came from the journal.
          expect(total["adopted"]).toBeGreaterThan(0);
        } finally {
          await gateway.stop();
        }
      }, 120_000);

      it(`${kind}-shaped host: reloaded (HUP) twice during ${N} paced requests; every event is on the topic, and the dict outlives both reloads`, async () => {
        const topic = `${kind}-reload`;
        const gateway = await startGateway(kind, gatewayConfig(kind, usageConf(broker, topic)), upstream.url, { workers: 2 });
        try {
          const master = masterPid(gateway);
          expect(await until(() => workerPids(master).length === 2, 10_000)).toBe(true);
          const first = workerPids(master);
          const statuses = await pacedTraffic(gateway.url, (i) => {
            if (i === Math.floor(N / 3) || i === Math.floor((2 * N) / 3)) process.kill(master, "SIGHUP");
          });
          const answered = statuses.flatMap((s, i) => (s === 200 ? [i] : []));
          expect(answered).toHaveLength(N);
          // Two reloads happened: the first generation is gone, two workers of the last one serve.
          expect(await until(() => workerPids(master).length === 2 && workerPids(master).every((pid) => !first.includes(pid)), 20_000)).toBe(true);
          const result = await readBack(broker, topic, answered, 45_000);
          console.log(
            `kafka-usage worker-loss ${version} ${kind} HUP x2: ${N} requests, ${answered.length} answered 200; ` +
              `topic: ${result.records} records, ${result.distinctIds} distinct event ids, ${result.duplicates} duplicates, ${result.missing.length} missing`,
          );
          expect(result.missing).toEqual([]);
          expect(result.twoIds).toEqual([]);
          expect(result.duplicates).toBe(0);
          // The counters of all three generations add up in the dict: nginx kept the zone's contents across both reloads.
          const deadline = Date.now() + 15_000;
          let total = (await status(kind, gateway)).total;
          while (total["sent"] !== N && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 200));
            total = (await status(kind, gateway)).total;
          }
          expect(total).toMatchObject({ queued: N, sent: N, dropped: 0 });
        } finally {
          await gateway.stop();
        }
      }, 120_000);
    }
  });
}
