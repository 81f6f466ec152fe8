/**
 * entitlement-check through real nginx + ngx_lua on the Kong-shaped and the
 * APISIX-shaped host, against a real HTTP entitlement service the test starts
 * (tests/runtime/entitlement-service.ts), proxying to the echo upstream.
 */
import { rmSync } from "node:fs";
import { get as httpGet } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { describeGateway, echoed, HOSTS, kongAdminUrl, request, startGateway, writeTestPlugin, type HostKind, type RunningGateway } from "./harness.ts";

const PLANS = {
  free: { features: ["basic"] },
  premium: { includes: ["free"], features: ["reports"] },
  enterprise: { includes: ["premium"], features: ["export"] },
};
const UPGRADE = "https://billing.example.com/upgrade";

interface Consumer {
  name: string;
  key: string;
  plan?: string;
}
interface RouteSpec {
  path: string;
  conf: Record<string, unknown>;
  /** Default entitlement-check. */
  plugin?: string;
}

/**
 * A test-only plugin for both hosts. On /_stats: this worker's cache figures after a
 * full garbage collection (tollgate.io.lua.cache's LRU entries, the Lua heap, the
 * shared dict's capacity and free space).
 */
const STATS_KONG_HANDLER = `
local cache = require("tollgate.io.lua.cache")
local function stats()
  -- Several full cycles: each one can only halve LuaJIT's string table, which grows with
  -- the strings alive at the busiest moment and would otherwise count as heap growth.
  for _ = 1, 4 do collectgarbage("collect") end
  local dict = ngx.shared.tollgate_cache
  return { pid = ngx.worker.pid(), lru = cache.workerCacheSize(), lua_kb = collectgarbage("count"),
           dict_capacity = dict:capacity(), dict_free = dict:free_space(),
           state = require("tollgate.entitlement_check.lua.access").configStateSizes() }
end
local function access(self, conf)
  return kong.response.exit(200, stats())
end
return { PRIORITY = 1, VERSION = "0.0.0", access = access, stats = stats }
`;
const STATS_APISIX = `
local stats = require("kong.plugins.cache-stats.handler").stats
return { version = 0.1, priority = 1, name = "cache-stats", schema = { type = "object" },
         check_schema = function(conf) return true end,
         access = function(conf, ctx) return 200, stats() end }
`;

function writeStatsPlugin(): string {
  return writeTestPlugin("cache-stats", STATS_KONG_HANDLER, STATS_APISIX);
}

interface WorkerStats {
  pid: number;
  lru: number;
  lua_kb: number;
  dict_capacity: number;
  dict_free: number;
  /** Config tables seen, distinct config contents, service clients (entitlement_check.lua.access). */
  state: { configs: number; contents: number; services: number };
}

function gatewayConfig(kind: HostKind, routes: RouteSpec[], consumers: Consumer[]): Record<string, unknown> {
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: routes.map((r, i) => ({ name: `r${i}`, paths: [r.path], plugins: [{ name: r.plugin ?? "entitlement-check", config: r.conf }] })),
        },
      ],
      consumers: consumers.map((c) => ({ username: c.name, tags: c.plan ? [`plan:${c.plan}`] : [], keyauth_credentials: [{ key: c.key }] })),
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
    };
  }
  return {
    routes: [
      ...routes.map((r, i) => ({ id: `r${i}`, uri: `${r.path}*`, upstream_id: "up", plugins: { "key-auth": {}, [r.plugin ?? "entitlement-check"]: r.conf } })),
      // The invalidation endpoint, exposed as APISIX exposes a plugin's api(): with public-api.
      { id: "invalidate", uri: "/apisix/plugin/entitlement-check/cache/*", plugins: { "public-api": {} } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: consumers.map((c) => ({ username: c.name, labels: c.plan ? { plan: c.plan } : {}, plugins: { "key-auth": { key: c.key } } })),
  };
}

async function start(
  kind: HostKind,
  routes: RouteSpec[],
  consumers: Consumer[],
  upstreamUrl: string,
  opts: { workers?: number; sharedDicts?: Record<string, string>; luaPath?: string[] } = {},
): Promise<RunningGateway & { invalidateUrl: (subject: string) => string }> {
  const gateway = await startGateway(kind, gatewayConfig(kind, routes, consumers), upstreamUrl, opts);
  // Where an operator sends DELETE to forget a subject: Kong's Admin API, APISIX's public-api route.
  const base = kind === "kong" ? `${kongAdminUrl(gateway)}/entitlement-check/cache/` : `${gateway.url}/apisix/plugin/entitlement-check/cache/`;
  return Object.assign(gateway, { invalidateUrl: (subject: string) => `${base}${encodeURIComponent(subject)}` });
}

function serviceConf(service: EntitlementService, extra: Record<string, unknown> = {}, cache: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    plans: PLANS,
    subscription_sources: ["consumer", "service"],
    service: { url: service.url, auth_header: "Authorization", auth_value: "Bearer test-secret", connect_timeout_ms: 200, timeout_ms: 300 },
    cache: { ttl: 30, negative_ttl: 5, stale_ttl: 3, ...cache },
    required_features: ["reports"],
    upgrade_url: UPGRADE,
    status_header: "X-Subscription-Status",
    ...extra,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let upstream: EchoUpstream;
let service: EntitlementService;
beforeAll(async () => {
  upstream = await startEchoUpstream();
  service = await startEntitlementService();
});
afterAll(async () => {
  await service?.stop();
  await upstream?.stop();
});

describeGateway.each(HOSTS)("entitlement-check on the %s-shaped host", (host) => {
  let gateway: RunningGateway;
  const consumers: Consumer[] = [
    { name: "free_user", key: "k-free", plan: "free" },
    { name: "premium_user", key: "k-premium", plan: "premium" },
    { name: "remote_premium", key: "k-remote-premium" },
    { name: "remote_canceled", key: "k-remote-canceled" },
    { name: "remote_pastdue", key: "k-remote-pastdue" },
    { name: "remote_grace", key: "k-remote-grace" },
    { name: "remote_none", key: "k-remote-none" },
    { name: "remote_stripe", key: "k-remote-stripe" },
    { name: "slow_one", key: "k-slow-one" },
    { name: "stale_one", key: "k-stale-one" },
    { name: "stale_open", key: "k-stale-open" },
    { name: "remote_huge", key: "k-remote-huge" },
  ];

  beforeAll(async () => {
    service.answers.clear();
    service.fallback = undefined;
    await service.setMode("ok");
    service.answers.set("remote_premium", { plan: "premium", status: "active" });
    service.answers.set("remote_canceled", { plan: "premium", status: "canceled" });
    service.answers.set("remote_pastdue", { plan: "enterprise", status: "past_due", current_period_end: Math.floor(Date.now() / 1000) - 10 * 86400 });
    service.answers.set("slow_one", { plan: "premium", status: "active" });
    service.answers.set("stale_one", { plan: "premium", status: "active" });
    service.answers.set("stale_open", { plan: "premium", status: "active" });
    // ~110 kB: over service.max_body_bytes (64 kB by default).
    service.answers.set("remote_huge", { plan: "premium", status: "active", features: Array.from({ length: 10_000 }, (_, i) => `feature-${i}`) });
    service.answers.set("remote_stripe", {
      object: "list",
      url: "/v1/entitlements/active_entitlements",
      has_more: false,
      data: [
        { object: "entitlements.active_entitlement", id: "ent_1", feature: "feat_1", livemode: false, lookup_key: "basic" },
        { object: "entitlements.active_entitlement", id: "ent_2", feature: "feat_2", livemode: false, lookup_key: "reports" },
      ],
    });
    const stripe = await startEntitlementService("/v1/customers");
    stripeService = stripe;
    stripe.answers.set("remote_stripe", service.answers.get("remote_stripe"));
    gateway = await start(
      host,
      [
        { path: "/reports", conf: serviceConf(service) },
        { path: "/stripe", conf: serviceConf(stripe, { service: { url: stripe.url, format: "stripe" } }) },
        { path: "/short", conf: serviceConf(service, {}, { ttl: 1, stale_ttl: 2 }) },
        { path: "/grace", conf: serviceConf(service, { grace_period: 0 }) },
        { path: "/open", conf: serviceConf(service, { fail_open: true }, { ttl: 1, stale_ttl: 1 }) },
        {
          path: "/catalog",
          conf: {
            plans: {
              free: { routes: [{ path: "/catalog/public/*" }, { path: "/catalog/orders", methods: ["GET"] }] },
              premium: { includes: ["free"], routes: [{ path: "/catalog/orders" }, { path: "/catalog/reports/*" }] },
            },
          },
        },
      ],
      consumers,
      upstream.url,
    );
  });
  let stripeService: EntitlementService;
  afterAll(async () => {
    await gateway?.stop();
    await stripeService?.stop();
    await service.setMode("ok");
  });

  it("passes premium and forwards plan, features and status upstream, replacing client-sent copies", async () => {
    const reply = await request(`${gateway.url}/reports/q1`, {
      headers: { apikey: "k-premium", "X-Plan": "enterprise", "X-Entitlements": "export", "X-Subscription-Status": "active" },
    });
    expect(reply.status).toBe(200);
    const headers = echoed(reply).headers;
    expect(headers["x-plan"]).toBe("premium");
    expect(headers["x-entitlements"]).toBe("basic,reports");
    expect(headers["x-subscription-status"]).toBe("active");
  });

  it("answers 403 JSON naming the feature, the plan and the plans that unlock it", async () => {
    const reply = await request(`${gateway.url}/reports/q1`, { headers: { apikey: "k-free", "X-Plan": "enterprise" } });
    expect(reply.status).toBe(403);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.body).toEqual({
      error: "not_entitled",
      message: "Your plan does not include the feature 'reports'",
      feature: "reports",
      plan: "free",
      required_plans: ["premium", "enterprise"],
      upgrade_url: UPGRADE,
    });
  });

  it("asks the remote service with the configured auth header and lets its premium answer through", async () => {
    const reply = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-remote-premium" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
    expect(service.authHeaders).toContain("Bearer test-secret");
  });

  it("answers 402 JSON for a canceled subscription and for past_due beyond the grace period", async () => {
    const canceled = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-remote-canceled" } });
    expect(canceled.status).toBe(402);
    expect(canceled.headers.get("content-type")).toMatch(/^application\/json/);
    expect(canceled.body).toEqual({
      error: "payment_required",
      message: "The subscription is canceled",
      status: "canceled",
      plan: "premium",
      upgrade_url: UPGRADE,
    });
    const pastDue = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-remote-pastdue" } });
    expect(pastDue.status).toBe(402);
    expect(pastDue.body).toMatchObject({ error: "payment_required", status: "past_due", plan: "enterprise" });
  });

  it("past_due: passes until period_end + grace_period, then 402, though the service's answer is still cached", async () => {
    // A consumer's decision is remembered while its cached answer is fresh (30 s here);
    // the end of a grace period must still take effect at its second.
    const periodEnd = Math.ceil(Date.now() / 1000) + 2;
    service.answers.set("remote_grace", { plan: "premium", status: "past_due", current_period_end: periodEnd });
    const callsBefore = service.calls.get("remote_grace") ?? 0;
    const before = await request(`${gateway.url}/grace/x`, { headers: { apikey: "k-remote-grace" } });
    expect(before.status).toBe(200);
    expect(echoed(before).headers["x-subscription-status"]).toBe("past_due");
    expect((await request(`${gateway.url}/grace/x`, { headers: { apikey: "k-remote-grace" } })).status).toBe(200);
    await sleep(periodEnd * 1000 + 300 - Date.now());
    const after = await request(`${gateway.url}/grace/x`, { headers: { apikey: "k-remote-grace" } });
    expect(after.status).toBe(402);
    expect(after.body).toMatchObject({ error: "payment_required", status: "past_due", plan: "premium" });
    expect(service.calls.get("remote_grace")).toBe(callsBefore + 1);
  });

  it("answers 403 when the service says the consumer has no subscription (404)", async () => {
    const reply = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-remote-none" } });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({ error: "not_entitled", message: "No subscription", required_plans: ["premium", "enterprise"] });
  });

  it("route patterns of the catalog: path and method decide, with the plans that unlock a route", async () => {
    expect((await request(`${gateway.url}/catalog/public/a/b`, { headers: { apikey: "k-free" } })).status).toBe(200);
    expect((await request(`${gateway.url}/catalog/orders`, { headers: { apikey: "k-free" } })).status).toBe(200);
    const post = await request(`${gateway.url}/catalog/orders`, { method: "POST", headers: { apikey: "k-free" } });
    expect(post.status).toBe(403);
    expect(post.body).toEqual({ error: "not_entitled", message: "Your plan does not include this route", plan: "free", required_plans: ["premium"] });
    const reports = await request(`${gateway.url}/catalog/reports/q1`, { headers: { apikey: "k-free" } });
    expect(reports.status).toBe(403);
    expect((await request(`${gateway.url}/catalog/reports/q1`, { headers: { apikey: "k-premium" } })).status).toBe(200);
  });

  it("maps Stripe's active-entitlements list: features from lookup_key, plan inferred", async () => {
    const reply = await request(`${gateway.url}/stripe/x`, { headers: { apikey: "k-remote-stripe" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
    expect(echoed(reply).headers["x-entitlements"]).toBe("basic,reports");
  });

  it("refuses an answer larger than service.max_body_bytes (503, nothing cached)", async () => {
    const reply = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-remote-huge" } });
    expect(reply.status).toBe(503);
    expect(gateway.errorLog()).toContain("body larger than 65536 bytes");
  });

  it("a slow service never holds a request longer than the configured timeout (connect 200 + 300 ms)", async () => {
    await service.setMode("slow", 3000);
    service.reset();
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => timed(() => request(`${gateway.url}/reports/x`, { headers: { apikey: "k-slow-one" } }))),
      );
      for (const { value, ms } of results) {
        expect(value.status).toBe(503);
        expect(value.body).toMatchObject({ error: "entitlement_unavailable" });
        // The service answers after 3 s: well under that, the timeouts (200 + 300 ms) cut
        // it short; the rest is room for a machine whose cores are busy.
        expect(ms).toBeLessThan(2_000);
      }
      // One fetch for the eight concurrent requests.
      expect(service.calls.get("slow_one")).toBe(1);
    } finally {
      await service.setMode("ok");
    }
  });

  it("service down: stale answers within stale_ttl, then 503 (or pass with fail_open)", async () => {
    const first = await request(`${gateway.url}/short/x`, { headers: { apikey: "k-stale-one" } });
    const firstOpen = await request(`${gateway.url}/open/x`, { headers: { apikey: "k-stale-open" } });
    expect(first.status).toBe(200);
    expect(firstOpen.status).toBe(200);
    await service.setMode("down");
    try {
      await sleep(1300); // fresh for 1 s: now stale
      const stale = await request(`${gateway.url}/short/x`, { headers: { apikey: "k-stale-one" } });
      expect(stale.status).toBe(200);
      expect(echoed(stale).headers["x-plan"]).toBe("premium");
      await sleep(2000); // 3.3 s after the fetch: past ttl 1 + stale_ttl 2
      const failed = await request(`${gateway.url}/short/x`, { headers: { apikey: "k-stale-one" } });
      expect(failed.status).toBe(503);
      expect(failed.headers.get("content-type")).toMatch(/^application\/json/);
      expect(failed.body).toMatchObject({ error: "entitlement_unavailable" });
      // The cache's one-second back-off after a failed fetch: the soonest the service is asked again.
      expect(failed.headers.get("retry-after")).toBe("1");
      const open = await request(`${gateway.url}/open/x`, { headers: { apikey: "k-stale-open", "X-Plan": "enterprise" } });
      expect(open.status).toBe(200);
      expect(echoed(open).headers["x-plan"]).toBeUndefined();
    } finally {
      await service.setMode("ok");
    }
  });
});

describeGateway.each(HOSTS)("entitlement-check cache on the %s-shaped host with 2 workers", (host) => {
  let gateway: Awaited<ReturnType<typeof start>>;
  let statsDir = "";
  const CONSUMERS = 10_000;
  const consumers: Consumer[] = Array.from({ length: CONSUMERS }, (_, i) => ({ name: `user_${i}`, key: `key-${i}` }));

  beforeAll(async () => {
    service.answers.clear();
    service.reset();
    service.fallback = () => ({ plan: "premium", status: "active" });
    statsDir = writeStatsPlugin();
    const routes = [
      // Timeouts a loaded machine keeps within: these tests count fetches, not their speed
      // (a fetch past 300 ms answered 503 in a full run with both cores busy).
      {
        path: "/reports",
        conf: serviceConf(
          service,
          { service: { url: service.url, auth_header: "Authorization", auth_value: "Bearer test-secret", connect_timeout_ms: 2000, timeout_ms: 5000 } },
          { ttl: 60, lru_size: 200 },
        ),
      },
      { path: "/_stats", conf: {}, plugin: "cache-stats" },
    ];
    gateway = await start(host, routes, consumers, upstream.url, {
      workers: 2,
      sharedDicts: { tollgate_cache: "1m" },
      luaPath: [statsDir],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    if (statsDir) rmSync(statsDir, { recursive: true, force: true });
    service.fallback = undefined;
  });

  /** GET on a new connection, so the kernel may hand it to either worker. */
  function freshGet(path: string, apikey: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpGet(`${gateway.url}${path}`, { agent: false, headers: { apikey, connection: "close" } }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
    });
  }

  /** Figures of both workers (requests land on either; ask until both answered). */
  async function workerStats(): Promise<WorkerStats[]> {
    const byPid = new Map<number, WorkerStats>();
    for (let i = 0; i < 200 && byPid.size < 2; i++) {
      const stats = JSON.parse((await freshGet("/_stats", "key-0")).body) as WorkerStats;
      byPid.set(stats.pid, stats);
    }
    expect(byPid.size).toBe(2);
    return [...byPid.values()].sort((a, b) => a.pid - b.pid);
  }

  it("500 requests from 20 consumers call the service at most once per consumer per TTL", async () => {
    service.reset();
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 500) {
          const i = next++;
          const reply = await fetch(`${gateway.url}/reports/x`, { headers: { apikey: `key-${i % 20}` } });
          await reply.arrayBuffer();
          statuses.push(reply.status);
        }
      }),
    );
    expect(statuses.filter((s) => s === 200).length).toBe(500);
    expect([...service.calls.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `user_${i}`).sort());
    for (const [, count] of service.calls) expect(count).toBe(1);
  });

  it("an operator invalidates one subject: every worker asks the service again, once", async () => {
    // user_3 is cached as premium (first test); the billing system now says canceled.
    service.answers.set("user_3", { plan: "premium", status: "canceled" });
    service.reset();
    const cached = await Promise.all(Array.from({ length: 20 }, () => freshGet("/reports/x", "key-3")));
    expect(cached.map((r) => r.status)).toEqual(new Array(20).fill(200));
    expect(service.calls.get("user_3")).toBeUndefined();

    const invalidated = await fetch(gateway.invalidateUrl("user_3"), { method: "DELETE" });
    expect(invalidated.status).toBe(204);
    const after = await Promise.all(Array.from({ length: 20 }, () => freshGet("/reports/x", "key-3")));
    expect(after.map((r) => r.status)).toEqual(new Array(20).fill(402));
    expect(service.calls.get("user_3")).toBe(1);
    service.answers.delete("user_3");
  });

  it("invalidated again and again under parallel requests on both workers: exactly one fetch each time", async () => {
    // The window this guards: a worker reads the stale entry, the other worker stores the
    // new answer and releases its lock, then the first takes the lock and must not fetch again.
    service.answers.set("user_4", { plan: "premium", status: "active" });
    const ROUNDS = 30;
    service.reset();
    for (let round = 1; round <= ROUNDS; round++) {
      expect((await fetch(gateway.invalidateUrl("user_4"), { method: "DELETE" })).status).toBe(204);
      const replies = await Promise.all(Array.from({ length: 20 }, () => freshGet("/reports/x", "key-4")));
      expect(replies.map((r) => r.status)).toEqual(new Array(20).fill(200));
      expect(service.calls.get("user_4"), `round ${round}`).toBe(round);
    }
    service.answers.delete("user_4");
  });

  async function everyConsumer(path: string, status: number): Promise<void> {
    let next = 20;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < CONSUMERS) {
          const i = next++;
          const reply = await fetch(`${gateway.url}${path}`, { headers: { apikey: `key-${i}` } });
          await reply.arrayBuffer();
          expect(reply.status).toBe(status);
        }
      }),
    );
  }

  it("10,000 distinct consumers keep memory within the configured bound (LRU 200 per worker, 1 MB dict)", async () => {
    // Baseline: every consumer through the host and the plugin while the service
    // fails, so nothing is cached (the hosts keep per-consumer state of their own).
    await service.setMode("failing");
    try {
      await everyConsumer("/reports/x", 503);
    } finally {
      await service.setMode("ok");
    }
    await sleep(1100); // the one-second failure back-off ends
    const before = await workerStats();
    await everyConsumer("/reports/x", 200);
    const after = await workerStats();
    console.log(`${host}: per worker ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
    for (let w = 0; w < 2; w++) {
      // Each worker's LRU holds at most lru_size answers…
      expect(after[w]!.lru).toBeLessThanOrEqual(200);
      expect(after[w]!.lru).toBeGreaterThan(0);
      // …so its Lua heap (after full collections) grows by far less than one entry per
      // consumer would take (10,000 decoded answers are several MB).
      expect(after[w]!.lua_kb - before[w]!.lua_kb).toBeLessThan(1024);
      // The shared answers live in the 1 MB zone, whose size nginx fixes.
      expect(after[w]!.dict_capacity).toBe(1024 * 1024);
      // Nothing else of the plugin's grows with consumers: one config, one service client.
      expect(after[w]!.state).toEqual({ configs: 1, contents: 1, services: 1 });
    }
    // Early consumers were evicted (bounded, not retained): asking again fetches again.
    service.reset();
    const again = await request(`${gateway.url}/reports/x`, { headers: { apikey: "key-25" } });
    expect(again.status).toBe(200);
    expect(service.calls.get("user_25")).toBe(1);
  });
});

describeGateway.each(HOSTS)("entitlement-check config checked at start-up on the %s-shaped host", (host) => {
  it("refuses a plan catalog whose includes form a cycle, naming the field", async () => {
    const conf = { plans: { premium: { includes: ["enterprise"] }, enterprise: { includes: ["premium"] } } };
    const attempt = start(host, [{ path: "/reports", conf }], [{ name: "someone", key: "k" }], upstream.url);
    await expect(attempt).rejects.toBeInstanceOf(NginxStartError);
    await expect(attempt).rejects.toThrow(/plans\.enterprise\.includes: cycle enterprise -> premium -> enterprise/);
  });

  it("refuses a service URL that is not http:// or https://, naming the field", async () => {
    const conf = { plans: { free: {} }, subscription_sources: ["service"], service: { url: "ftp://billing.example.com" } };
    await expect(start(host, [{ path: "/reports", conf }], [{ name: "someone", key: "k" }], upstream.url)).rejects.toThrow(/service\.url/);
  });
});

/**
 * The Lua HTTP client's framing, against a raw TCP server that writes each answer by
 * hand: a body delimited by the connection's end, HTTP/1.0, chunk extensions, and a
 * reply that is not HTTP.
 */
(HOSTS.includes("kong") ? describeGateway : describe.skip)("entitlement-check's HTTP client against hand-written answers (kong-shaped host)", () => {
  const BODY = JSON.stringify({ plan: "premium", status: "active" });
  const REPLIES: Record<string, string> = {
    close_delimited: `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${BODY}`,
    http10: `HTTP/1.0 200 OK\r\n\r\n${BODY}`,
    chunk_ext: `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\n${BODY.substring(0, 5)}\r\n${(BODY.length - 5).toString(16)}\r\n${BODY.substring(5)}\r\n0\r\nX-Trailer: t\r\n\r\n`,
    not_http: "hello there\r\n\r\n",
  };
  let raw: NetServer;
  let gateway: RunningGateway;

  beforeAll(async () => {
    raw = createNetServer((socket) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (!text.includes("\r\n\r\n")) return;
        const subject = /^GET \/e\/([^ ]+) /.exec(text)?.[1] ?? "";
        socket.end(REPLIES[subject] ?? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const port = (raw.address() as AddressInfo).port;
    const conf = {
      plans: PLANS,
      subscription_sources: ["service"],
      service: { url: `http://127.0.0.1:${port}/e`, timeout_ms: 300 },
      required_features: ["reports"],
    };
    const consumers = Object.keys(REPLIES).map((name) => ({ name, key: `k-${name}` }));
    gateway = await start("kong", [{ path: "/raw", conf }], consumers, upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((resolve) => raw?.close(() => resolve()));
  });

  it.each(["close_delimited", "http10", "chunk_ext"])("reads a %s body", async (name) => {
    const reply = await request(`${gateway.url}/raw/x`, { headers: { apikey: `k-${name}` } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
  });

  it("treats a reply that is not HTTP as a failure (503)", async () => {
    const reply = await request(`${gateway.url}/raw/x`, { headers: { apikey: "k-not_http" } });
    expect(reply.status).toBe(503);
    expect(gateway.errorLog()).toContain("not an HTTP/1.x response");
  });
});
