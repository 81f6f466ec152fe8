/**
 * tollgate's operator endpoints over HTTP, as a user reaches them:
 *   - Kong: the Admin API extensions (kong.plugins.<name>.api) on the Kong-shaped host's
 *     admin port, dispatched as Kong's api_helpers.attach_routes + lapis do
 *     (tests/runtime/kong/tollgate_kong_host/admin.lua), never on the proxy port;
 *   - APISIX: the plugins' api() routes, reached only through a route carrying the
 *     public-api plugin (tests/runtime/apisix/tollgate_apisix_host/public_api.lua).
 * Stock Kong answered `405 {"message":"Method not allowed"}` to both endpoints while their
 * modules had the shape `{ path = { methods = { GET = fn } } }`; these tests fail on it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApisixHost, type ApisixHost } from "../runtime/apisix-host.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { startKongHost, type KongHost } from "../runtime/kong-host.ts";
import { freePort } from "../runtime/nginx.ts";
import { hostsOnly, request } from "./harness.ts";

const onHosts = hostsOnly("the test hosts' admin port and public-api route");

/** A subject that must be percent-encoded in a path: the handlers decode it. */
const SUBJECT = "ops@example.com";
const KEY = "k-ops";

let upstream: EchoUpstream;
let service: EntitlementService;
/** A port nothing listens on: kafka-usage queues events and retries, which is all the status needs. */
let deadBroker = "";
beforeAll(async () => {
  upstream = await startEchoUpstream();
  service = await startEntitlementService();
  service.answers.set(SUBJECT, { plan: "premium", status: "active" });
  deadBroker = `127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await service?.stop();
  await upstream?.stop();
});

function entitlementConf(): Record<string, unknown> {
  return {
    plans: { premium: { features: ["reports"] } },
    subscription_sources: ["service"],
    service: { url: service.url, connect_timeout_ms: 200, timeout_ms: 500 },
    cache: { ttl: 300 },
    required_features: ["reports"],
  };
}

function usageConf(): Record<string, unknown> {
  return { kafka: { brokers: [deadBroker], topic: "usage", timeout_ms: 200 }, retry: { initial_backoff_ms: 1000, max_backoff_ms: 1000 }, stats_log_interval_s: 0 };
}

interface Status {
  total: Record<string, number>;
  workers: Record<string, Record<string, number>>;
}

/** Polls `url` until kafka-usage's counters say `queued` reached `count` (the log phase runs after the reply). */
async function statusOnceQueued(url: string, count: number): Promise<{ status: number; body: Status }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reply = await request(url);
    const body = reply.body as Status;
    if (reply.status !== 200 || (body.total["queued"] ?? 0) >= count || Date.now() > deadline) return { status: reply.status, body };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Asks /reports/x as the ops consumer; the entitlement service is called unless the answer is cached. */
async function askReports(proxyUrl: string): Promise<number> {
  return (await request(`${proxyUrl}/reports/x`, { headers: { apikey: KEY } })).status;
}

onHosts("Kong-shaped host: Admin API extensions on the admin port", () => {
  let kong: KongHost;
  beforeAll(async () => {
    kong = await startKongHost({
      config: {
        _format_version: "3.0",
        services: [
          {
            name: "svc",
            url: "http://127.0.0.1:9000",
            routes: [
              { name: "reports", paths: ["/reports"], plugins: [{ name: "entitlement-check", config: entitlementConf() }] },
              { name: "usage", paths: ["/usage"], plugins: [{ name: "kafka-usage", config: usageConf() }] },
            ],
          },
        ],
        consumers: [{ username: SUBJECT, keyauth_credentials: [{ key: KEY }] }],
        plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
      },
      upstreamUrl: upstream.url,
    });
  });
  afterAll(async () => {
    await kong?.stop();
  });

  it("GET /kafka-usage/status answers 200 with this node's counters, total and per worker", async () => {
    for (let i = 0; i < 3; i++) expect((await request(`${kong.url}/usage/${i}`, { headers: { apikey: KEY } })).status).toBe(200);
    const { status, body } = await statusOnceQueued(`${kong.adminUrl}/kafka-usage/status`, 3);
    expect(status).toBe(200);
    expect(body.total).toMatchObject({ queued: 3, sent: 0 });
    expect(Object.keys(body.workers)).toEqual(["0"]);
    expect(body.workers["0"]).toMatchObject({ queued: 3 });
  });

  it("query args reach the handler's params: ?dict= names another shared dict", async () => {
    const reply = await request(`${kong.adminUrl}/kafka-usage/status?dict=no_such_dict`);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ message: "no lua_shared_dict 'no_such_dict'" });
  });

  it("a JSON body's fields reach the handler's params, over the query's (lapis json_params)", async () => {
    const reply = await fetch(`${kong.adminUrl}/entitlement-check/cache/someone?dict=tollgate_cache`, {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dict: "no_such_dict" }),
    });
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ message: "lua_shared_dict 'no_such_dict' is not declared" });
  });

  it("a POST body that is neither JSON nor a form is refused with 415 before the method is looked at", async () => {
    const reply = await fetch(`${kong.adminUrl}/kafka-usage/status`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    expect(reply.status).toBe(415);
  });

  it("DELETE /entitlement-check/cache/{subject} answers 204 and the next request asks the entitlement service again", async () => {
    service.reset();
    expect(await askReports(kong.url)).toBe(200);
    expect(await askReports(kong.url)).toBe(200);
    expect(service.calls.get(SUBJECT)).toBe(1);

    const reply = await fetch(`${kong.adminUrl}/entitlement-check/cache/${encodeURIComponent(SUBJECT)}`, { method: "DELETE" });
    expect(reply.status).toBe(204);
    expect(await reply.text()).toBe("");

    expect(await askReports(kong.url)).toBe(200);
    expect(service.calls.get(SUBJECT)).toBe(2);
  });

  it("a method the route lacks answers 405 with Kong's JSON body", async () => {
    for (const [method, path] of [
      ["POST", "/kafka-usage/status"],
      ["DELETE", "/kafka-usage/status"],
      ["POST", `/entitlement-check/cache/${encodeURIComponent(SUBJECT)}`],
      ["GET", `/entitlement-check/cache/${encodeURIComponent(SUBJECT)}`],
    ] as const) {
      const reply = await request(`${kong.adminUrl}${path}`, { method });
      expect(reply.status, `${method} ${path}`).toBe(405);
      expect(reply.body).toEqual({ message: "Method not allowed" });
    }
  });

  it("OPTIONS lists the route's methods, as Kong adds it", async () => {
    const status = await fetch(`${kong.adminUrl}/kafka-usage/status`, { method: "OPTIONS" });
    expect(status.status).toBe(204);
    expect(status.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const cache = await fetch(`${kong.adminUrl}/entitlement-check/cache/x`, { method: "OPTIONS" });
    expect(cache.headers.get("allow")).toBe("DELETE, OPTIONS");
  });

  it("an unknown path answers 404 {\"message\":\"Not found\"}", async () => {
    for (const path of ["/kafka-usage", "/kafka-usage/status/extra", "/entitlement-check/cache/", "/nope"]) {
      const reply = await request(`${kong.adminUrl}${path}`);
      expect(reply.status, path).toBe(404);
      expect(reply.body).toEqual({ message: "Not found" });
    }
  });

  it("the proxy port does not serve the Admin API", async () => {
    const status = await request(`${kong.url}/kafka-usage/status`);
    expect(status.status).toBe(404);
    expect(status.body).toEqual({ message: "no Route matched with those values" });
    service.reset();
    const invalidate = await request(`${kong.url}/entitlement-check/cache/${encodeURIComponent(SUBJECT)}`, { method: "DELETE" });
    expect(invalidate.status).toBe(404);
    expect(await askReports(kong.url)).toBe(200);
    expect(service.calls.get(SUBJECT)).toBeUndefined();
  });
});

onHosts("APISIX-shaped host: plugin api() routes through public-api", () => {
  let apisix: ApisixHost;
  beforeAll(async () => {
    apisix = await startApisixHost({
      config: {
        routes: [
          { id: "reports", uri: "/reports*", upstream_id: "up", plugins: { "key-auth": {}, "entitlement-check": entitlementConf() } },
          { id: "usage", uri: "/usage*", upstream_id: "up", plugins: { "key-auth": {}, "kafka-usage": usageConf() } },
          // As APISIX's docs expose a plugin API: a route on its uri with public-api…
          { id: "invalidate", uri: "/apisix/plugin/entitlement-check/cache/*", plugins: { "public-api": {} } },
          // …or on a uri of one's own, public-api's `uri` naming the API's.
          { id: "status", uri: "/ops/usage-status", plugins: { "public-api": { uri: "/apisix/plugin/kafka-usage/status" } } },
        ],
        upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
        consumers: [{ username: "ops", plugins: { "key-auth": { key: KEY } } }],
      },
      upstreamUrl: upstream.url,
    });
  });
  afterAll(async () => {
    await apisix?.stop();
  });

  it("GET through public-api answers kafka-usage's counters", async () => {
    for (let i = 0; i < 3; i++) expect((await request(`${apisix.url}/usage/${i}`, { headers: { apikey: KEY } })).status).toBe(200);
    const { status, body } = await statusOnceQueued(`${apisix.url}/ops/usage-status`, 3);
    expect(status).toBe(200);
    expect(body.total).toMatchObject({ queued: 3, sent: 0 });
    expect(body.workers["0"]).toMatchObject({ queued: 3 });
  });

  it("DELETE through public-api answers 204 and the next request asks the entitlement service again", async () => {
    service.reset();
    // APISIX's subject is the consumer's username (no custom_id); "ops" here.
    service.answers.set("ops", { plan: "premium", status: "active" });
    expect(await askReports(apisix.url)).toBe(200);
    expect(await askReports(apisix.url)).toBe(200);
    expect(service.calls.get("ops")).toBe(1);
    const reply = await fetch(`${apisix.url}/apisix/plugin/entitlement-check/cache/ops`, { method: "DELETE" });
    expect(reply.status).toBe(204);
    expect(await askReports(apisix.url)).toBe(200);
    expect(service.calls.get("ops")).toBe(2);
  });

  it("a method the api() route lacks is not matched: public-api answers 404", async () => {
    expect((await request(`${apisix.url}/apisix/plugin/entitlement-check/cache/ops`, { method: "POST" })).status).toBe(404);
    expect((await request(`${apisix.url}/ops/usage-status`, { method: "POST" })).status).toBe(404);
  });

  it("without a public-api route the plugin API is not reachable", async () => {
    const reply = await request(`${apisix.url}/apisix/plugin/kafka-usage/status`);
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error_msg: "404 Route Not Found" });
  });
});
