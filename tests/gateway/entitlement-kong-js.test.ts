/**
 * entitlement-check under Kong's JS plugin server (npm kong-pdk), driven over the
 * plugin server's msgpack-RPC socket the way Kong drives it, against the real HTTP
 * entitlement service of tests/runtime/entitlement-service.ts.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { createTestPki, type TestPki } from "../runtime/tls.ts";
import { PLUGINS_DIR, SERVER_BIN, startPluginServer, type PluginServer, type Rpc } from "./kong-js-rpc.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

interface Outcome {
  exit?: { status: number; body: Record<string, unknown> };
  upstream: Record<string, string | null>;
}

/** One access phase for a consumer, answering the plugin's PDK calls as Kong would. */
async function access(rpc: Rpc, instance: number, consumer: { id: string; username: string; tags: string[] }): Promise<Outcome> {
  const outcome: Outcome = { upstream: {} };
  await rpc.runPhase(instance, "access", (call) => {
    switch (call.Method) {
      case "kong.request.get_method":
        return "GET";
      case "kong.client.get_consumer":
        return consumer;
      case "kong.service.request.clear_header":
        outcome.upstream[String(call.Args[0])] = null;
        break;
      case "kong.service.request.set_header":
        outcome.upstream[String(call.Args[0])] = String(call.Args[1]);
        break;
      case "kong.response.exit":
        outcome.exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown> };
        break;
    }
    return undefined;
  });
  return outcome;
}

onHosts("entitlement-check on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  let rpc: Rpc;
  let service: EntitlementService;

  beforeAll(async () => {
    service = await startEntitlementService();
    service.answers.set("remote_premium", { plan: "premium", status: "active" });
    service.answers.set("remote_canceled", { plan: "premium", status: "canceled" });
    server = await startPluginServer("ec");
    rpc = server.rpc;
  });

  afterAll(async () => {
    await server?.stop();
    await service?.stop();
  });

  it("--dump-all-plugins lists entitlement-check with its priority and schema", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugins = JSON.parse(dump.stdout) as { Name: string; Priority: number; Phases: string[]; Schema: unknown }[];
    const plugin = plugins.find((p) => p.Name === "entitlement-check");
    expect(plugin).toBeDefined();
    expect(plugin!.Priority).toBe(905);
    expect(plugin!.Phases).toEqual(["access"]);
    expect(JSON.stringify(plugin!.Schema)).toContain('"plans"');
  });

  it("gives the same answers as the Lua plugin: pass with headers, 403 and 402 JSON; the service is asked once per subject", async () => {
    const config = {
      plans: { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } },
      subscription_sources: ["consumer", "service"],
      service: { url: service.url, timeout_ms: 300 },
      required_features: ["reports"],
      upgrade_url: "https://billing.example.com/upgrade",
    };
    const started = (await rpc.call("plugin.StartInstance", { Name: "entitlement-check", Config: JSON.stringify(config) })) as { Id: number };

    for (let i = 0; i < 3; i++) {
      const premium = await access(rpc, started.Id, { id: "c1", username: "remote_premium", tags: [] });
      expect(premium.exit).toBeUndefined();
      expect(premium.upstream["X-Plan"]).toBe("premium");
      expect(premium.upstream["X-Entitlements"]).toBe("basic,reports");
    }
    expect(service.calls.get("remote_premium")).toBe(1);

    const free = await access(rpc, started.Id, { id: "c2", username: "free_user", tags: ["plan:free"] });
    expect(free.exit).toEqual({
      status: 403,
      body: {
        error: "not_entitled",
        message: "Your plan does not include the feature 'reports'",
        feature: "reports",
        plan: "free",
        required_plans: ["premium"],
        upgrade_url: "https://billing.example.com/upgrade",
      },
    });

    const canceled = await access(rpc, started.Id, { id: "c3", username: "remote_canceled", tags: [] });
    expect(canceled.exit?.status).toBe(402);
    expect(canceled.exit?.body).toMatchObject({ error: "payment_required", status: "canceled", plan: "premium" });
  });
});

onHosts("entitlement-check on Kong's JS plugin server, with an https:// entitlement service", () => {
  let pki: TestPki;
  let trusted: EntitlementService;
  let rogue: EntitlementService;
  let mutual: EntitlementService;
  let server: PluginServer | undefined;

  beforeAll(async () => {
    pki = createTestPki();
    trusted = await startEntitlementService("/entitlements", pki.server);
    rogue = await startEntitlementService("/entitlements", pki.untrusted);
    mutual = await startEntitlementService("/entitlements", pki.server, pki.caFile);
    for (const service of [trusted, rogue, mutual]) service.answers.set("remote_premium", { plan: "premium", status: "active" });
    // How an operator makes the plugin server trust a private CA: Node reads it at start-up.
    server = await startPluginServer("ec-tls", { NODE_EXTRA_CA_CERTS: pki.caFile });
  });

  afterAll(async () => {
    await server?.stop();
    await mutual?.stop();
    await rogue?.stop();
    await trusted?.stop();
    pki?.remove();
  });

  async function decide(url: string, tls: Record<string, unknown>): Promise<Outcome> {
    const config = { plans: { premium: { features: ["reports"] } }, subscription_sources: ["service"], service: { url, timeout_ms: 1000, ...tls }, required_features: ["reports"] };
    const started = (await server!.rpc.call("plugin.StartInstance", { Name: "entitlement-check", Config: JSON.stringify(config) })) as { Id: number };
    return access(server!.rpc, started.Id, { id: "c1", username: "remote_premium", tags: [] });
  }

  it("asks a service whose certificate is trusted and names server_name; refuses one that is not (503), unless ssl_verify is off", async () => {
    const verified = await decide(trusted.url, { server_name: "localhost" });
    expect(verified.exit).toBeUndefined();
    expect(verified.upstream["X-Plan"]).toBe("premium");
    expect(trusted.calls.get("remote_premium")).toBe(1);

    const wrongName = await decide(trusted.url, { server_name: "billing.example.com" });
    expect(wrongName.exit?.status).toBe(503);
    const untrusted = await decide(rogue.url, { server_name: "localhost" });
    expect(untrusted.exit?.status).toBe(503);
    expect(untrusted.exit?.body).toMatchObject({ error: "entitlement_unavailable" });
    expect(trusted.calls.get("remote_premium")).toBe(1);
    expect(rogue.totalCalls()).toBe(0);

    const unverified = await decide(rogue.url, { ssl_verify: false });
    expect(unverified.exit).toBeUndefined();
    expect(rogue.calls.get("remote_premium")).toBe(1);

    // A service that requires a client certificate: answered with one, 503 without.
    expect((await decide(mutual.url, { server_name: "localhost" })).exit?.status).toBe(503);
    const withCert = await decide(mutual.url, { server_name: "localhost", client_cert: pki.server.cert, client_key: pki.server.key });
    expect(withCert.exit).toBeUndefined();
    expect(mutual.calls.get("remote_premium")).toBe(1);
  });
});
