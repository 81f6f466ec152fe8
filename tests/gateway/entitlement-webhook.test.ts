/**
 * entitlement-check's billing webhooks and the OpenMeter source, through real nginx +
 * ngx_lua on the Kong-shaped and APISIX-shaped hosts: signed Stripe events (signed by
 * the stripe package) make the very next request see the new plan or cancellation,
 * with the cache TTL far away; tollgate's own contract sets an answer without a fetch;
 * every bad payload is refused as documented and leaves the cache as it was. One
 * gateway per host for the whole file.
 */
import { request as httpRequest } from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { startOpenMeter, type OpenMeterServer } from "../runtime/openmeter.ts";
import { describeGateway, HOSTS, request, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const SECRET = "whsec_gateway_test_secret_0001";
const PLANS = { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } };
const stripe = new Stripe("sk_test_unused");

const CONSUMERS = ["cus_up", "cus_cancel", "cus_keep", "cus_set", "om_ok", "om_spent", "om_missing"];

interface RouteSpec {
  path: string;
  conf: Record<string, unknown>;
  /** Authenticated with key-auth (webhook routes are not: the signature authenticates). */
  auth: boolean;
}

function gatewayConfig(kind: HostKind, routes: RouteSpec[]): Record<string, unknown> {
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: routes.map((r, i) => ({
            name: `r${i}`,
            paths: [r.path],
            plugins: [...(r.auth ? [{ name: "key-auth", config: { key_names: ["apikey"] } }] : []), { name: "entitlement-check", config: r.conf }],
          })),
        },
      ],
      consumers: CONSUMERS.map((name) => ({ username: name, keyauth_credentials: [{ key: `k-${name}` }] })),
    };
  }
  return {
    routes: routes.map((r, i) => ({ id: `r${i}`, uri: `${r.path}*`, upstream_id: "up", plugins: { ...(r.auth ? { "key-auth": {} } : {}), "entitlement-check": r.conf } })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: CONSUMERS.map((name) => ({ username: name, plugins: { "key-auth": { key: `k-${name}` } } })),
  };
}

interface Post {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` with `headers`; `chunked`: without Content-Length. */
function post(url: string, body: string, headers: Record<string, string>, chunked = false): Promise<Post> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
    } else {
      req.setHeader("content-length", Buffer.byteLength(body));
      req.write(body);
    }
    req.end();
  });
}

const nowS = (): number => Math.floor(Date.now() / 1000);
let eventSeq = 0;

function stripeEvent(type: string, customer: string, pad = 0): string {
  const object = type.startsWith("entitlements.")
    ? { object: "entitlements.active_entitlement_summary", customer, entitlements: { object: "list", data: [], has_more: false } }
    : { id: "sub_1", object: "subscription", customer, status: "canceled", metadata: { pad: "x".repeat(pad) } };
  return JSON.stringify({ id: `evt_${process.pid}_${++eventSeq}`, object: "event", type, created: nowS(), livemode: false, data: { object } });
}

const signed = (payload: string, secret = SECRET, t = nowS()): string => stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: t });

let upstream: EchoUpstream;
let service: EntitlementService;
let openmeter: OpenMeterServer;
beforeAll(async () => {
  upstream = await startEchoUpstream();
  service = await startEntitlementService();
  openmeter = await startOpenMeter();
});
afterAll(async () => {
  await openmeter?.stop();
  await service?.stop();
  await upstream?.stop();
});

describeGateway.each(HOSTS)("entitlement-check webhooks and OpenMeter on the %s-shaped host", (host) => {
  let gateway: RunningGateway;
  const serviceBlock = () => ({ url: service.url, auth_header: "Authorization", auth_value: "Bearer test-secret" });
  // A TTL far longer than the test: only a webhook can change a cached answer.
  const base = () => ({ plans: PLANS, subscription_sources: ["service"], service: serviceBlock(), cache: { ttl: 3600, negative_ttl: 3600, stale_ttl: 0 } });
  const reports = async (who: string) => (await request(`${gateway.url}/reports/x`, { headers: { apikey: `k-${who}` } })).status;

  beforeAll(async () => {
    service.answers.clear();
    service.fallback = undefined;
    await service.setMode("ok");
    gateway = await startGateway(
      host,
      gatewayConfig(host, [
        { path: "/reports", auth: true, conf: { ...base(), required_features: ["reports"] } },
        { path: "/hooks/stripe", auth: false, conf: { ...base(), webhook: { provider: "stripe", secret: SECRET } } },
        { path: "/hooks/small", auth: false, conf: { ...base(), webhook: { provider: "stripe", secret: SECRET, max_body_bytes: 1024 } } },
        { path: "/hooks/tollgate", auth: false, conf: { ...base(), webhook: { provider: "tollgate", secret: SECRET } } },
        {
          path: "/metered",
          auth: true,
          conf: {
            ...base(),
            required_features: ["api_calls"],
            service: { url: openmeter.url, format: "openmeter", auth_header: "Authorization", auth_value: "Bearer om-token" },
          },
        },
        {
          path: "/om-reports",
          auth: true,
          conf: { ...base(), required_features: ["reports"], service: { url: openmeter.url, format: "openmeter", auth_header: "Authorization", auth_value: "Bearer om-token" } },
        },
      ]),
      upstream.url,
      2,
    );
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("a premium upgrade webhook makes the very next request pass", async () => {
    service.answers.set("cus_up", { plan: "free", status: "active" });
    expect(await reports("cus_up")).toBe(403);
    service.answers.set("cus_up", { plan: "premium", status: "active" });
    expect(await reports("cus_up")).toBe(403); // cached for an hour
    const payload = stripeEvent("entitlements.active_entitlement_summary.updated", "cus_up");
    const hook = await post(`${gateway.url}/hooks/stripe`, payload, { "Stripe-Signature": signed(payload) });
    expect(hook).toMatchObject({ status: 200, body: { received: true, subjects: 1, action: "dropped" } });
    expect(await reports("cus_up")).toBe(200);
  });

  it("a cancellation makes the next request 402 (event body buffered to a file by nginx)", async () => {
    service.answers.set("cus_cancel", { plan: "premium", status: "active" });
    expect(await reports("cus_cancel")).toBe(200);
    service.answers.set("cus_cancel", { plan: "premium", status: "canceled" });
    expect(await reports("cus_cancel")).toBe(200);
    // ~40 kB: over nginx's client_body_buffer_size, so the body is read from its temporary file.
    const payload = stripeEvent("customer.subscription.deleted", "cus_cancel", 40_000);
    const hook = await post(`${gateway.url}/hooks/stripe`, payload, { "Stripe-Signature": signed(payload) });
    expect(hook.status).toBe(200);
    const next = await request(`${gateway.url}/reports/x`, { headers: { apikey: "k-cus_cancel" } });
    expect(next.status).toBe(402);
    expect(next.body).toMatchObject({ error: "payment_required", status: "canceled" });
  });

  it("tollgate's contract sets the answer: the next request uses it without asking the service", async () => {
    service.answers.set("cus_set", { plan: "free", status: "active" });
    expect(await reports("cus_set")).toBe(403);
    const calls = service.calls.get("cus_set");
    const payload = JSON.stringify({ id: `tg-${process.pid}-${host}`, subjects: ["cus_set"], answer: { plan: "premium", status: "active" } });
    const hook = await post(`${gateway.url}/hooks/tollgate`, payload, { "Tollgate-Signature": signed(payload) });
    expect(hook).toMatchObject({ status: 200, body: { action: "set", subjects: 1 } });
    expect(await reports("cus_set")).toBe(200);
    expect(service.calls.get("cus_set")).toBe(calls);
  });

  it("refuses every bad payload as documented, leaving the cache untouched, with one throttled log line", async () => {
    service.answers.set("cus_keep", { plan: "premium", status: "active" });
    expect(await reports("cus_keep")).toBe(200);
    service.answers.set("cus_keep", { plan: "premium", status: "canceled" });
    const calls = service.calls.get("cus_keep");
    const payload = stripeEvent("customer.subscription.deleted", "cus_keep");
    const valid = signed(payload);
    const url = `${gateway.url}/hooks/stripe`;
    const big = stripeEvent("customer.subscription.deleted", "cus_keep", 2000);
    const cases: [string, Promise<Post>, number, string][] = [
      ["unsigned", post(url, payload, {}), 401, "missing_signature"],
      ["wrong secret", post(url, payload, { "Stripe-Signature": signed(payload, "whsec_not_the_secret") }), 401, "bad_signature"],
      ["tampered body", post(url, payload.replace("cus_keep", "cus_keeq"), { "Stripe-Signature": valid }), 401, "bad_signature"],
      ["stale", post(url, payload, { "Stripe-Signature": signed(payload, SECRET, nowS() - 400) }), 401, "stale_signature"],
      ["no v1", post(url, payload, { "Stripe-Signature": `t=${nowS()}` }), 401, "malformed_signature"],
      ["oversized by Content-Length", post(`${gateway.url}/hooks/small`, big, { "Stripe-Signature": signed(big) }), 400, "payload_too_large"],
      ["oversized, chunked", post(`${gateway.url}/hooks/small`, big, { "Stripe-Signature": signed(big) }, true), 400, "payload_too_large"],
      ["signed, not JSON", post(url, "{oops", { "Stripe-Signature": signed("{oops") }), 400, "malformed"],
    ];
    for (const [name, reply, status, error] of cases) {
      const got = await reply;
      expect({ name, status: got.status, error: got.body["error"] }).toEqual({ name, status, error });
    }
    // Still the cached premium answer: nothing was dropped, the service was not asked.
    expect(await reports("cus_keep")).toBe(200);
    expect(service.calls.get("cus_keep")).toBe(calls);
    const lines = gateway.errorLog().split("\n").filter((l) => l.includes("webhook (stripe) refused"));
    expect(lines).toHaveLength(1);

    // A replay of an accepted event: refused, and the answer fetched after it stays.
    const first = await post(url, payload, { "Stripe-Signature": valid });
    expect(first.status).toBe(200);
    expect(await reports("cus_keep")).toBe(402);
    service.answers.set("cus_keep", { plan: "premium", status: "active" });
    const replay = await post(url, payload, { "Stripe-Signature": valid });
    expect(replay).toMatchObject({ status: 400, body: { error: "replayed" } });
    expect(await reports("cus_keep")).toBe(402);
  });

  it("OpenMeter: a granted feature passes, a metered one without balance is 402, a missing boolean one 403", async () => {
    openmeter.values.set("om_ok/api_calls", { hasAccess: true, balance: 40, usage: 60, overage: 0 });
    openmeter.values.set("om_spent/api_calls", { hasAccess: false, balance: 0, usage: 100, overage: 0 });
    openmeter.values.set("om_missing/reports", { hasAccess: false });
    expect((await request(`${gateway.url}/metered/x`, { headers: { apikey: "k-om_ok" } })).status).toBe(200);
    const spent = await request(`${gateway.url}/metered/x`, { headers: { apikey: "k-om_spent" } });
    expect(spent.status).toBe(402);
    expect(spent.body).toMatchObject({ error: "payment_required", feature: "api_calls" });
    const missing = await request(`${gateway.url}/om-reports/x`, { headers: { apikey: "k-om_missing" } });
    expect(missing.status).toBe(403);
    expect(missing.body).toMatchObject({ error: "not_entitled", feature: "reports" });
    expect(openmeter.calls).toContain("/api/v1/subjects/om_spent/entitlements/api_calls/value");
    expect(openmeter.authHeaders).toContain("Bearer om-token");
  });
});
