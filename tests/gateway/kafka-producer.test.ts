/**
 * The compiled Kafka producer (lua-out/tollgate/io/lua/kafka_producer.lua) inside real
 * nginx + ngx_lua, against real Apache Kafka brokers (KRaft, jars from Maven Central):
 * one Kafka 3.9 and one Kafka 4.x, each started and stopped here. What it wrote is read
 * back with kafkajs.
 *
 * Each broker sits behind a proxy (tests/runtime/kafka-proxy.ts) that it advertises, so a
 * test can lose one response on its way back, as a failing network would.
 *
 * nginx (one worker, so the cluster view and the pool are one worker's) serves
 * POST /send {id, config, topic, records} → send() → {result, err, ms}, and
 * POST /info {id, config} → clusterInfo(). A config is kept per `id`, as a gateway keeps a
 * plugin's conf table, so per-config state (metadata, producer id, sequences) persists.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { partitionForKey } from "../../plugins/io/kafka/murmur2.ts";
import { KAFKA_VERSIONS, readTopic, startKafka, type KafkaBroker } from "../runtime/kafka.ts";
import { startKafkaProxy, type KafkaProxy } from "../runtime/kafka-proxy.ts";
import { freePort, LUA_OUT, startNginx, type NginxInstance } from "../runtime/nginx.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("drives lua-out's Kafka producer in a bare nginx; starts no gateway");

const HELPER = `-- written by tests/gateway/kafka-producer.test.ts
local cjson = require("cjson.safe")
local producer = require("tollgate.io.lua.kafka_producer")

local M = {}
local configs = {}

local function body()
  ngx.req.read_body()
  return assert(cjson.decode(ngx.req.get_body_data()))
end

local function config_of(req)
  local config = configs[req.id]
  if config == nil then
    config = req.config
    configs[req.id] = config
  end
  return config
end

local function nulls(value)
  if value == cjson.null then return nil end
  return value
end

function M.send()
  local req = body()
  local records = {}
  ngx.update_time()
  local now = math.floor(ngx.now() * 1000)
  for i, r in ipairs(req.records) do
    local headers = {}
    for j, h in ipairs(r.headers or {}) do headers[j] = { key = h.key, value = nulls(h.value) } end
    records[i] = { key = nulls(r.key), value = nulls(r.value), timestamp = nulls(r.timestamp) or now, headers = headers }
  end
  local started = ngx.now()
  local result, err = producer.send(config_of(req), req.topic, records)
  ngx.update_time()
  ngx.say(cjson.encode({ result = result or cjson.null, err = err or cjson.null, ms = (ngx.now() - started) * 1000 }))
end

function M.info()
  ngx.say(cjson.encode(producer.clusterInfo(config_of(body()))))
end

return M
`;

interface PartitionResult {
  partition: number;
  count: number;
  baseOffset?: number;
  error?: string;
  retriable?: boolean;
}
interface SendReply {
  result: { partitions: PartitionResult[]; sent: number; failed: number } | null;
  err: string | null;
  ms: number;
}
interface SendRecord {
  key: string | null;
  value: string | null;
  timestamp?: number;
  headers?: { key: string; value: string | null }[];
}

let nginx: NginxInstance | undefined;
let base = "";

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) });
  const text = await response.text();
  // A Lua exception would be a 500 with nginx's error page: the producer must never raise.
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}: ${text}\n${nginx?.errorLog().slice(-3000)}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  const port = await freePort();
  nginx = await startNginx({
    name: "kafka-producer",
    workers: 1,
    files: { "conf/kafka_producer_test.lua": HELPER },
    httpBlock: `
  lua_package_path "$prefix/conf/?.lua;${LUA_OUT}/?.lua;;";
  lua_socket_log_errors off;
  server {
    listen 127.0.0.1:${port};
    location = /send { content_by_lua_block { require("kafka_producer_test").send() } }
    location = /info { content_by_lua_block { require("kafka_producer_test").info() } }
  }`,
    waitForPorts: [port],
  });
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await nginx?.stop();
});

const PARTITIONS = 6;

for (const version of KAFKA_VERSIONS) {
  onHosts(`Kafka ${version}`, () => {
    let broker: KafkaBroker | undefined;
    let proxy: KafkaProxy | undefined;
    let config: { brokers: string[]; timeout_ms: number; client_id: string };
    const id = (name: string): string => `${version}:${name}`;
    const send = (name: string, topic: string, records: SendRecord[], cfg: object = config) =>
      post<SendReply>("/send", { id: id(name), config: cfg, topic, records });

    beforeAll(async () => {
      proxy = await startKafkaProxy();
      const port = await freePort();
      proxy.setTarget(port);
      broker = await startKafka(version, { port, advertisedPort: proxy.port });
      await broker.createTopic("usage", PARTITIONS);
      await broker.createTopic("lost", 2);
      await broker.createTopic("lost-plain", 2);
      await broker.createTopic("keyless", 3);
      await broker.createTopic("restart", 2);
      config = { brokers: [broker.bootstrap], timeout_ms: 3000, client_id: "tollgate-test" };
    });
    afterAll(async () => {
      await broker?.destroy();
      await proxy?.close();
    });

    it("sends keyed records with acks -1, idempotently; kafkajs reads each on the Java client's partition", async () => {
      const records: SendRecord[] = Array.from({ length: 60 }, (_, i) => ({
        key: `consumer-${i % 20}`,
        value: JSON.stringify({ id: `evt-${i}`, n: i, text: "usage é €" }),
        timestamp: 1_700_000_000_000 + i,
        headers: i % 3 === 0 ? [{ key: "ce_type", value: "api.request" }, { key: "empty", value: null }] : [],
      }));
      const reply = await send("main", "usage", records);
      expect(reply.err).toBeNull();
      expect(reply.result?.sent).toBe(60);
      expect(reply.result?.failed).toBe(0);
      const info = await post<{ nodes: { produce: number; metadata: number; initProducerId: number }[]; producerId: number; producerEpoch: number }>("/info", {
        id: id("main"),
        config,
      });
      expect(info.nodes).toEqual([expect.objectContaining({ produce: 8, metadata: 8, initProducerId: 1 })]);
      expect(info.producerId).toBeGreaterThanOrEqual(0);

      const read = await readTopic(broker!.bootstrap, "usage", 60);
      expect(read).toHaveLength(60);
      for (const r of read) {
        const key = r.key?.toString() as string;
        // The Java client's rule, on the key's UTF-8 bytes.
        expect(r.partition, key).toBe(partitionForKey(Buffer.from(key).toString("latin1"), PARTITIONS));
        const value = JSON.parse(r.value?.toString() ?? "null") as { id: string; n: number; text: string };
        expect(value.text).toBe("usage é €");
        expect(Number(r.timestamp)).toBe(1_700_000_000_000 + value.n);
        if (value.n % 3 === 0) {
          expect(r.headers.ce_type?.toString()).toBe("api.request");
          expect("empty" in r.headers).toBe(true);
        }
      }
      expect(new Set(read.map((r) => JSON.parse(r.value!.toString()).id)).size).toBe(60);
      // Per key, records keep their order.
      for (let k = 0; k < 20; k++) {
        const ns = read.filter((r) => r.key?.toString() === `consumer-${k}`).map((r) => JSON.parse(r.value!.toString()).n as number);
        expect(ns).toEqual([...ns].sort((a, b) => a - b));
      }
      console.log(`Kafka ${version}: 60 records in ${reply.ms.toFixed(1)} ms (first call: ApiVersions, Metadata, InitProducerId, Produce)`);
    });

    it("keeps sending with the same producer id and advancing sequences", async () => {
      for (let round = 0; round < 5; round++) {
        const reply = await send("main", "usage", [{ key: "consumer-1", value: `round-${round}` }, { key: "consumer-2", value: `round-${round}` }]);
        expect(reply.err).toBeNull();
        expect(reply.result?.sent).toBe(2);
      }
      const read = await readTopic(broker!.bootstrap, "usage", 70);
      expect(read.filter((r) => r.value?.toString().startsWith("round-"))).toHaveLength(10);
    });

    it("puts key-less records of one call on one partition, the next call on the next", async () => {
      for (let call = 0; call < 3; call++) {
        const reply = await send("keyless", "keyless", Array.from({ length: 4 }, (_, i) => ({ key: null, value: `c${call}-${i}` })));
        expect(reply.err).toBeNull();
        expect(reply.result?.partitions).toHaveLength(1);
      }
      const read = await readTopic(broker!.bootstrap, "keyless", 12);
      const partitionOf = (call: number) => new Set(read.filter((r) => r.value?.toString().startsWith(`c${call}-`)).map((r) => r.partition));
      expect([0, 1, 2].map((c) => partitionOf(c).size)).toEqual([1, 1, 1]);
      expect(new Set([0, 1, 2].flatMap((c) => [...partitionOf(c)])).size).toBe(3);
      expect(read.every((r) => r.key === null)).toBe(true);
    });

    it("sends with acks 1 and without idempotence", async () => {
      const reply = await send("acks1", "usage", [{ key: "consumer-acks1", value: "a" }], { ...config, acks: 1, idempotent: false });
      expect(reply.err).toBeNull();
      expect(reply.result?.sent).toBe(1);
      const info = await post<{ producerId: number }>("/info", { id: id("acks1"), config: { ...config, acks: 1, idempotent: false } });
      expect(info.producerId).toBe(-1);
    });

    it("answers an unknown topic with an error, not an exception", async () => {
      const reply = await send("main", "no-such-topic", [{ key: "k", value: "v" }]);
      expect(reply.result).toBeNull();
      expect(reply.err).toBe("kafka: topic 'no-such-topic': UNKNOWN_TOPIC_OR_PARTITION (3)");
    });

    it("gives an error while the broker is down, and works again after it restarts on the same port", async () => {
      const b = broker!;
      expect((await send("restart", "restart", [{ key: "k1", value: "before" }])).err).toBeNull();
      await b.stop();
      const down = await send("restart", "restart", [{ key: "k1", value: "during" }]);
      // Through the proxy: it accepts, then closes when it cannot reach the broker.
      expect(down.err).toMatch(/connect: connection refused|closed|reset/);
      expect(down.ms).toBeLessThan(config.timeout_ms);
      await b.start();
      // Pooled connections died with the broker; metadata is stale: both are recovered.
      const after = await send("restart", "restart", [{ key: "k1", value: "after" }]);
      expect(after.err).toBeNull();
      expect(after.result?.sent).toBe(1);
      const read = await readTopic(b.bootstrap, "restart", 2);
      expect(read.map((r) => r.value?.toString())).toEqual(["before", "after"]);
      console.log(`Kafka ${version}: while down "${down.err}" after ${down.ms.toFixed(1)} ms; after restart sent in ${after.ms.toFixed(1)} ms`);
    });

    it("writes a batch once when its response is lost and it is sent again (idempotence)", async () => {
      // A pooled connection first: the lost response then shows as that connection closing.
      expect((await send("lost", "lost", [{ key: "k1", value: "warm" }])).err).toBeNull();
      proxy!.dropNextResponse(0);
      const reply = await send("lost", "lost", [{ key: "k1", value: "once-1" }, { key: "k2", value: "once-2" }]);
      expect(proxy!.dropped()).toBe(1);
      // Sent again on a fresh connection with the same sequence numbers: the broker
      // recognised the batch and answered with the first write's offsets.
      expect(reply.err).toBeNull();
      expect(reply.result?.sent).toBe(2);
      const read = await readTopic(broker!.bootstrap, "lost", 4, 2000);
      expect(read.map((r) => r.value?.toString()).sort()).toEqual(["once-1", "once-2", "warm"]);
    });

    it("without idempotence, the same lost response makes a duplicate (what the test above guards against)", async () => {
      const plain = { ...config, idempotent: false };
      expect((await send("lost-plain", "lost-plain", [{ key: "k1", value: "warm" }], plain)).err).toBeNull();
      proxy!.dropNextResponse(0);
      const reply = await send("lost-plain", "lost-plain", [{ key: "k1", value: "twice" }], plain);
      expect(reply.err).toBeNull();
      const read = await readTopic(broker!.bootstrap, "lost-plain", 3, 2000);
      expect(read.map((r) => r.value?.toString())).toEqual(["warm", "twice", "twice"]);
    });

    it("rejects a bad broker address and acks 0 with errors", async () => {
      const bad = await send("bad", "usage", [{ key: "k", value: "v" }], { ...config, brokers: ["no-port"] });
      expect(bad.err).toBe("kafka: broker 'no-port' is not host:port");
      const acks0 = await send("acks0", "usage", [{ key: "k", value: "v" }], { ...config, acks: 0 });
      expect(acks0.err).toBe("kafka: acks must be -1 or 1");
    });
  });
}
