/**
 * Smoke test of the Kong-shaped test host (tests/runtime/kong-host.ts) with
 * throw-away stub plugins written into a temp dir -- never into lua-out/.
 *
 * The stubs are plain Kong plugins: `kong/plugins/<name>/handler.lua` and
 * `schema.lua`. Each appends "<name>:<tag>:<consumer>" to a trace kept in
 * kong.ctx.shared and forwards it upstream in X-Trace, so the echo upstream
 * shows in which order (and with which config) the plugins ran.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoReport, type EchoUpstream } from "./echo-upstream.ts";
import { startKongHost, type DeclarativeConfig, type KongHost } from "./kong-host.ts";
import { NginxStartError } from "./nginx.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the Kong-shaped test host itself (its options, stub plugins, error log, worker processes)");

const STUB_SCHEMA = `
local typedefs = require("kong.db.schema.typedefs")
return {
  name = "%NAME%",
  fields = {
    { consumer = { type = "foreign", reference = "consumers" } },
    { protocols = typedefs.protocols_http },
    { config = {
        type = "record",
        fields = {
          { tag = { type = "string", required = true } },
          { set_upstream = { type = "map", keys = { type = "string" }, values = { type = "string" } } },
          { clear_upstream = { type = "array", elements = typedefs.header_name, default = {} } },
          { deny_status = { type = "integer", between = { 400, 599 } } },
          { retry_after = { type = "string" } },
          { boom = { type = "boolean", default = false } },
          { limits = {
              type = "record",
              required = true,
              fields = {
                { per_minute = { type = "integer", between = { 0, 1000 }, default = 10 } },
              },
          } },
        },
    } },
  },
  entity_checks = {
    { custom_entity_check = {
        field_sources = { "config.deny_status", "config.retry_after" },
        fn = function(entity)
          local c = entity.config
          if c.retry_after ~= ngx.null and c.deny_status == ngx.null then
            return nil, "retry_after needs deny_status"
          end
          return true
        end,
    } },
  },
}
`;

const STUB_HANDLER = `
local Stub = { PRIORITY = %PRIORITY%, VERSION = "0.0.1" }

function Stub:access(conf)
  local shared = kong.ctx.shared
  local consumer = kong.client.get_consumer()
  local step = "%NAME%:" .. conf.tag .. ":" .. (consumer and consumer.username or "-")
  shared.trace = shared.trace and (shared.trace .. "," .. step) or step
  kong.service.request.set_header("X-Trace", shared.trace)
  kong.service.request.set_header("X-Limit-%NAME%", conf.limits.per_minute)
  kong.response.set_header("X-Stub-%NAME%", conf.tag)
  for name, value in pairs(conf.set_upstream or {}) do
    kong.service.request.set_header(name, value)
  end
  for _, name in ipairs(conf.clear_upstream) do
    kong.service.request.clear_header(name)
  end
  if conf.boom then
    error("boom from %NAME%")
  end
  if conf.deny_status then
    return kong.response.exit(conf.deny_status, { message = "denied by " .. conf.tag },
                              { ["Retry-After"] = conf.retry_after })
  end
end

return Stub
`;

/** Writes stub plugins into a fresh temp dir; returns the dir (for luaPath). */
function writeStubPlugins(plugins: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-kong-stubs-"));
  for (const [name, priority] of Object.entries(plugins)) {
    const pluginDir = join(dir, "kong/plugins", name);
    mkdirSync(pluginDir, { recursive: true });
    writeFileSync(join(pluginDir, "schema.lua"), STUB_SCHEMA.replaceAll("%NAME%", name));
    writeFileSync(
      join(pluginDir, "handler.lua"),
      STUB_HANDLER.replaceAll("%NAME%", name).replaceAll("%PRIORITY%", String(priority)),
    );
  }
  return dir;
}

// stub-c runs before key-auth (1250), stub-a and stub-b after it.
const STUBS = { "stub-a": 1000, "stub-b": 900, "stub-c": 2000 };

const CONFIG: DeclarativeConfig = {
  _format_version: "3.0",
  services: [
    {
      name: "echo",
      url: "http://upstream.invalid:9999/base",
      plugins: [{ name: "key-auth" }],
      routes: [
        { name: "api", paths: ["/api"] },
        {
          name: "headers",
          paths: ["/headers"],
          plugins: [
            {
              name: "stub-a",
              config: { tag: "route", set_upstream: { "X-From-Plugin": "yes" }, clear_upstream: ["X-Secret"] },
            },
          ],
        },
        {
          name: "deny",
          paths: ["/deny"],
          plugins: [{ name: "stub-b", config: { tag: "deny", deny_status: 429, retry_after: "7" } }],
        },
        { name: "boom", paths: ["/boom"], plugins: [{ name: "stub-b", config: { tag: "boom", boom: true } }] },
      ],
    },
  ],
  consumers: [
    { username: "alice", custom_id: "cust-alice", keyauth_credentials: [{ key: "alice-key" }] },
    { username: "bob", keyauth_credentials: [{ key: "bob-key" }] },
  ],
  plugins: [
    { name: "stub-a", config: { tag: "global" } },
    { name: "stub-b", config: { tag: "global" } },
    { name: "stub-c", config: { tag: "early", limits: { per_minute: 500 } } },
    { name: "stub-a", consumer: "alice", config: { tag: "alice" } },
  ],
};

const agent = new Agent({ keepAliveTimeout: 10 });

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await request(url, { dispatcher: agent, headers });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

/** pids of an nginx master (from its pid file) and its workers. */
function nginxPids(prefix: string): number[] {
  const master = Number(readFileSync(join(prefix, "logs/nginx.pid"), "utf8").trim());
  const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(master)], { encoding: "utf8" })
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0);
  return [master, ...children];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

onHosts("Kong-shaped test host", () => {
  let stubDir = "";
  let echo: EchoUpstream | undefined;
  let host: KongHost | undefined;

  beforeAll(async () => {
    stubDir = writeStubPlugins(STUBS);
    echo = await startEchoUpstream();
    host = await startKongHost({ config: CONFIG, upstreamUrl: echo.url, luaPath: [stubDir] });
  }, 30_000);

  afterAll(async () => {
    await host?.stop();
    await echo?.stop();
    await agent.close();
    if (stubDir) rmSync(stubDir, { recursive: true, force: true });
  }, 30_000);

  const url = (path: string): string => `${host?.url ?? ""}${path}`;

  it("answers 401 without a key", async () => {
    const res = await get(url("/api"));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ message: "No API key found in request" });
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["www-authenticate"]).toBe("Key");
  });

  it("answers 401 with an unknown key (Kong 3.7+ wording)", async () => {
    const res = await get(url("/api"), { apikey: "nope" });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ message: "Unauthorized" });
  });

  it("proxies with a valid key, sets consumer headers, runs plugins by PRIORITY, consumer config beats global", async () => {
    const res = await get(url("/api/orders/7?x=1"), { apikey: "alice-key" });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.text) as EchoReport;
    expect(echoed.uri).toBe("/base/orders/7?x=1"); // strip_path + service path
    expect(echoed.headers["x-consumer-username"]).toBe("alice");
    expect(echoed.headers["x-consumer-custom-id"]).toBe("cust-alice");
    expect(echoed.headers["x-consumer-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(echoed.headers["x-credential-identifier"]).toBeTypeOf("string");
    expect(echoed.headers["x-anonymous-consumer"]).toBeUndefined();
    // stub-c (2000) runs before key-auth (1250): no consumer yet; then stub-a (1000), stub-b (900).
    expect(echoed.headers["x-trace"]).toBe("stub-c:early:-,stub-a:alice:alice,stub-b:global:alice");
    // defaults filled in (nested record), and an explicit nested value kept
    expect(echoed.headers["x-limit-stub-a"]).toBe("10");
    expect(echoed.headers["x-limit-stub-c"]).toBe("500");
    // kong.response.set_header during access lands on the proxied response
    expect(res.headers["x-stub-stub-b"]).toBe("global");
  });

  it("sends a response header set in access beside the upstream's header of that name, as Kong does", async () => {
    // kong/pdk/response.lua (2.8.5, 3.9.3) sets ngx.header at once; nginx then adds the
    // upstream's header of the same name instead of replacing it.
    const res = await get(url("/api/orders/7"), { apikey: "alice-key", "X-Echo-Respond-With": "X-Stub-stub-b: upstream" });
    expect(res.status).toBe(200);
    expect([res.headers["x-stub-stub-b"]].flat()).toEqual(["global", "upstream"]);
  });

  it("uses the global config for a consumer without its own", async () => {
    const res = await get(url("/api"), { apikey: "bob-key" });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.text) as EchoReport;
    expect(echoed.uri).toBe("/base");
    expect(echoed.headers["x-trace"]).toBe("stub-c:early:-,stub-a:global:bob,stub-b:global:bob");
  });

  it("route config beats global; service.request.set_header / clear_header reach upstream", async () => {
    const res = await get(url("/headers"), { apikey: "bob-key", "X-Secret": "from-client" });
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.text) as EchoReport;
    expect(echoed.headers["x-trace"]).toBe("stub-c:early:-,stub-a:route:bob,stub-b:global:bob");
    expect(echoed.headers["x-from-plugin"]).toBe("yes");
    expect(echoed.headers["x-secret"]).toBeUndefined();
  });

  it("consumer config beats route config", async () => {
    const res = await get(url("/headers"), { apikey: "alice-key", "X-Secret": "from-client" });
    const echoed = JSON.parse(res.text) as EchoReport;
    expect(echoed.headers["x-trace"]).toBe("stub-c:early:-,stub-a:alice:alice,stub-b:global:alice");
    expect(echoed.headers["x-secret"]).toBe("from-client");
  });

  it("kong.response.exit(429, table, headers) reaches the client as JSON with the header", async () => {
    const res = await get(url("/deny"), { apikey: "bob-key" });
    expect(res.status).toBe(429);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["retry-after"]).toBe("7");
    expect(JSON.parse(res.text)).toEqual({ message: "denied by deny" });
    // set by stub-a before the exit: pending response headers are applied to exits too
    expect(res.headers["x-stub-stub-a"]).toBe("global");
  });

  it("a plugin error becomes 500 JSON and is logged with the plugin name", async () => {
    const res = await get(url("/boom"), { apikey: "bob-key" });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.text)).toEqual({ message: "An unexpected error occurred" });
    expect(host?.errorLog()).toMatch(/\[kong\] \[stub-b\] .*boom from stub-b/);
  });

  it("answers 404 JSON when no route matches", async () => {
    const res = await get(url("/nowhere"), { apikey: "bob-key" });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toEqual({ message: "no Route matched with those values" });
  });

  describe("refuses to start on invalid config", () => {
    const invalid = (plugin: Record<string, unknown>): DeclarativeConfig => ({
      _format_version: "3.0",
      services: [{ name: "s", url: "http://x.invalid", routes: [{ name: "orders", paths: ["/orders"] }] }],
      plugins: [{ name: "stub-a", ...plugin }],
    });

    async function startError(config: DeclarativeConfig, plugins?: string[]): Promise<NginxStartError> {
      let started: KongHost | undefined;
      try {
        started = await startKongHost({
          config,
          upstreamUrl: echo?.url ?? "http://127.0.0.1:9",
          luaPath: [stubDir],
          plugins,
        });
      } catch (err) {
        return err as NginxStartError;
      } finally {
        await started?.stop();
      }
      throw new Error("the host started although the config is invalid");
    }

    it("wrong type", async () => {
      const err = await startError(invalid({ route: "orders", config: { tag: 42 } }));
      expect(err).toBeInstanceOf(NginxStartError);
      expect(err.message).toContain("invalid config for plugin 'stub-a' (route 'orders'): config.tag: expected a string");
    }, 30_000);

    it("value below `between` in a nested record", async () => {
      const err = await startError(invalid({ config: { tag: "t", limits: { per_minute: -1 } } }));
      expect(err).toBeInstanceOf(NginxStartError);
      expect(err.message).toContain(
        "invalid config for plugin 'stub-a' (global): config.limits.per_minute: value should be between 0 and 1000",
      );
    }, 30_000);

    it("unknown field, missing required field, entity check", async () => {
      const err = await startError(invalid({ config: { nope: 1, retry_after: "3" } }));
      expect(err.message).toContain("config.nope: unknown field");
      expect(err.message).toContain("config.tag: required field missing");
      expect(err.message).toContain("@entity: retry_after needs deny_status");
    }, 30_000);

    it("a consumer-scoped key-auth (its schema says typedefs.no_consumer)", async () => {
      const config = invalid({ config: { tag: "t" } });
      config.consumers = [{ username: "dave" }];
      config.plugins?.push({ name: "key-auth", consumer: "dave" });
      const err = await startError(config);
      expect(err.message).toContain("invalid config for plugin 'key-auth' (consumer 'dave'): consumer: value must be null");
    }, 30_000);

    it("a plugin whose handler module is missing", async () => {
      const err = await startError(invalid({ config: { tag: "t" } }), ["stub-a", "not-installed"]);
      expect(err).toBeInstanceOf(NginxStartError);
      expect(err.message).toContain("not-installed plugin is enabled but not installed");
    }, 30_000);
  });

  it("stop() leaves no nginx process behind", async () => {
    const extra = await startKongHost({ config: CONFIG, upstreamUrl: echo?.url ?? "", luaPath: [stubDir], workers: 2 });
    let pids: number[] = [];
    try {
      pids = nginxPids(extra.prefix);
      expect(pids.length).toBe(3); // master + 2 workers
      expect((await get(`${extra.url}/api`, { apikey: "bob-key" })).status).toBe(200);
    } finally {
      await extra.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pids.filter(isAlive)).toEqual([]);
  }, 30_000);
});
