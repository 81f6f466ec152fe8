/**
 * feature-toggle under Kong's JS plugin server (npm kong-pdk): the real plugin
 * server loads lua-out/kong-js/feature-toggle.cjs, and this test plays Kong's side of
 * the msgpack-RPC socket protocol (StartInstance, HandleEvent, one Step per PDK call).
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { normalizedValue } from "../../plugins/feature-toggle/murmur3.ts";
import { startUnleash } from "../runtime/unleash.ts";
import { PLUGINS_DIR, SERVER_BIN, startPluginServer, type PluginServer, type Rpc } from "./kong-js-rpc.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

interface Seen {
  exit?: { status: number; body: Record<string, unknown> };
  upstream: Map<string, string | null>;
}

/** Plays one access phase for a consumer; returns what the plugin asked Kong to do. */
async function access(rpc: Rpc, instance: number, consumer: { id: string; username: string; tags: string[] }): Promise<Seen> {
  const seen: Seen = { upstream: new Map() };
  await rpc.runPhase(instance, "access", (call) => {
    if (call.Method === "kong.request.get_method") return "GET";
    if (call.Method === "kong.client.get_consumer") return consumer;
    if (call.Method === "kong.client.get_forwarded_ip") return "127.0.0.1";
    if (call.Method === "kong.service.request.clear_header") seen.upstream.set(String(call.Args[0]), null);
    if (call.Method === "kong.service.request.set_header") seen.upstream.set(String(call.Args[0]), String(call.Args[1]));
    if (call.Method === "kong.response.exit") seen.exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown> };
    return undefined;
  });
  return seen;
}

const CONFIG = {
  require: ["reports"],
  upgrade: "https://example.com/pricing",
  flags: [
    { name: "reports", strategies: [{ name: "tiers", parameters: { tiers: "premium" } }] },
    { name: "beta", strategies: [{ name: "flexibleRollout", parameters: { rollout: "50", groupId: "beta" } }] },
    { name: "staff", strategies: [{ name: "default", constraints: [{ contextName: "userId", operator: "REGEX", value: "(?i)^PREM" }] }] },
  ],
};

onHosts("feature-toggle on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  let rpc: Rpc;

  beforeAll(async () => {
    server = await startPluginServer("ft");
    rpc = server.rpc;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("--dump-all-plugins lists feature-toggle with priority 911 and its schema", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugins = JSON.parse(dump.stdout) as { Name: string; Priority: number; Phases: string[]; Schema: { fields: { config: { fields: object[] } }[] } };
    const plugin = (plugins as unknown as (typeof plugins)[]).find((p) => p.Name === "feature-toggle");
    expect(plugin?.Priority).toBe(911);
    expect(plugin?.Phases).toEqual(["access"]);
    const fields = Object.assign({}, ...plugin!.Schema.fields[0]!.config.fields) as Record<string, { type: string }>;
    expect(fields["flags"]).toMatchObject({ type: "array" });
  });

  it("refuses the premium-only feature to free with 403 JSON, forwards features for premium, same buckets as Lua", async () => {
    const started = (await rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(CONFIG) })) as { Id: number };
    const free = await access(rpc, started.Id, { id: "1", username: "free_user", tags: ["tier:free"] });
    expect(free.exit).toEqual({ status: 403, body: { error: "feature_not_enabled", feature: "reports", reason: "not_targeted", upgrade: "https://example.com/pricing" } });

    const premium = await access(rpc, started.Id, { id: "2", username: "premium_user", tags: ["tier:premium"] });
    expect(premium.exit).toBeUndefined();
    const inBeta = normalizedValue("premium_user", "beta", 100, 0) <= 50;
    expect(premium.upstream.get("X-Features")).toBe(inBeta ? "reports,beta,staff" : "reports,staff");
  });

  it("follows a flag toggled in a real Unleash server, and keeps it while Unleash is down", async () => {
    const unleash = await startUnleash();
    try {
      const flag = "kong-js-flag";
      await unleash.admin("POST", "/api/admin/projects/default/features", { name: flag });
      await unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/strategies`, { name: "default", constraints: [], parameters: {} });
      const conf = { require: [flag], unleash: { url: `${unleash.url}/api`, api_token: unleash.clientToken, poll_interval: 1 } };
      const started = (await rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(conf) })) as { Id: number };
      const consumer = { id: "2", username: "premium_user", tags: ["tier:premium"] };
      const statusWithin = async (status: number | undefined, seconds: number): Promise<boolean> => {
        const deadline = Date.now() + seconds * 1000;
        while (Date.now() < deadline) {
          if ((await access(rpc, started.Id, consumer)).exit?.status === status) return true;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return false;
      };
      // Before the first answer the flag is unknown (403 not_found), then known and off (403 disabled).
      await expect.poll(async () => (await access(rpc, started.Id, consumer)).exit?.body["reason"], { timeout: 10_000 }).toBe("disabled");
      await unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/on`);
      expect(await statusWithin(undefined, 5)).toBe(true);
      await unleash.stopServer();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await access(rpc, started.Id, consumer)).exit).toBeUndefined();
    } finally {
      await unleash.stop();
    }
  }, 120_000);

  it("refuses an invalid config when Kong starts the instance, naming the field", async () => {
    const bad = { require: ["missing"], flags: [] };
    await expect(rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(bad) })).rejects.toThrow(
      "config.require.1: 'missing' is not one of the configured flags",
    );
  });
});
