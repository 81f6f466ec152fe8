/**
 * Organization quotas and overage in tier-limit on Kong's JS plugin server (npm
 * kong-pdk), playing Kong's side of its RPC as kong-js-pluginserver.test.ts does: the
 * members of one organization (tag group:acme) share a soft limit, overage requests are
 * marked for the client, the upstream and kafka-usage (kong.ctx.shared tollgate_overage),
 * and the request past max_overage is the 429.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startPluginServer, type PdkCall, type PluginServer } from "./kong-js-rpc.ts";
import { hostsOnly, roomInThisMinute } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

interface Seen {
  calls: PdkCall[];
  upstream: Record<string, string | null>;
  response: Record<string, string>;
  exit?: number;
}

onHosts("tier-limit plans on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  beforeAll(async () => {
    server = await startPluginServer("tlp");
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function access(instance: number, member: string): Promise<Seen> {
    const seen: Seen = { calls: [], upstream: {}, response: {} };
    await server!.rpc.runPhase(instance, "access", (call) => {
      seen.calls.push(call);
      switch (call.Method) {
        case "kong.request.get_method":
          return "GET";
        case "kong.client.get_consumer":
          return { id: `id-${member}`, username: member, tags: ["tier:pro", "group:acme"] };
        case "kong.service.request.clear_header":
          seen.upstream[String(call.Args[0])] = null;
          return null;
        case "kong.service.request.set_header":
          seen.upstream[String(call.Args[0])] = String(call.Args[1]);
          return null;
        case "kong.response.set_headers":
          Object.assign(seen.response, call.Args[0]);
          return null;
        case "kong.response.exit":
          seen.exit = call.Args[0] as number;
          return null;
        default:
          return null;
      }
    }, 20);
    return seen;
  }

  it("members share the organization's soft limit; overage is marked; past max_overage 429", async () => {
    const config = { algorithm: "fixed", limit_by: "group", tiers: { pro: { limits: { GET: { minute: 2 } }, overage: ["minute"], max_overage: { minute: 1 } } } };
    const { Id } = (await server!.rpc.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as { Id: number };
    await roomInThisMinute(5);
    const [a, b, c, d] = [await access(Id, "alice"), await access(Id, "bob"), await access(Id, "alice"), await access(Id, "bob")];
    expect([a.exit, b.exit, c.exit, d.exit]).toEqual([undefined, undefined, undefined, 429]);
    // Within the limit: the client's copy of the overage header is cleared, none is set.
    expect(a.upstream["X-API-Overage"]).toBeNull();
    expect(b.response["X-RateLimit-Remaining-Minute"]).toBe("0");
    expect(b.response["X-RateLimit-Overage-Minute"]).toBeUndefined();
    // The third request of the organization is one over.
    expect(c.response["X-RateLimit-Overage-Minute"]).toBe("1");
    expect(c.upstream["X-API-Overage"]).toBe("minute");
    expect(c.calls).toContainEqual({ Method: "kong.ctx.shared.set", Args: ["tollgate_overage", "minute"] });
    expect(d.calls.some((call) => call.Method === "kong.ctx.shared.set" && call.Args[0] === "tollgate_overage")).toBe(false);
  });
});
