/**
 * Secrets kept out of the config, on both hosts: tier-limit's redis.password (a real
 * Redis with requirepass) and entitlement-check's service token given as the gateway's
 * secret reference (Kong `{vault://env/...}`, APISIX `$env://...`). The gateway resolves
 * them before the plugin runs; a plain wrong password fails as it should; a reference
 * where no secret belongs is refused at load.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { startRedis, type RedisServer } from "../runtime/redis.ts";
import { DEMO_KEYS, describeGateway, HOSTS, request, roomInThisMinute, startGateway, tierLimitConfig, type HostKind, type RunningGateway } from "./harness.ts";

const PASSWORD = "tollgate-test-pass-1";
const TOKEN = "Bearer tok-from-env";
const ENV = { TOLLGATE_TEST_REDIS_PASSWORD: PASSWORD, TOLLGATE_TEST_SERVICE_TOKEN: TOKEN };
/** Each host's reference to that variable (Kong's env vault upper-cases and maps - to _). */
const REFERENCE: Record<HostKind, string> = {
  kong: "{vault://env/tollgate-test-redis-password}",
  apisix: "$env://TOLLGATE_TEST_REDIS_PASSWORD",
};
const UNSET: Record<HostKind, string> = { kong: "{vault://env/tollgate-test-unset}", apisix: "$env://TOLLGATE_TEST_UNSET" };

let upstream: EchoUpstream;
let redis: RedisServer;
let service: EntitlementService;

beforeAll(async () => {
  [upstream, redis, service] = await Promise.all([startEchoUpstream(), startRedis({ password: PASSWORD }), startEntitlementService()]);
  service.fallback = () => ({ plan: "premium", status: "active" });
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), redis?.stop(), service?.stop()]);
});

/** The harness's tier-limit config with entitlement-check in tier-limit's place. */
function entitlementConfig(host: HostKind, conf: Record<string, unknown>): Record<string, unknown> {
  const config = tierLimitConfig(host, conf) as { plugins?: { name: string }[]; routes?: { plugins: Record<string, unknown> }[] };
  if (host === "kong") for (const plugin of config.plugins ?? []) if (plugin.name === "tier-limit") plugin.name = "entitlement-check";
  for (const route of host === "apisix" ? (config.routes ?? []) : []) {
    route.plugins["entitlement-check"] = route.plugins["tier-limit"];
    delete route.plugins["tier-limit"];
  }
  return config;
}

describeGateway.each(HOSTS)("entitlement-check's service token from a secret reference, %s-shaped host", (host) => {
  it("the service receives the resolved token", async () => {
    const conf = {
      plans: { premium: { features: ["reports"] } },
      subscription_sources: ["service"],
      service: { url: service.url, auth_header: "Authorization", auth_value: host === "kong" ? "{vault://env/tollgate-test-service-token}" : "$env://TOLLGATE_TEST_SERVICE_TOKEN" },
      required_features: ["reports"],
    };
    const g = await startGateway(host, entitlementConfig(host, conf), upstream.url, { env: ENV });
    try {
      service.reset();
      expect((await request(`${g.url}/limited`, { headers: { apikey: DEMO_KEYS.free } })).status).toBe(200);
      expect(service.authHeaders).toEqual([TOKEN]);
    } finally {
      await g.stop();
    }
  });
});

describeGateway.each(HOSTS)("redis.password from a secret reference, %s-shaped host", (host) => {
  const started: RunningGateway[] = [];
  afterAll(async () => {
    await Promise.all(started.map((g) => g.stop()));
  });

  async function gateway(redisConf: Record<string, unknown>): Promise<RunningGateway> {
    // fault_tolerant false: a Redis that refuses tollgate shows as 503, not as an admitted request.
    const conf = {
      algorithm: "fixed",
      fault_tolerant: false,
      policy: "redis",
      tiers: { free: { limits: { GET: { minute: 2 } } } },
      // One database per host: the two hosts' counters never meet.
      redis: { host: redis.host, port: redis.port, database: host === "kong" ? 1 : 2, ...redisConf },
    };
    const g = await startGateway(host, tierLimitConfig(host, conf), upstream.url, { env: ENV });
    started.push(g);
    return g;
  }

  async function statuses(g: RunningGateway, count: number): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push((await request(`${g.url}/limited`, { headers: { apikey: DEMO_KEYS.free } })).status);
    return out;
  }

  it("the resolved password opens Redis: the limit of 2 per minute holds", async () => {
    const g = await gateway({ password: REFERENCE[host] });
    await roomInThisMinute(10);
    expect(await statuses(g, 3)).toEqual([200, 200, 429]);
  });

  it("a plain wrong password is refused by Redis: 503", async () => {
    const g = await gateway({ password: "not-the-password" });
    expect(await statuses(g, 1)).toEqual([503]);
  });

  it("a reference to a variable that is not set does not resolve: the gateway logs it and Redis refuses", async () => {
    const g = await gateway({ password: UNSET[host] });
    expect(await statuses(g, 1)).toEqual([503]);
    expect(g.errorLog()).toMatch(host === "kong" ? /unable to resolve reference \{vault:\/\/env\/tollgate-test-unset\}/ : /failed to resolve secret reference: \$env:\/\/TOLLGATE_TEST_UNSET/);
  });

  it("a reference in a field that takes no secret is refused at load, naming the field", async () => {
    const started = gateway({ host: REFERENCE[host] });
    await expect(started).rejects.toThrow(NginxStartError);
    await expect(started).rejects.toThrow(/config\.redis\.host: a (vault|secret) reference .* is accepted only in redis\.client_cert, redis\.client_key, redis\.password, redis\.username/);
  }, 30_000);
});
