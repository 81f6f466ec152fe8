/**
 * tier-limit under Kong's JS plugin server (npm kong-pdk), driven over the plugin
 * server's real socket protocol: msgpack-RPC on a unix socket, the way Kong talks to
 * it (StartInstance, HandleEvent, then one Step per PDK call the plugin makes).
 * This test plays Kong's side; the plugin server and the plugin are the real ones
 * from lua-out/kong-js/.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { redisCli, startRedis } from "../runtime/redis.ts";
import { createTestPki } from "../runtime/tls.ts";
import { PLUGINS_DIR, SERVER_BIN, startPluginServer, type PdkCall, type PluginServer, type Rpc } from "./kong-js-rpc.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("plays Kong's side of the kong-pdk plugin server's RPC itself; starts no gateway");

/** What Kong would know about the request, and what the plugin asked Kong to do. */
interface FakeRequest {
  method: string;
  consumer: { id: string; username: string; tags: string[] } | null;
  calls: PdkCall[];
  exit?: { status: number; body: Record<string, unknown>; headers: Record<string, string> };
  upstreamHeaders: Map<string, string | null>;
  responseHeaders: Record<string, string>;
}

/** Kong's answer to one PDK call, for the fake request. */
function answer(request: FakeRequest, call: PdkCall): unknown {
  request.calls.push(call);
  switch (call.Method) {
    case "kong.request.get_method":
      return request.method;
    case "kong.client.get_consumer":
      return request.consumer;
    case "kong.service.request.clear_header":
      request.upstreamHeaders.set(String(call.Args[0]), null);
      return null;
    case "kong.service.request.set_header":
      request.upstreamHeaders.set(String(call.Args[0]), String(call.Args[1]));
      return null;
    case "kong.response.set_headers":
      Object.assign(request.responseHeaders, call.Args[0]);
      return null;
    case "kong.response.exit":
      request.exit = {
        status: call.Args[0] as number,
        body: call.Args[1] as Record<string, unknown>,
        headers: call.Args[2] as Record<string, string>,
      };
      return null;
    default:
      return null;
  }
}

/** Runs one access phase of an instance, answering as Kong would for `request`. */
async function runAccess(client: Rpc, instanceId: number, request: FakeRequest): Promise<FakeRequest> {
  // kong.response.exit never returns to the plugin; Kong still steps the event to its end
  // (answer() gives it nil), which runPhase does.
  await client.runPhase(instanceId, "access", (call) => answer(request, call), 20);
  return request;
}

function freshRequest(method: string, tier: string): FakeRequest {
  return {
    method,
    consumer: { id: `id-${tier}`, username: `user-${tier}`, tags: [`tier:${tier}`] },
    calls: [],
    upstreamHeaders: new Map(),
    responseHeaders: {},
  };
}

onHosts("tier-limit on Kong's JS plugin server (kong-pdk)", () => {
  let server: PluginServer | undefined;
  let client: Rpc;

  beforeAll(async () => {
    server = await startPluginServer("tl");
    client = server.rpc;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("--dump-all-plugins lists the four plugins, and tier-limit with its priority, phases and schema", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugins = JSON.parse(dump.stdout) as {
      Name: string;
      Priority: number;
      Phases: string[];
      Schema: { fields: { config: { fields: Record<string, { type: string; required?: boolean }>[] } }[] };
    }[];
    // Every plugin with a plugins/<name>/kong-js.ts is in the bundle directory.
    expect(plugins.map((p) => p.Name).sort()).toEqual(["entitlement-check", "feature-toggle", "kafka-usage", "tier-limit"]);
    const tierLimit = plugins.find((p) => p.Name === "tier-limit");
    expect(tierLimit).toBeDefined();
    expect(tierLimit!.Priority).toBe(912);
    expect(tierLimit!.Phases).toEqual(["access"]);
    const fields = Object.assign({}, ...tierLimit!.Schema.fields[0]!.config.fields) as Record<string, { type: string; required?: boolean }>;
    expect(fields["tiers"]).toMatchObject({ type: "map", required: true });
    expect(fields["policy"]).toMatchObject({ type: "string" });
  });

  it("admits a free consumer up to its limit, then answers 429 with Retry-After; premium still passes", async () => {
    const config = {
      algorithm: "fixed",
      tiers: {
        free: { limits: { GET: { minute: 2 } } },
        premium: { limits: { GET: { minute: 100 } } },
      },
    };
    const started = (await client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as {
      Id: number;
    };

    for (let i = 0; i < 2; i++) {
      const ok = await runAccess(client, started.Id, freshRequest("GET", "free"));
      expect(ok.exit).toBeUndefined();
      // The client-sent copy is cleared before the resolved tier is set.
      const methods = ok.calls.map((c) => c.Method);
      expect(methods.indexOf("kong.service.request.clear_header")).toBeLessThan(
        methods.indexOf("kong.service.request.set_header"),
      );
      expect(ok.upstreamHeaders.get("X-API-Tier")).toBe("free");
      expect(ok.responseHeaders["X-RateLimit-Remaining-Minute"]).toBe(String(1 - i));
    }

    const limited = await runAccess(client, started.Id, freshRequest("GET", "free"));
    expect(limited.exit?.status).toBe(429);
    expect(limited.exit?.body).toMatchObject({ error: "rate_limited", tier: "free", window: "minute", limit: 2 });
    expect(Number(limited.exit?.headers["Retry-After"])).toBeGreaterThan(0);
    expect(Number(limited.exit?.headers["Retry-After"])).toBeLessThanOrEqual(60);

    const premium = await runAccess(client, started.Id, freshRequest("GET", "premium"));
    expect(premium.exit).toBeUndefined();
    expect(premium.upstreamHeaders.get("X-API-Tier")).toBe("premium");
    // The tier is kept for the request's usage event (kafka-usage reads it in the log phase).
    expect(premium.calls).toContainEqual({ Method: "kong.ctx.shared.set", Args: ["tollgate_tier", "premium"] });
    expect(limited.calls).toContainEqual({ Method: "kong.ctx.shared.set", Args: ["tollgate_tier", "free"] });
  });

  it("policy redis: counts in a real Redis through ioredis; with Redis down, strict mode answers 503", async () => {
    const redis = await startRedis();
    try {
      const config = {
        algorithm: "fixed",
        policy: "redis",
        fault_tolerant: false,
        redis: { host: redis.host, port: redis.port },
        tiers: { free: { limits: { GET: { minute: 2 } } } },
      };
      const started = (await client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as {
        Id: number;
      };
      const statuses: (number | undefined)[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await runAccess(client, started.Id, freshRequest("GET", "free"))).exit?.status);
      expect(statuses).toEqual([undefined, undefined, 429]);
      const keys = await import("../runtime/redis.ts").then((m) => m.redisCli(redis, "--scan", "--pattern", "tl:*"));
      expect(keys).toMatch(/^tl:\{global:c:id-free\}:free:GET:minute:\d+$/m);

      await redis.stop();
      const down = await runAccess(client, started.Id, freshRequest("GET", "free"));
      expect(down.exit?.status).toBe(503);
      expect(down.exit?.body).toMatchObject({ error: "rate_limit_unavailable" });
      // redis.timeout_ms (default 1000) in whole seconds.
      expect(down.exit?.headers["Retry-After"]).toBe("1");
    } finally {
      await redis.stop();
    }
  });

  it("a monthly quota on the consumer's billing anchor, on a zone read from /usr/share/zoneinfo with fs", async () => {
    const config = {
      algorithm: "fixed",
      timezone: "Australia/Lord_Howe",
      anchor_sources: ["consumer"],
      tiers: { free: { limits: { GET: { month: 1 } } } },
    };
    const started = (await client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as { Id: number };
    // An anchor an hour from now: the period holding now runs back from it, and ends at it.
    const anchorAt = Math.floor(Date.now() / 1000) + 3600;
    const anchored = (): FakeRequest => {
      const request = freshRequest("GET", "free");
      request.consumer!.tags.push(`billing_anchor:${new Date(anchorAt * 1000).toISOString()}`);
      return request;
    };
    expect((await runAccess(client, started.Id, anchored())).exit).toBeUndefined();
    const limited = await runAccess(client, started.Id, anchored());
    expect(limited.exit?.status).toBe(429);
    expect(limited.exit?.body).toMatchObject({ window: "month", limit: 1 });
    const wait = Number(limited.exit?.headers["Retry-After"]);
    expect(Math.abs(wait - (anchorAt - Date.now() / 1000))).toBeLessThanOrEqual(2);

    await expect(
      client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify({ ...config, timezone: "Europe/Atlantis" }) }),
    ).rejects.toThrow("config.timezone: unknown time zone 'Europe/Atlantis'");
  });

  it("rejects an invalid config when Kong starts the instance, naming the field", async () => {
    const bad = { tiers: { free: { limits: { GET: { minute: -5 } } } } };
    await expect(
      client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(bad) }),
    ).rejects.toThrow("config.tiers.free.limits.GET.minute: must be at least 0");
  });

  it("refuses cost_from (header or body) when Kong starts the instance, saying kong-pdk has no filter phases", async () => {
    for (const costFrom of [{ json_field: "usage.total_tokens" }, { header: "X-Usage-Units" }]) {
      const conf = { tiers: { free: { limits: { "*": { minute: 5 } } } }, cost_from: costFrom };
      await expect(client.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(conf) })).rejects.toThrow(
        "cost_from: not available on Kong's JS plugin server (kong-pdk has no header_filter / body_filter phase",
      );
    }
  });
});

onHosts("tier-limit on Kong's JS plugin server with Redis over TLS", () => {
  it("counts in a Redis on a tls-port whose certificate Node trusts (NODE_EXTRA_CA_CERTS), with a client certificate where Redis asks for one; an untrusted one answers 503 as configured", async () => {
    const pki = createTestPki();
    const trusted = await startRedis({ tls: pki.server });
    const rogue = await startRedis({ tls: pki.untrusted });
    const mutual = await startRedis({ tls: pki.server, clientCa: { caFile: pki.caFile, cliCertificate: pki.server } });
    const server = await startPluginServer("tl-tls", { NODE_EXTRA_CA_CERTS: pki.caFile });
    try {
      const start = async (port: number, extra: Record<string, string> = {}): Promise<number> => {
        const config = {
          algorithm: "fixed",
          policy: "redis",
          fault_tolerant: false,
          redis: { host: "127.0.0.1", port, ssl: true, server_name: "localhost", timeout_ms: 1000, ...extra },
          tiers: { free: { limits: { GET: { minute: 2 } } } },
        };
        return ((await server.rpc.call("plugin.StartInstance", { Name: "tier-limit", Config: JSON.stringify(config) })) as { Id: number }).Id;
      };
      const verified = await start(trusted.port);
      const statuses: (number | undefined)[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await runAccess(server.rpc, verified, freshRequest("GET", "free"))).exit?.status);
      expect(statuses).toEqual([undefined, undefined, 429]);
      expect(await redisCli(trusted, "--scan", "--pattern", "tl:*")).toMatch(/^tl:\{global:c:id-free\}:free:GET:minute:\d+$/m);

      const untrusted = await runAccess(server.rpc, await start(rogue.port), freshRequest("GET", "free"));
      expect(untrusted.exit?.status).toBe(503);
      expect(untrusted.exit?.body).toMatchObject({ error: "rate_limit_unavailable" });

      // A Redis that asks for a client certificate: counts with one, 503 without.
      const withCert = await start(mutual.port, { client_cert: pki.server.cert, client_key: pki.server.key });
      const mutualStatuses: (number | undefined)[] = [];
      for (let i = 0; i < 3; i++) mutualStatuses.push((await runAccess(server.rpc, withCert, freshRequest("GET", "free"))).exit?.status);
      expect(mutualStatuses).toEqual([undefined, undefined, 429]);
      expect((await runAccess(server.rpc, await start(mutual.port), freshRequest("GET", "free"))).exit?.status).toBe(503);
    } finally {
      await server.stop();
      await mutual.stop();
      await rogue.stop();
      await trusted.stop();
      pki.remove();
    }
  });
});
