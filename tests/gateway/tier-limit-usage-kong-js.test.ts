/**
 * tier-limit's usage_path under Kong's JS plugin server (npm kong-pdk), driven over the
 * plugin server's msgpack-RPC socket the way Kong drives it: each caller is answered its
 * own usage, from the process's counters (policy local) and from a real Redis. kong-pdk
 * has no Admin API counterpart (a JS plugin cannot add Admin API routes).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startRedis, type RedisServer } from "../runtime/redis.ts";
import { hostsOnly } from "./harness.ts";
import { startPluginServer, type PdkCall, type PluginServer, type Rpc } from "./kong-js-rpc.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

interface Seen {
  exit?: { status: number; body: Record<string, unknown>; headers: Record<string, string> };
  responseHeaders: Record<string, string>;
}

/** One access phase of `tier`'s consumer on `path`, answering the PDK calls as Kong would. */
async function access(rpc: Rpc, instance: number, tier: string, path: string): Promise<Seen> {
  const seen: Seen = { responseHeaders: {} };
  await rpc.runPhase(
    instance,
    "access",
    (call: PdkCall) => {
      switch (call.Method) {
        case "kong.request.get_method":
          return "GET";
        case "kong.request.get_path":
          return path;
        case "kong.client.get_consumer":
          return { id: `id-${tier}`, username: `user-${tier}`, tags: [`tier:${tier}`] };
        case "kong.response.set_headers":
          Object.assign(seen.responseHeaders, call.Args[0]);
          return null;
        case "kong.response.exit":
          seen.exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown>, headers: call.Args[2] as Record<string, string> };
          return null;
        default:
          return null;
      }
    },
    20,
  );
  return seen;
}

onHosts("tier-limit usage_path on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  let redis: RedisServer;
  beforeAll(async () => {
    [server, redis] = await Promise.all([startPluginServer("tlu"), startRedis()]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), redis?.stop()]);
  });

  for (const policy of ["local", "redis"] as const) {
    it(`policy ${policy}: each caller gets its own numbers, equal to its last request's headers, and is not counted`, async () => {
      const config: Record<string, unknown> = {
        algorithm: "fixed",
        usage_path: "/v1/usage",
        tiers: { free: { limits: { GET: { month: 20 } } }, premium: { limits: { GET: { month: 1000 } } } },
      };
      if (policy === "redis") Object.assign(config, { policy, redis: { host: redis.host, port: redis.port, timeout_ms: 5000 } });
      const { Id } = (await server!.rpc.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as { Id: number };
      let last: Seen | undefined;
      for (let i = 0; i < 3; i++) last = await access(server!.rpc, Id, "free", "/v1/things");
      await access(server!.rpc, Id, "premium", "/v1/things");
      for (const [tier, used, limit] of [["free", 3, 20], ["premium", 1, 1000]] as const) {
        const own = await access(server!.rpc, Id, tier, "/v1/usage");
        expect(own.exit?.status).toBe(200);
        expect(own.exit?.headers).toMatchObject({ "Cache-Control": "no-store" });
        expect(Object.keys(own.exit!.body).sort()).toEqual(["policy", "tier", "windows"]);
        expect(own.exit?.body).toMatchObject({ tier, policy, windows: [{ method: "GET", window: "month", limit, used, remaining: limit - used }] });
      }
      const again = await access(server!.rpc, Id, "free", "/v1/usage");
      const month = (again.exit?.body["windows"] as { remaining: number }[])[0]!;
      expect(`${month.remaining}`).toBe(last!.responseHeaders["X-RateLimit-Remaining-Month"]);
    });
  }
});
