/**
 * tier-limit as a plan sells it, through real nginx (both test hosts, 2 workers), one
 * Redis and one Kafka broker for the file:
 *   - an organization's quota (limit_by group): three members firing 300 concurrent
 *     requests against a shared 100/minute get exactly 100 admitted in total, with the
 *     counters in the lua_shared_dict, in Redis, and in a 3-master Redis Cluster with
 *     each member's own per-second burst beside it (window_limit_by: one hash slot per
 *     organization, or the script would fail CROSSSLOT);
 *   - overage (a soft minute of 3 with max_overage 2): requests past the limit pass with
 *     X-RateLimit-Overage-Minute for the client and X-API-Overage for the upstream (a
 *     client-sent copy never reaches it), arrive in Kafka marked overage: true, and the
 *     request past max_overage is the normal 429; the same counted in Redis.
 * The group is the Kong tag group:acme and, on APISIX, the consumer group acme.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { UsageEvent } from "../../plugins/kafka-usage/event.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { KAFKA_VERSIONS, readTopic, startKafka, type KafkaBroker } from "../runtime/kafka.ts";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../runtime/redis.ts";
import { countOf, describeGateway, echoed, HOSTS, request, roomInThisMinute, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const MEMBERS = ["alice", "bob", "carol"] as const;
const keyOf = (member: string): string => `${member}-key`;
const SOLO_KEY = "solo-key";

const ORG_LIMIT = { algorithm: "fixed", fault_tolerant: false, limit_by: "group", tiers: { pro: { limits: { "*": { minute: 100 } } } } };
// The organization's minute and each member's own second: levels combined in one config.
const ORG_MIXED = { ...ORG_LIMIT, window_limit_by: { second: "consumer" }, tiers: { pro: { limits: { "*": { second: 1000, minute: 100 } } } } };
const OVERAGE = { algorithm: "fixed", fault_tolerant: false, tiers: { pro: { limits: { "*": { minute: 3 } }, overage: ["minute"], max_overage: { minute: 2 } } } };

let upstream: EchoUpstream;
let redis: RedisServer;
let broker: KafkaBroker;
let cluster: RedisCluster;

beforeAll(async () => {
  [upstream, redis, broker, cluster] = await Promise.all([startEchoUpstream(), startRedis(), startKafka(KAFKA_VERSIONS[0]), startRedisCluster(3)]);
  for (const host of HOSTS) await broker.createTopic(`${host}-plans`, 1);
}, 180_000);
afterAll(async () => {
  await Promise.all([upstream?.stop(), redis?.stop(), broker?.stop(), cluster?.stop()]);
});

function routes(kind: HostKind): Record<string, Record<string, unknown>> {
  const redisConf = { host: redis.host, port: redis.port, timeout_ms: 5000 };
  const usage = { kafka: { brokers: [broker.bootstrap], topic: `${kind}-plans`, timeout_ms: 2000 }, batch: { max_events: 50, max_age_ms: 100 }, stats_log_interval_s: 0 };
  return {
    "org-local": { "tier-limit": { ...ORG_LIMIT, policy: "local" } },
    "org-redis": { "tier-limit": { ...ORG_LIMIT, policy: "redis", redis: redisConf } },
    "org-cluster": { "tier-limit": { ...ORG_MIXED, policy: "redis-cluster", redis: { cluster_nodes: [`${cluster.nodes[0]!.host}:${cluster.nodes[0]!.port}`], timeout_ms: 5000 } } },
    overage: { "tier-limit": OVERAGE, "kafka-usage": usage },
    "overage-redis": { "tier-limit": { ...OVERAGE, policy: "redis", redis: redisConf } },
  };
}

function gatewayConfig(kind: HostKind): Record<string, unknown> {
  const byRoute = routes(kind);
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: Object.entries(byRoute).map(([name, plugins]) => ({
            name,
            paths: [`/${name}`],
            plugins: Object.entries(plugins).map(([plugin, config]) => ({ name: plugin, config })),
          })),
        },
      ],
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
      consumers: [
        ...MEMBERS.map((m) => ({ username: m, tags: ["tier:pro", "group:acme"], keyauth_credentials: [{ key: keyOf(m) }] })),
        { username: "solo", tags: ["tier:pro"], keyauth_credentials: [{ key: SOLO_KEY }] },
      ],
    };
  }
  return {
    routes: Object.entries(byRoute).map(([name, plugins]) => ({ id: name, uri: `/${name}*`, upstream_id: "up", plugins: { "key-auth": {}, ...plugins } })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumer_groups: [{ id: "acme", plugins: {} }],
    consumers: [
      ...MEMBERS.map((m) => ({ username: m, labels: { tier: "pro" }, group_id: "acme", plugins: { "key-auth": { key: keyOf(m) } } })),
      { username: "solo", labels: { tier: "pro" }, plugins: { "key-auth": { key: SOLO_KEY } } },
    ],
  };
}

/** 300 concurrent GETs, 100 by each member of the organization; their statuses. */
async function organizationBurst(url: string): Promise<number[]> {
  const all = MEMBERS.flatMap((member) => Array.from({ length: 100 }, () => member));
  return Promise.all(
    all.map(async (member) => {
      const response = await fetch(url, { headers: { apikey: keyOf(member) } });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

describeGateway.each(HOSTS)("plans on the %s-shaped host with 2 workers", (host) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(host, gatewayConfig(host), upstream.url, 2);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
  });

  for (const route of ["org-local", "org-redis", "org-cluster"]) {
    it(`${route}: three members firing 300 concurrent requests share 100/minute, exactly 100 admitted`, async () => {
      // Room for the burst within one minute window (it takes 1–3 s here).
      await roomInThisMinute(10);
      const statuses = await organizationBurst(`${gateway.url}/${route}`);
      expect(countOf(statuses, 200)).toBe(100);
      expect(countOf(statuses, 429)).toBe(200);
      // A consumer outside the organization has its own counter.
      expect((await request(`${gateway.url}/${route}`, { headers: { apikey: SOLO_KEY } })).status).toBe(200);
    });
  }

  /** Six requests of one consumer against the soft minute of 3 with max_overage 2. */
  async function overageRun(route: string): Promise<void> {
    await roomInThisMinute(6);
    const replies = [];
    // A client-sent overage header is never forwarded, in or past the limit.
    for (let i = 0; i < 6; i++) replies.push(await request(`${gateway.url}/${route}`, { headers: { apikey: SOLO_KEY, "x-api-overage": "forged" } }));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
    expect(replies.map((r) => r.headers.get("x-ratelimit-overage-minute"))).toEqual([null, null, null, "1", "2", null]);
    const upstreamSaw = replies.slice(0, 5).map((r) => echoed(r).headers["x-api-overage"]);
    expect(upstreamSaw).toEqual([undefined, undefined, undefined, "minute", "minute"]);
    expect(replies[5]!.body).toMatchObject({ error: "rate_limited", window: "minute", limit: 3 });
  }

  it("overage counted in Redis: the same marks, and max_overage refuses with 429", async () => {
    await overageRun("overage-redis");
  });

  it("overage: past the limit requests pass marked for client, upstream and Kafka; past max_overage 429", async () => {
    await overageRun("overage");

    const records = await readTopic(broker.bootstrap, `${host}-plans`, 6, 20_000);
    const events = records.map((r) => JSON.parse(r.value!.toString("utf8")) as UsageEvent);
    // Two workers batch apart: the topic's order need not be the requests'.
    const marks = events.map((e) => [e.data.status, e.data.overage ?? false, e.data.overage_windows ?? ""]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(marks).toEqual([
      [200, false, ""],
      [200, false, ""],
      [200, false, ""],
      [200, true, "minute"],
      [200, true, "minute"],
      [429, false, ""],
    ]);
  }, 60_000);
});
