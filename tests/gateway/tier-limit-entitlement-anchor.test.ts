/**
 * tier-limit's anchor source entitlement through real nginx (2 workers) on both hosts,
 * with entitlement-check on the same route: the billing period entitlement-check
 * records is the monthly quota's window.
 *   - The entitlement service answers current_period_start / current_period_end (a
 *     20-day period, not a whole month, ending seconds into the test): the quota is
 *     full until that end and admits from it (the next period renews there).
 *   - A signed Stripe customer.subscription.updated (items' period, API 2025-03-31.basil
 *     and later) moves a full subscriber's period to now: counting restarts at once.
 * tier-limit runs before entitlement-check, so a subscriber's very first request on
 * a node has no period yet and counts on the next source (here the calendar): the
 * first case sends one warm-up request, then waits past PERIOD_RECHECK_S; in the
 * second, a webhook records the period before the subscriber's first request.
 */
import { request as httpRequest } from "node:http";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { describeGateway, HOSTS, request, startGateway, type HostKind, type Reply, type RunningGateway } from "./harness.ts";

const SECRET = "whsec_anchor_test_secret_0001";
const QUOTA = 3;
const DAY = 86400;
/** Seconds from the start of the first case to its period's end. */
const LEAD_SECONDS = 10;
const CONSUMERS = ["sub_svc", "cus_hook"];
const stripe = new Stripe("sk_test_unused");

const nowS = (): number => Math.floor(Date.now() / 1000);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function gatewayConfig(host: HostKind, service: EntitlementService): Record<string, unknown> {
  const limit = { algorithm: "fixed", fault_tolerant: false, anchor_sources: ["entitlement"], tiers: { free: { limits: { GET: { second: 1000, month: QUOTA } } } } };
  // Answers kept for an hour: only the service's first answer and webhooks set periods.
  const entitlement = { plans: { free: { features: [] } }, subscription_sources: ["service"], service: { url: service.url }, cache: { ttl: 3600, negative_ttl: 3600, stale_ttl: 0 } };
  const hook = { ...entitlement, webhook: { provider: "stripe", secret: SECRET } };
  if (host === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: [
            { name: "api", paths: ["/api"], plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }, { name: "tier-limit", config: limit }, { name: "entitlement-check", config: entitlement }] },
            { name: "hook", paths: ["/hooks/stripe"], plugins: [{ name: "entitlement-check", config: hook }] },
          ],
        },
      ],
      consumers: CONSUMERS.map((name) => ({ username: name, tags: ["tier:free"], keyauth_credentials: [{ key: `k-${name}` }] })),
    };
  }
  return {
    routes: [
      { id: "api", uri: "/api*", upstream_id: "up", plugins: { "key-auth": {}, "tier-limit": limit, "entitlement-check": entitlement } },
      { id: "hook", uri: "/hooks/stripe*", upstream_id: "up", plugins: { "entitlement-check": hook } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: CONSUMERS.map((name) => ({ username: name, labels: { tier: "free" }, plugins: { "key-auth": { key: `k-${name}` } } })),
  };
}

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let seq = 0;
/** A customer.subscription.* event as API versions since 2025-03-31.basil send it: the period on the items. */
function subscriptionEvent(type: string, customer: string, start: number, end: number): string {
  const items = { object: "list", data: [{ id: "si_1", object: "subscription_item", current_period_start: start, current_period_end: end }] };
  const object = { id: "sub_1", object: "subscription", customer, status: "active", items };
  return JSON.stringify({ id: `evt_${process.pid}_${++seq}`, object: "event", api_version: "2025-08-27.basil", type, created: nowS(), livemode: false, data: { object } });
}

let upstream: EchoUpstream;
let service: EntitlementService;
beforeAll(async () => {
  [upstream, service] = await Promise.all([startEchoUpstream(), startEntitlementService()]);
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), service?.stop()]);
});

describeGateway.each(HOSTS)("monthly quota on the entitlement period, %s-shaped host with 2 workers", (host) => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(host, gatewayConfig(host, service), upstream.url, 2);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const get = (who: string): Promise<Reply> => request(`${gateway.url}/api/x`, { headers: { apikey: `k-${who}` } });

  /** One request so entitlement-check records the period, then past tier-limit's re-read interval (1 s). */
  async function warmUp(who: string): Promise<void> {
    expect((await get(who)).status).toBe(200);
    await sleep(1300);
  }

  async function fill(who: string): Promise<Reply> {
    for (let i = 0; i < QUOTA; i++) expect((await get(who)).status).toBe(200);
    const refused = await get(who);
    expect(refused.status).toBe(429);
    return refused;
  }

  it("the service's current_period_start..end is the window: full until its end, admitted from it", async () => {
    const end = nowS() + LEAD_SECONDS;
    service.answers.set("sub_svc", { plan: "free", status: "active", current_period_start: end - 20 * DAY, current_period_end: end });
    await warmUp("sub_svc");
    const refused = await fill("sub_svc");
    const refusedAt = Date.now() / 1000;
    // If this fails, the machine was too slow to fill the quota before the period's end (not a tier-limit fault).
    expect(refusedAt).toBeLessThan(end);
    // The window ends at the period's end (seconds away), not at a calendar month's.
    expect(Math.abs(Number(refused.headers.get("ratelimit-reset")) - (end - refusedAt))).toBeLessThanOrEqual(2);

    let admitted: Reply | undefined;
    let admittedAt = 0;
    const deadline = end + 30;
    while (Date.now() / 1000 < deadline) {
      const reply = await get("sub_svc");
      if (reply.status === 200) {
        admitted = reply;
        admittedAt = Date.now() / 1000;
        break;
      }
      expect(reply.status).toBe(429);
      await sleep(200);
    }
    expect(admitted?.status).toBe(200);
    expect(admittedAt).toBeGreaterThanOrEqual(end);
    // The next period renews at the end and runs a month: this request is its first.
    expect(admitted!.headers.get("x-ratelimit-remaining-month")).toBe(`${QUOTA - 1}`);
    expect(Number(admitted!.headers.get("ratelimit-reset"))).toBeGreaterThan(27 * DAY);
  });

  it("a signed customer.subscription.updated moves the period: counting restarts at the new anchor", async () => {
    // The service says nothing of periods for this customer: Stripe's webhooks do.
    service.answers.set("cus_hook", { plan: "free", status: "active" });
    const oldStart = nowS() - 10 * DAY;
    const created = subscriptionEvent("customer.subscription.created", "cus_hook", oldStart, oldStart + 30 * DAY);
    expect((await post(`${gateway.url}/hooks/stripe`, created, { "Stripe-Signature": stripe.webhooks.generateTestHeaderString({ payload: created, secret: SECRET }) })).status).toBe(200);
    // Recorded before this subscriber's first request: no warm-up, every request counts in it.
    const refused = await fill("cus_hook");
    // The old period has 20 days left.
    expect(Math.abs(Number(refused.headers.get("ratelimit-reset")) - 20 * DAY)).toBeLessThanOrEqual(5);

    // Upgrade mid-cycle: Stripe resets the billing cycle to now.
    const newStart = nowS();
    const updated = subscriptionEvent("customer.subscription.updated", "cus_hook", newStart, newStart + 30 * DAY);
    const answer = await post(`${gateway.url}/hooks/stripe`, updated, { "Stripe-Signature": stripe.webhooks.generateTestHeaderString({ payload: updated, secret: SECRET }) });
    expect(answer.status).toBe(200);

    // Each worker reads the period again within a second; poll with a deadline.
    let admitted: Reply | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const reply = await get("cus_hook");
      if (reply.status === 200) {
        admitted = reply;
        break;
      }
      expect(reply.status).toBe(429);
      await sleep(200);
    }
    expect(admitted?.status).toBe(200);
    expect(admitted!.headers.get("x-ratelimit-remaining-month")).toBe(`${QUOTA - 1}`);
    expect(Math.abs(Number(admitted!.headers.get("ratelimit-reset")) - 30 * DAY)).toBeLessThanOrEqual(20);
  });
});
