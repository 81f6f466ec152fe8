/**
 * Smoke test of the APISIX-shaped test host (tests/runtime/apisix-host.ts):
 * real nginx + the host's Lua, throw-away stub plugins written into a temp
 * dir (never into lua-out/), the echo upstream behind it.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEchoUpstream, type EchoReport, type EchoUpstream } from "./echo-upstream.ts";
import { NginxStartError } from "./nginx.ts";
import { startApisixHost, type ApisixHost, type ApisixHostOptions } from "./apisix-host.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the APISIX-shaped test host itself (its options, stub plugins, error log, worker processes)");

/**
 * `stub` validates its conf with core.schema.check (limit >= 1, defaults for
 * limit, mode and nested.x) and, in access, reports what it saw to the
 * upstream, sets a response header, and answers 429 or raises on demand.
 * `stub-first` (priority 2000) and `stub-last` (priority 1) record the order
 * plugins ran in; `stub-last` forwards it upstream.
 */
const STUB = `
local core = require("apisix.core")

local schema = {
  type = "object",
  properties = {
    limit = { type = "integer", minimum = 1, default = 5 },
    mode = { type = "string", enum = { "pass", "deny", "boom" }, default = "pass" },
    nested = {
      type = "object",
      properties = { x = { type = "string", default = "dflt" } },
    },
  },
  additionalProperties = false,
}

local _M = { version = 0.1, priority = 1000, name = "stub", schema = schema }

function _M.check_schema(conf)
  return core.schema.check(schema, conf)
end

function _M.access(conf, ctx)
  ctx.stub_order = ctx.stub_order or {}
  table.insert(ctx.stub_order, "stub")
  local labels = ctx.consumer and ctx.consumer.labels
  core.request.set_header(ctx, "X-Stub-Tier", labels and labels.tier)
  core.request.set_header(ctx, "X-Stub-Limit", tostring(conf.limit))
  core.request.set_header(ctx, "X-Stub-Nested", conf.nested and conf.nested.x)
  core.request.set_header(ctx, "X-Replace-Me", "from-plugin")
  core.request.set_header(ctx, "X-Stub-Route", ctx.var.route_id .. "|" .. ctx.conf_type)
  core.response.set_header("X-Stub-Resp", "yes")
  if conf.mode == "deny" then
    return 429, { message = "slow down" }
  end
  if conf.mode == "boom" then
    error("stub boom")
  end
end

function _M.header_filter(conf, ctx)
  core.response.set_header("X-Stub-Header-Filter", "ran")
end

return _M
`;

function orderStub(name: string, priority: number, forward: boolean): string {
  return `
local core = require("apisix.core")
local schema = { type = "object" }
local _M = { version = 0.1, priority = ${priority}, name = "${name}", schema = schema }
function _M.check_schema(conf)
  return core.schema.check(schema, conf)
end
function _M.access(conf, ctx)
  ctx.stub_order = ctx.stub_order or {}
  table.insert(ctx.stub_order, "${name}")
  ${forward ? `core.request.set_header(ctx, "X-Stub-Order", table.concat(ctx.stub_order, ","))` : ""}
end
return _M
`;
}

const STUB_GLOBAL = `
local core = require("apisix.core")
local schema = { type = "object" }
local _M = { version = 0.1, priority = 500, name = "stub-global", schema = schema }
function _M.check_schema(conf)
  return core.schema.check(schema, conf)
end
function _M.rewrite(conf, ctx)
  core.response.set_header("X-Stub-Global", ctx.conf_type)
end
return _M
`;

const CONFIG_YAML = (upstream: string) => `
routes:
  - id: open
    uri: /open
    upstream: { type: roundrobin, nodes: { "${upstream}": 1 } }
    plugins:
      stub: { nested: {} }
  - id: auth
    uris: [/auth/*]
    upstream: { type: roundrobin, nodes: { "${upstream}": 1 } }
    plugins:
      stub-last: {}
      key-auth: {}
      stub: { limit: 7, nested: {} }
      stub-first: {}
  - id: deny
    uri: /deny
    upstream_id: up1
    plugins:
      stub: { mode: deny }
  - id: boom
    uri: /boom
    upstream_id: up1
    plugins:
      stub: { mode: boom }
  - id: merged
    uri: /merged
    service_id: svc
    plugin_config_id: pc
services:
  - id: svc
    upstream_id: up1
    plugins:
      stub: { limit: 11, nested: {} }
      stub-first: {}
plugin_configs:
  - id: pc
    plugins:
      stub-last: {}
      stub: { limit: 12 }
global_rules:
  - id: g1
    plugins:
      stub-global: {}
upstreams:
  - id: up1
    type: roundrobin
    nodes: { "${upstream}": 1 }
consumer_groups:
  - id: gold
    plugins:
      stub: { limit: 99 }
consumers:
  - username: alice
    labels: { tier: premium }
    plugins:
      key-auth: { key: alice-key }
  - username: bob
    group_id: gold
    plugins:
      key-auth: { key: bob-key }
  - username: carol
  - id: carol/credentials/c1
    plugins:
      key-auth: { key: carol-key }
#END
`;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function echoed(reply: Reply): EchoReport {
  expect(reply.status).toBe(200);
  return JSON.parse(reply.text) as EchoReport;
}

/** pids of the nginx master in `prefix` and of its children. */
function nginxPids(prefix: string): number[] {
  const master = Number(readFileSync(join(prefix, "logs/nginx.pid"), "utf8").trim());
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // field 4 (after "pid (comm) state") is the parent pid
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === master;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [master, ...children];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

onHosts("APISIX-shaped test host", () => {
  let echo: EchoUpstream | undefined;
  let host: ApisixHost | undefined;
  const extraHosts: ApisixHost[] = [];
  let stubDir = "";
  let baseOptions: Omit<ApisixHostOptions, "config">;

  beforeAll(async () => {
    stubDir = mkdtempSync(join(tmpdir(), "tollgate-apisix-stub-"));
    mkdirSync(join(stubDir, "apisix/plugins"), { recursive: true });
    writeFileSync(join(stubDir, "apisix/plugins/stub.lua"), STUB);
    writeFileSync(join(stubDir, "apisix/plugins/stub-first.lua"), orderStub("stub-first", 2000, false));
    writeFileSync(join(stubDir, "apisix/plugins/stub-last.lua"), orderStub("stub-last", 1, true));
    writeFileSync(join(stubDir, "apisix/plugins/stub-global.lua"), STUB_GLOBAL);

    echo = await startEchoUpstream();
    const configPath = join(stubDir, "apisix.yaml");
    writeFileSync(configPath, CONFIG_YAML(`127.0.0.1:${echo.port}`));
    baseOptions = { upstreamUrl: echo.url, luaPath: [stubDir] };
    host = await startApisixHost({ ...baseOptions, config: configPath });
  });

  afterAll(async () => {
    await Promise.allSettled([host?.stop(), echo?.stop(), ...extraHosts.map((h) => h.stop())]);
    if (stubDir) rmSync(stubDir, { recursive: true, force: true });
  });

  /** Starts a host that is expected to be refused; stops it if it came up anyway. */
  async function expectRefused(options: ApisixHostOptions): Promise<NginxStartError> {
    try {
      const unexpected = await startApisixHost(options);
      extraHosts.push(unexpected);
    } catch (err) {
      expect(err).toBeInstanceOf(NginxStartError);
      return err as NginxStartError;
    }
    throw new Error("the host started although its configuration is invalid");
  }

  it("answers 401 without a key and with a wrong key", async () => {
    const missing = await get(`${host!.url}/auth/x`);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.text)).toEqual({ message: "Missing API key in request" });
    expect(missing.headers.get("www-authenticate")).toBe('apikey realm="key"');

    const wrong = await get(`${host!.url}/auth/x`, { apikey: "nope" });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text)).toEqual({ message: "Invalid API key in request" });
  });

  it("proxies an authenticated request with the consumer known to plugins and upstream", async () => {
    const reply = await get(`${host!.url}/auth/x`, {
      apikey: "alice-key",
      "X-Consumer-Username": "mallory",
      "X-Replace-Me": "from-client",
    });
    const seen = echoed(reply);
    expect(seen.headers["x-consumer-username"]).toBe("alice");
    expect(seen.headers["x-credential-identifier"]).toBeUndefined();
    expect(seen.headers["x-stub-tier"]).toBe("premium");
    expect(seen.headers["x-replace-me"]).toBe("from-plugin");
    expect(seen.headers["x-stub-route"]).toBe("auth|route&consumer");
    // response headers set in access and header_filter reach the client
    expect(reply.headers.get("x-stub-resp")).toBe("yes");
    expect(reply.headers.get("x-stub-header-filter")).toBe("ran");
  });

  it("accepts the key from the query string", async () => {
    const seen = echoed(await get(`${host!.url}/auth/q?apikey=alice-key`));
    expect(seen.headers["x-consumer-username"]).toBe("alice");
  });

  it("runs plugins in descending priority order", async () => {
    const seen = echoed(await get(`${host!.url}/auth/x`, { apikey: "alice-key" }));
    expect(seen.headers["x-stub-order"]).toBe("stub-first,stub,stub-last");
  });

  it("fills schema defaults, including in nested objects", async () => {
    const seen = echoed(await get(`${host!.url}/open`));
    expect(seen.headers["x-stub-limit"]).toBe("5");
    expect(seen.headers["x-stub-nested"]).toBe("dflt");
    expect(seen.headers["x-stub-tier"]).toBeUndefined();
  });

  it("merges consumer group plugins over route plugins", async () => {
    const alice = echoed(await get(`${host!.url}/auth/x`, { apikey: "alice-key" }));
    expect(alice.headers["x-stub-limit"]).toBe("7");
    const bob = echoed(await get(`${host!.url}/auth/x`, { apikey: "bob-key" }));
    expect(bob.headers["x-consumer-username"]).toBe("bob");
    expect(bob.headers["x-stub-limit"]).toBe("99");
    expect(bob.headers["x-stub-route"]).toBe("auth|route&consumer&consumer_group");
  });

  it("accepts a credential item's key and names the credential upstream", async () => {
    const seen = echoed(await get(`${host!.url}/auth/x`, { apikey: "carol-key" }));
    expect(seen.headers["x-consumer-username"]).toBe("carol");
    expect(seen.headers["x-credential-identifier"]).toBe("c1");
  });

  it("merges plugin_config, service and global rule plugins like APISIX", async () => {
    const reply = await get(`${host!.url}/merged`);
    const seen = echoed(reply);
    // plugin_config fills the route first, so its stub conf beats the service's
    expect(seen.headers["x-stub-limit"]).toBe("12");
    expect(seen.headers["x-stub-order"]).toBe("stub-first,stub,stub-last");
    expect(seen.headers["x-stub-route"]).toBe("merged|route&service");
    expect(reply.headers.get("x-stub-global")).toBe("global_rule");
    // global rules also run when no route matches
    expect((await get(`${host!.url}/nowhere`)).headers.get("x-stub-global")).toBe("global_rule");
  });

  it("ends the request with the code and JSON body a plugin returns", async () => {
    const reply = await get(`${host!.url}/deny`);
    expect(reply.status).toBe(429);
    expect(JSON.parse(reply.text)).toEqual({ message: "slow down" });
    expect(reply.headers.get("x-stub-resp")).toBe("yes");
  });

  it("answers 500 and logs when a plugin raises", async () => {
    const reply = await get(`${host!.url}/boom`);
    expect(reply.status).toBe(500);
    expect(host!.errorLog()).toContain("stub boom");
  });

  it("answers 404 with APISIX's body when no route matches", async () => {
    const reply = await get(`${host!.url}/nowhere`);
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.text)).toEqual({ error_msg: "404 Route Not Found" });
  });

  it("refuses to start when check_schema fails, naming the item and field", async () => {
    const err = await expectRefused({
      ...baseOptions,
      config: {
        routes: [{ id: "bad", uri: "/bad", upstream: { nodes: { "127.0.0.1:1": 1 } }, plugins: { stub: { limit: 0 } } }],
      },
    });
    expect(err.message).toContain('routes "bad"');
    expect(err.message).toContain(
      'failed to check the configuration of plugin stub err: property "limit" validation failed: expected 0 to be at least 1',
    );
  });

  it("refuses to start when a plugin module is missing", async () => {
    const err = await expectRefused({
      ...baseOptions,
      config: { routes: [{ id: "r", uri: "/r", upstream: { nodes: {} }, plugins: { "no-such-plugin": {} } }] },
    });
    expect(err.message).toContain("failed to load plugin [no-such-plugin]");
  });

  it("leaves no nginx process behind after stop()", async () => {
    const extra = await startApisixHost({ ...baseOptions, config: { routes: [] } });
    extraHosts.push(extra);
    const pids = nginxPids(extra.prefix);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    await extra.stop();
    expect(pids.filter(alive)).toEqual([]);
  });
});
