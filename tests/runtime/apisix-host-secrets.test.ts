/**
 * The APISIX-shaped test host resolves secret references as APISIX 3.18.0 does (see
 * tests/runtime/apisix/tollgate_apisix_host/secret.lua): core.schema.check skips a
 * string schema for `$env://` / `$secret://`, check_schema sees the reference, the
 * phases see the resolved value; an unresolved one is logged and kept as it is. A stub
 * plugin written into a temp dir (never into lua-out/) shows what its phase got.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApisixHost, type ApisixHost } from "./apisix-host.ts";
import { startEchoUpstream, type EchoReport, type EchoUpstream } from "./echo-upstream.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the APISIX-shaped host itself");

/** minLength 40 and an enum: neither is checked against a reference. */
const STUB = `
local core = require("apisix.core")
local schema = {
  type = "object",
  properties = {
    secret = { type = "string", minLength = 40 },
    choice = { type = "string", enum = { "a", "b" } },
  },
  additionalProperties = false,
}
local _M = { version = 0.1, priority = 1000, name = "secret-stub", schema = schema }
function _M.check_schema(conf)
  if conf.secret and conf.secret:sub(1, 1) ~= "$" then
    return false, "check_schema saw a resolved secret"
  end
  return core.schema.check(schema, conf)
end
function _M.access(conf, ctx)
  core.request.set_header(ctx, "X-Secret", "[" .. tostring(conf.secret) .. "]")
  core.request.set_header(ctx, "X-Choice", tostring(conf.choice))
end
return _M
`;

let stubDir = "";
let upstream: EchoUpstream;
let host: ApisixHost;

function route(id: string, conf: Record<string, unknown>): Record<string, unknown> {
  return { id, uri: `/${id}`, upstream_id: "up", plugins: { "secret-stub": conf } };
}

beforeAll(async () => {
  stubDir = mkdtempSync(join(tmpdir(), "tollgate-apisix-secrets-"));
  mkdirSync(join(stubDir, "apisix/plugins"), { recursive: true });
  writeFileSync(join(stubDir, "apisix/plugins/secret-stub.lua"), STUB);
  upstream = await startEchoUpstream();
  // In nginx's environment but named by no `env` directive (those come from `env:` below).
  process.env["TOLLGATE_TEST_UNDECLARED"] = "no-directive";
  host = await startApisixHost({
    config: {
      routes: [
        route("env", { secret: "$env://TOLLGATE_TEST_SECRET", choice: "$ENV://TOLLGATE_TEST_CHOICE" }),
        route("key", { secret: "$env://TOLLGATE_TEST_JSON/token" }),
        route("unset", { secret: "$env://TOLLGATE_TEST_UNSET" }),
        route("manager", { secret: "$secret://vault/1/tollgate/secret" }),
        route("undeclared", { secret: "$env://TOLLGATE_TEST_UNDECLARED" }),
      ],
      upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    },
    upstreamUrl: upstream.url,
    luaPath: [stubDir],
    env: { TOLLGATE_TEST_SECRET: "s3cret", TOLLGATE_TEST_CHOICE: "c", TOLLGATE_TEST_JSON: JSON.stringify({ token: "from-json" }) },
  });
}, 30_000);
afterAll(async () => {
  delete process.env["TOLLGATE_TEST_UNDECLARED"];
  await host?.stop();
  await upstream?.stop();
  if (stubDir) rmSync(stubDir, { recursive: true, force: true });
});

async function upstreamHeaders(path: string): Promise<Record<string, string | string[]>> {
  const res = await fetch(`${host.url}${path}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as EchoReport).headers;
}

onHosts("APISIX-shaped host: $env:// and $secret:// references", () => {
  it("check_schema sees the reference unchecked; the phase sees the variable's value (any letter case of $env)", async () => {
    const headers = await upstreamHeaders("/env");
    expect(headers["x-secret"]).toBe("[s3cret]");
    expect(headers["x-choice"]).toBe("c");
  });

  it("$env://NAME/key reads a key of the JSON object in NAME", async () => {
    expect((await upstreamHeaders("/key"))["x-secret"]).toBe("[from-json]");
  });

  it("a variable the gateway was started with needs no nginx `env` directive (core.env.init runs in the master)", async () => {
    expect((await upstreamHeaders("/undeclared"))["x-secret"]).toBe("[no-directive]");
  });

  it("an unset variable is logged and the reference kept as it is", async () => {
    expect((await upstreamHeaders("/unset"))["x-secret"]).toBe("[$env://TOLLGATE_TEST_UNSET]");
    expect(host.errorLog()).toContain("failed to resolve secret reference: $env://TOLLGATE_TEST_UNSET");
  });

  it("$secret:// does not resolve: no secret manager is emulated (APISIX with none configured does the same)", async () => {
    expect((await upstreamHeaders("/manager"))["x-secret"]).toBe("[$secret://vault/1/tollgate/secret]");
  });
});
