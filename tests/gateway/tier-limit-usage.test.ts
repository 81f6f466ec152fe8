/**
 * tier-limit's usage API through real nginx (2 workers) on both hosts, with a route
 * counting in the node's lua_shared_dict (fixed windows), one in Redis and one in a
 * 3-master Redis Cluster (sliding windows): the operator API (Kong's Admin API port;
 * APISIX's control API port, plugin control_api()) reports the numbers the last request's headers showed, a reset
 * admits the next request, a credit of 50 admits exactly 50 more, and usage_path answers
 * each caller its own usage. Month windows only: a minute, hour or day could roll over
 * between a request and the usage answer.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { WindowUsage } from "../../plugins/tier-limit/usage.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../runtime/redis.ts";
import { apisixControlUrl, burst, countOf, describeGateway, HOSTS, kongAdminUrl, request, startGateway, type HostKind, type Reply, type RunningGateway } from "./harness.ts";

const KEYS = { free: "usage-free-key", premium: "usage-premium-key" } as const;
const USERS = { free: "free_user", premium: "premium_user" } as const;
const TIERS = { free: { limits: { "*": { month: 20 } } }, premium: { limits: { "*": { month: 1000 } } } };
type Policy = "local" | "redis" | "redis-cluster";
const POLICIES: readonly Policy[] = ["local", "redis", "redis-cluster"];

let upstream: EchoUpstream;
let redis: RedisServer;
let cluster: RedisCluster;
beforeAll(async () => {
  [upstream, redis, cluster] = await Promise.all([startEchoUpstream(), startRedis(), startRedisCluster(3)]);
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), redis?.stop(), cluster?.stop()]);
});

function tierLimit(policy: Policy): Record<string, unknown> {
  const common = { tiers: TIERS, usage_path: `/${policy}/usage`, fault_tolerant: false };
  if (policy === "local") return { ...common, algorithm: "fixed", policy: "local" };
  if (policy === "redis-cluster") {
    const seed = cluster.nodes[0]!;
    return { ...common, algorithm: "sliding", policy, redis: { cluster_nodes: [`${seed.host}:${seed.port}`], timeout_ms: 5000 } };
  }
  return { ...common, algorithm: "sliding", policy: "redis", redis: { host: redis.host, port: redis.port, timeout_ms: 5000 } };
}

function config(kind: HostKind): Record<string, unknown> {
  const tiers = Object.keys(KEYS) as (keyof typeof KEYS)[];
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: POLICIES.map((policy) => ({ name: policy, paths: [`/${policy}`], plugins: [{ name: "tier-limit", config: tierLimit(policy) }] })),
        },
      ],
      consumers: tiers.map((tier) => ({ username: USERS[tier], tags: [`tier:${tier}`], keyauth_credentials: [{ key: KEYS[tier] }] })),
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
    };
  }
  return {
    routes: [
      ...POLICIES.map((policy) => ({ id: policy, uri: `/${policy}*`, upstream_id: "up", plugins: { "key-auth": {}, "tier-limit": tierLimit(policy) } })),
      // A public-api route where a plugin api() would be served, and one on the control
      // API's own path: neither may reach the operator API from the proxy port.
      { id: "public-api", uri: "/apisix/plugin/tier-limit/usage/*", plugins: { "public-api": {} } },
      { id: "public-api-v1", uri: "/v1/plugin/tier-limit/usage/*", plugins: { "public-api": {} } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: tiers.map((tier) => ({ username: USERS[tier], labels: { tier }, plugins: { "key-auth": { key: KEYS[tier] } } })),
  };
}

interface ConfigUsage {
  policy: Policy;
  applies_to: string;
  tier: string;
  windows: WindowUsage[];
}

describeGateway.each(HOSTS)("tier-limit usage API, %s-shaped host with 2 workers", (kind) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(kind, config(kind), upstream.url, 2);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  /** The operator API's base URL: Kong's Admin API, or APISIX's control API. */
  function api(): string {
    return kind === "kong" ? `${kongAdminUrl(gateway)}/tier-limit/usage` : `${apisixControlUrl(gateway)}/v1/plugin/tier-limit/usage`;
  }
  async function post(path: string, body?: unknown): Promise<Reply> {
    const reply = await fetch(`${api()}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
    return { status: reply.status, headers: reply.headers, body: await reply.json() };
  }
  async function usage(user: string, policy: Policy): Promise<ConfigUsage> {
    const reply = await request(`${api()}/${user}`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const configs = (reply.body as { configs: ConfigUsage[] }).configs;
    return configs.find((c) => c.policy === policy)!;
  }
  function call(policy: Policy, tier: keyof typeof KEYS): Promise<Reply> {
    return request(`${gateway.url}/${policy}/x`, { headers: { apikey: KEYS[tier] } });
  }
  async function reset(policy: Policy): Promise<void> {
    for (const user of Object.values(USERS)) expect((await post(`${user}/reset`)).status).toBe(200);
    expect((await usage(USERS.free, policy)).windows[0]!.used).toBe(0);
  }

  for (const policy of POLICIES) {
    it(`policy ${policy}: the usage API shows what the last request's headers showed`, async () => {
      await reset(policy);
      let last: Reply | undefined;
      for (let i = 0; i < 3; i++) last = await call(policy, "free");
      expect(last!.status).toBe(200);
      const shown = await usage(USERS.free, policy);
      expect(shown).toMatchObject({ policy, tier: "free", applies_to: policy === "local" ? "node" : "fleet" });
      expect(shown.windows).toHaveLength(1);
      const month = shown.windows[0]!;
      expect(month).toMatchObject({ method: "*", window: "month", tier: "free", used: 3, overage: 0 });
      expect(`${month.limit}`).toBe(last!.headers.get("x-ratelimit-limit-month"));
      expect(`${month.remaining}`).toBe(last!.headers.get("x-ratelimit-remaining-month"));
      expect(`${month.remaining}`).toBe(last!.headers.get("ratelimit-remaining"));
      expect(month.reset_at - month.window_start).toBeGreaterThanOrEqual(28 * 86400);
      expect(Math.abs(month.reset_in - Number(last!.headers.get("ratelimit-reset")))).toBeLessThanOrEqual(2);
    });

    it(`policy ${policy}: after a reset the next request is admitted`, async () => {
      await reset(policy);
      const statuses = await burst(21, `${gateway.url}/${policy}/x`, { headers: { apikey: KEYS.free }, parallel: 4 });
      expect(countOf(statuses, 200)).toBe(20);
      expect((await call(policy, "free")).status).toBe(429);
      const answer = await post(`${USERS.free}/reset`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ reset: true, subject: USERS.free });
      expect((await call(policy, "free")).status).toBe(200);
    });

    it(`policy ${policy}: a credit of 50 admits exactly 50 more`, async () => {
      await reset(policy);
      const filled = await burst(20, `${gateway.url}/${policy}/x`, { headers: { apikey: KEYS.free }, parallel: 4 });
      expect(countOf(filled, 200)).toBe(20);
      expect((await call(policy, "free")).status).toBe(429);
      const answer = await post(`${USERS.free}/credit`, { units: 50, window: "month" });
      expect(answer.status).toBe(200);
      const credited = (answer.body as { credited: number; configs: ConfigUsage[] });
      expect(credited.credited).toBe(50);
      expect(credited.configs.find((c) => c.policy === policy)!.windows[0]).toMatchObject({ remaining: 50 });
      const after = await burst(60, `${gateway.url}/${policy}/x`, { headers: { apikey: KEYS.free }, parallel: 8 });
      expect(countOf(after, 200)).toBe(50);
      expect(countOf(after, 429)).toBe(10);
    });

    it(`policy ${policy}: usage_path answers each caller its own usage, not counted`, async () => {
      await reset(policy);
      for (let i = 0; i < 2; i++) expect((await call(policy, "free")).status).toBe(200);
      for (let i = 0; i < 5; i++) expect((await call(policy, "premium")).status).toBe(200);
      for (const [tier, used, limit] of [["free", 2, 20], ["premium", 5, 1000]] as const) {
        const own = await request(`${gateway.url}/${policy}/usage`, { headers: { apikey: KEYS[tier] } });
        expect(own.status).toBe(200);
        expect(own.headers.get("cache-control")).toBe("no-store");
        // Exactly its own: the tier, the policy and its windows, nobody else's.
        expect(Object.keys(own.body as object).sort()).toEqual(["policy", "tier", "windows"]);
        expect(own.body).toMatchObject({ tier, policy, windows: [{ window: "month", limit, used, remaining: limit - used }] });
      }
      // Not counted: the operator sees the same two requests.
      expect((await usage(USERS.free, policy)).windows[0]!.used).toBe(2);
      const anonymous = await request(`${gateway.url}/${policy}/usage`);
      expect(anonymous.status).toBe(401);
    });
  }

  it("?plugin= picks one config; a credit through one node admits on another sharing the Redis", async () => {
    const all = (await request(`${api()}/${USERS.free}`)).body as { configs: (ConfigUsage & { plugin: string })[] };
    expect(all.configs.map((c) => c.policy).sort()).toEqual(["local", "redis", "redis-cluster"]);
    const redisId = all.configs.find((c) => c.policy === "redis")!.plugin;
    const one = (await request(`${api()}/${USERS.free}?plugin=${encodeURIComponent(redisId)}`)).body as { configs: ConfigUsage[] };
    expect(one.configs.map((c) => c.policy)).toEqual(["redis"]);
    expect((await request(`${api()}/${USERS.free}?plugin=nope`)).status).toBe(404);

    const other = await startGateway(kind, config(kind), upstream.url, 1);
    try {
      await reset("redis");
      const filled = await burst(20, `${other.url}/redis/x`, { headers: { apikey: KEYS.free }, parallel: 4 });
      expect(countOf(filled, 200)).toBe(20);
      const credit = await post(`${USERS.free}/credit?plugin=${encodeURIComponent(redisId)}`, { units: 5 });
      expect(credit.status).toBe(200);
      expect((credit.body as { configs: ConfigUsage[] }).configs).toMatchObject([{ policy: "redis", applies_to: "fleet" }]);
      const after = await burst(8, `${other.url}/redis/x`, { headers: { apikey: KEYS.free }, parallel: 4 });
      expect(countOf(after, 200)).toBe(5);
    } finally {
      await other.stop();
    }
  });

  it("an unknown consumer is 404 JSON; a negative or fractional credit is 400 naming units", async () => {
    const unknown = await request(`${api()}/nobody`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "unknown_subject" });
    expect((await post("nobody/reset")).status).toBe(404);
    for (const units of [-5, 2.5, "many", 0]) {
      const bad = await post(`${USERS.free}/credit`, { units });
      expect(bad.status, `units ${units}`).toBe(400);
      expect(bad.body).toMatchObject({ error: "invalid_request", field: "units" });
    }
    const window = await post(`${USERS.free}/credit`, { units: 5, window: "minute" });
    expect(window.status).toBe(400);
    expect(window.body).toMatchObject({ field: "window" });
  });

  it("the operator API is not served through the proxy port", async () => {
    await reset("local");
    expect((await call("local", "free")).status).toBe(200);
    const paths =
      kind === "kong"
        ? // Kong: the Admin API listens on its own port; the proxy has no such route.
          ["/tier-limit/usage"]
        : // APISIX: the control API listens on its own port. Through public-api routes on
          // the proxy port (apisix/api_router.lua serves plugins' api() only), nothing.
          ["/apisix/plugin/tier-limit/usage", "/v1/plugin/tier-limit/usage"];
    for (const path of paths) {
      const read = await request(`${gateway.url}${path}/${USERS.free}`);
      expect(read.status, path).toBe(404);
      expect(JSON.stringify(read.body ?? "")).not.toContain("configs");
      const credit = await fetch(`${gateway.url}${path}/${USERS.free}/credit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ units: 1000 }),
      });
      expect(credit.status, path).toBe(404);
      expect(await credit.text()).not.toContain("credited");
      const reset = await request(`${gateway.url}${path}/${USERS.free}/reset`, { method: "POST" });
      expect(reset.status, path).toBe(404);
    }
    // A customer's route passes such paths to its upstream, counted like any request.
    const through = await request(`${gateway.url}/local/tier-limit/usage/${USERS.premium}/reset`, { method: "POST", headers: { apikey: KEYS.free } });
    expect(through.status).toBe(200);
    expect((through.body as { uri?: string }).uri ?? "").toContain("/tier-limit/usage/premium_user/reset");
    // Nothing above credited or reset anything: the two requests are still counted.
    expect((await usage(USERS.free, "local")).windows[0]!.used).toBe(2);
  });
});
