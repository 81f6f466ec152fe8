/**
 * tier-limit's counters under concurrency and across a fleet, through real nginx
 * (2 workers) on both hosts: lua_shared_dict, one Redis shared by two gateways, a
 * 3-master Redis Cluster; Redis failing and coming back; the seed's table exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { redisCli, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../runtime/redis.ts";
import {
  burst,
  countOf,
  DEMO_KEYS,
  exampleConfig,
  describeGateway,
  HOSTS,
  request,
  roomInThisMinute,
  startGateway,
  tierLimitConfig,
  type RunningGateway,
} from "./harness.ts";

// fault_tolerant false: a store error shows up as a 503 here instead of an admitted request.
const FIXED_100 = { algorithm: "fixed", fault_tolerant: false, tiers: { free: { limits: { GET: { minute: 100 } } }, premium: { limits: { "*": { minute: 1000 } } }, enterprise: { unlimited: true } } };

let upstream: EchoUpstream;
let redis: RedisServer;
let cluster: RedisCluster;

beforeAll(async () => {
  [upstream, redis, cluster] = await Promise.all([startEchoUpstream(), startRedis(), startRedisCluster(3)]);
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), redis?.stop(), cluster?.stop()]);
});

/** 300 concurrent GETs by the free consumer, split over the given gateways; returns the statuses. */
async function concurrentFree(gateways: RunningGateway[], total = 300): Promise<number[]> {
  const share = total / gateways.length;
  const results = await Promise.all(
    gateways.map((g) => burst(share, `${g.url}/limited`, { headers: { apikey: DEMO_KEYS.free }, parallel: share })),
  );
  return results.flat();
}

describeGateway.each(HOSTS)("exactly the limit under concurrency, %s-shaped host with 2 workers", (host) => {
  const started: RunningGateway[] = [];
  afterAll(async () => {
    await Promise.all(started.map((g) => g.stop()));
  });
  async function gateway(conf: Record<string, unknown>): Promise<RunningGateway> {
    const g = await startGateway(host, tierLimitConfig(host, conf), upstream.url, 2);
    started.push(g);
    return g;
  }

  it("policy local: 300 concurrent requests against a limit of 100 admit exactly 100", async () => {
    const g = await gateway({ ...FIXED_100, policy: "local" });
    await roomInThisMinute(15);
    const statuses = await concurrentFree([g]);
    expect(countOf(statuses, 200)).toBe(100);
    expect(countOf(statuses, 429)).toBe(200);
  });

  it("policy redis: 300 concurrent requests against a limit of 100 admit exactly 100", async () => {
    // A tier-limit config scoped to its route, so its counters are apart from the next test's.
    const g = await gateway({ ...FIXED_100, policy: "redis", counter_scope: "route", redis: { host: redis.host, port: redis.port, timeout_ms: 5000 } });
    await roomInThisMinute(15);
    const statuses = await concurrentFree([g]);
    expect(countOf(statuses, 200)).toBe(100);
    expect(countOf(statuses, 429)).toBe(200);
  });

  it("policy redis, two separate nginx sharing one Redis: exactly 100 of 300", async () => {
    const conf = { ...FIXED_100, policy: "redis", redis: { host: redis.host, port: redis.port, timeout_ms: 5000 } };
    // The same consumer, half of the requests through each gateway.
    const [a, b] = [await gateway(conf), await gateway(conf)];
    await roomInThisMinute(15);
    const statuses = await concurrentFree([a, b]);
    expect(countOf(statuses, 200)).toBe(100);
    expect(countOf(statuses, 429)).toBe(200);
  });

  it("policy redis-cluster (3 masters): exactly 100 of 300, and the counters live in the cluster", async () => {
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
    const g = await gateway({ ...FIXED_100, policy: "redis-cluster", redis: { cluster_nodes: [nodes[0]], timeout_ms: 5000 } });
    const counterKeys = async (): Promise<string[]> => {
      const found: string[] = [];
      for (const node of cluster.nodes) {
        for (const key of (await redisCli(node, "--scan", "--pattern", "tl:*")).split("\n").filter(Boolean)) {
          found.push(`${node.port} ${key}`);
        }
      }
      return found;
    };
    const before = new Set(await counterKeys());
    await roomInThisMinute(15);
    const statuses = await concurrentFree([g]);
    expect(countOf(statuses, 200)).toBe(100);
    expect(countOf(statuses, 429)).toBe(200);
    // This test's counter is on the one master that owns its hash-tagged slot, and says 100.
    const created = (await counterKeys()).filter((k) => !before.has(k));
    expect(created).toHaveLength(1);
    const [port, key] = created[0]!.split(" ");
    expect((await redisCli({ port: Number(port) }, "GET", key!)).trim()).toBe("100");
  });
});

describeGateway.each(HOSTS)("Redis failing and coming back, %s-shaped host", (host) => {
  let tolerant: RunningGateway;
  let strict: RunningGateway;
  let flaky: RedisServer;

  beforeAll(async () => {
    flaky = await startRedis();
    const redisConf = { host: flaky.host, port: flaky.port, timeout_ms: 200 };
    const base = { ...FIXED_100, policy: "redis", redis: redisConf, error_log_interval: 3600 };
    tolerant = await startGateway(host, tierLimitConfig(host, { ...base, fault_tolerant: true }), upstream.url);
    strict = await startGateway(host, tierLimitConfig(host, { ...base, fault_tolerant: false }), upstream.url);
  });
  afterAll(async () => {
    await Promise.all([tolerant?.stop(), strict?.stop(), flaky?.stop()]);
  });

  it("passes through (fault_tolerant) or answers 503 JSON (strict) while Redis is down, and limits again when it returns", async () => {
    const premium = { apikey: DEMO_KEYS.premium };
    expect((await request(`${tolerant.url}/limited`, { headers: premium })).headers.get("x-ratelimit-limit-minute")).toBe("1000");

    await flaky.stop();
    const passed = await request(`${tolerant.url}/limited`, { headers: premium });
    expect(passed.status).toBe(200);
    expect(passed.headers.get("x-ratelimit-limit-minute")).toBeNull();
    const refused = await request(`${strict.url}/limited`, { headers: premium });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: "rate_limit_unavailable" });
    // Like a 429, the 503 says when to retry: redis.timeout_ms (200) in whole seconds, at least 1.
    expect(refused.headers.get("retry-after")).toBe("1");
    // Many failures, one error-log line (error_log_interval 3600 s).
    await burst(20, `${tolerant.url}/limited`, { headers: premium });
    expect(tolerant.errorLog().match(/counter store \(policy redis\) failed/g)?.length).toBe(1);

    await flaky.start();
    const back = await request(`${strict.url}/limited`, { headers: premium });
    expect(back.status).toBe(200);
    expect(back.headers.get("x-ratelimit-limit-minute")).toBe("1000");
  });
});

describeGateway.each(HOSTS)("the seed's table, exactly, %s-shaped host (example config)", (host) => {
  let g: RunningGateway;
  beforeAll(async () => {
    g = await startGateway(host, exampleConfig(host), upstream.url);
  });
  afterAll(async () => {
    await g?.stop();
  });

  it("premium: GET 5000/min and POST 1000/min; enterprise never limited", async () => {
    await roomInThisMinute(30);
    const headers = { apikey: DEMO_KEYS.premium };
    expect(countOf(await burst(5000, `${g.url}/orders`, { headers, parallel: 32 }), 200)).toBe(5000);
    expect((await request(`${g.url}/orders`, { headers })).status).toBe(429);
    expect(countOf(await burst(1000, `${g.url}/orders`, { method: "POST", headers, parallel: 32 }), 200)).toBe(1000);
    expect((await request(`${g.url}/orders`, { method: "POST", headers })).status).toBe(429);
    expect(countOf(await burst(2000, `${g.url}/orders`, { headers: { apikey: DEMO_KEYS.enterprise }, parallel: 32 }), 200)).toBe(2000);
  });
});

describeGateway.each(HOSTS)("bad tier-limit configs refuse to start, naming the field, %s-shaped host", (host) => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["negative limit", { tiers: { free: { limits: { GET: { minute: -5 } } } } }, /config\.tiers\.free\.limits\.GET\.minute/],
    ["unknown window", { tiers: { free: { limits: { GET: { fortnight: 5 } } } } }, /config\.tiers\.free\.limits\.GET\.fortnight: unknown field/],
    ["unknown policy", { tiers: { free: { limits: { GET: { minute: 5 } } } }, policy: "cluster" }, /config\.policy: expected one of: local, redis, redis-cluster/],
    ["missing redis host", { tiers: { free: { limits: { GET: { minute: 5 } } } }, policy: "redis" }, /config\.redis\.host: required for policy redis/],
  ];
  for (const [name, conf, message] of cases) {
    it(name, async () => {
      const attempt = startGateway(host, tierLimitConfig(host, conf), upstream.url);
      await expect(attempt).rejects.toBeInstanceOf(NginxStartError);
      await expect(attempt).rejects.toThrow(message);
    });
  }
});
