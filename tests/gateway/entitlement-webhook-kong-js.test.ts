/**
 * entitlement-check's webhook route under Kong's JS plugin server (npm kong-pdk),
 * driven over its msgpack-RPC socket as Kong drives it: a signed Stripe event on a
 * webhook instance drops the subject's answer in the other instances of the process;
 * a bad signature is refused and drops nothing; tollgate's contract sets an answer.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { startPluginServer, type PluginServer, type Rpc } from "./kong-js-rpc.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");
const SECRET = "whsec_kong_js_test_secret";
const stripe = new Stripe("sk_test_unused");

interface Exit {
  status: number;
  body: Record<string, unknown>;
}

/** One access phase: a request with `headers` and `body` (webhook) or from `consumer`. */
async function phase(rpc: Rpc, instance: number, req: { consumer?: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<Exit | undefined> {
  let exit: Exit | undefined;
  await rpc.runPhase(instance, "access", (call) => {
    switch (call.Method) {
      case "kong.request.get_method":
        return req.method ?? "GET";
      case "kong.request.get_header":
        return req.headers?.[String(call.Args[0]).toLowerCase()] ?? null;
      case "kong.request.get_raw_body":
        return req.body ?? null;
      case "kong.client.get_consumer":
        return req.consumer === undefined ? null : { id: `id-${req.consumer}`, username: req.consumer, tags: [] };
      case "kong.response.exit":
        exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown> };
        break;
    }
    return undefined;
  });
  return exit;
}

onHosts("entitlement-check webhooks on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  let rpc: Rpc;
  let service: EntitlementService;
  let protectedId: number;
  let stripeHook: number;
  let tollgateHook: number;

  beforeAll(async () => {
    service = await startEntitlementService();
    server = await startPluginServer("ec-webhook");
    rpc = server.rpc;
    const base = { plans: { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } }, subscription_sources: ["service"], service: { url: service.url }, cache: { ttl: 3600 } };
    const start = async (config: unknown) => ((await rpc.call("plugin.StartInstance", { Name: "entitlement-check", Config: JSON.stringify(config) })) as { Id: number }).Id;
    protectedId = await start({ ...base, required_features: ["reports"] });
    stripeHook = await start({ ...base, webhook: { provider: "stripe", secret: SECRET } });
    tollgateHook = await start({ ...base, webhook: { provider: "tollgate", secret: SECRET } });
  });

  afterAll(async () => {
    await server?.stop();
    await service?.stop();
  });

  const t = () => Math.floor(Date.now() / 1000);
  const event = (id: string, customer: string) =>
    JSON.stringify({ id, object: "event", type: "customer.subscription.updated", data: { object: { id: "sub_1", object: "subscription", customer, status: "active" } } });

  it("a signed Stripe event makes the next request see the upgrade; a bad signature changes nothing", async () => {
    service.answers.set("cus_up", { plan: "free", status: "active" });
    expect((await phase(rpc, protectedId, { consumer: "cus_up" }))?.status).toBe(403);
    service.answers.set("cus_up", { plan: "premium", status: "active" });

    const payload = event("evt_kjs_1", "cus_up");
    const bad = await phase(rpc, stripeHook, {
      method: "POST",
      headers: { "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_wrong_secret", timestamp: t() }) },
      body: payload,
    });
    expect(bad).toMatchObject({ status: 401, body: { error: "bad_signature" } });
    expect((await phase(rpc, protectedId, { consumer: "cus_up" }))?.status).toBe(403);

    const ok = await phase(rpc, stripeHook, {
      method: "POST",
      headers: { "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: t() }), "content-length": String(payload.length) },
      body: payload,
    });
    expect(ok).toMatchObject({ status: 200, body: { received: true, action: "dropped" } });
    expect(await phase(rpc, protectedId, { consumer: "cus_up" })).toBeUndefined();

    const replay = await phase(rpc, stripeHook, {
      method: "POST",
      headers: { "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: t() }) },
      body: payload,
    });
    expect(replay).toMatchObject({ status: 400, body: { error: "replayed" } });
  });

  it("tollgate's contract sets the answer in the instances asking the same service", async () => {
    service.answers.set("cus_set", { plan: "premium", status: "active" });
    expect(await phase(rpc, protectedId, { consumer: "cus_set" })).toBeUndefined();
    const payload = JSON.stringify({ id: "tg-kjs-1", subjects: ["cus_set"], answer: { plan: "premium", status: "canceled" } });
    const hook = await phase(rpc, tollgateHook, {
      method: "POST",
      headers: { "tollgate-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: t() }) },
      body: payload,
    });
    expect(hook).toMatchObject({ status: 200, body: { action: "set" } });
    const calls = service.calls.get("cus_set");
    expect((await phase(rpc, protectedId, { consumer: "cus_set" }))?.status).toBe(402);
    expect(service.calls.get("cus_set")).toBe(calls);
  });
});
