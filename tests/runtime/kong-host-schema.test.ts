/**
 * The Kong-shaped test host loads configs by stock Kong's schema rules (see
 * tests/runtime/kong/tollgate_kong_host/schema.lua and vault.lua):
 *   - a `record` field without `required` is required (make_records_required in
 *     kong/db/schema/entity.lua), so an absent one is built from its defaults and its
 *     own required fields fail, as stock Kong 3.9.3 and 2.8.5 refused tollgate's kong.yml;
 *   - `referenceable` fields take `{vault://env/...}`, unchecked, and the handler sees
 *     the resolved value ("" when it does not resolve).
 * Stub plugins are written into a temp dir, never into lua-out/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoReport, type EchoUpstream } from "./echo-upstream.ts";
import { startKongHost, type DeclarativeConfig, type KongHost } from "./kong-host.ts";
import { NginxStartError, REPO_ROOT } from "./nginx.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the Kong-shaped host itself");

/** A schema whose `opt` record has a required field; `%OPT%` is the record's extra attributes. */
const RECORD_SCHEMA = `
local typedefs = require("kong.db.schema.typedefs")
return {
  name = "%NAME%",
  fields = {
    { protocols = typedefs.protocols_http },
    { config = { type = "record", fields = {
        { opt = { type = "record", %OPT% fields = {
            { name = { type = "string", required = true } },
            { size = { type = "integer", default = 3 } },
        } } },
        { secret = { type = "string", referenceable = true, len_min = 40 } },
        { plain = { type = "string" } },
    } } },
  },
}
`;

/** Shows upstream what the handler got: whether opt is there, the secret, the plain string. */
const HANDLER = `
return {
  PRIORITY = 1000, VERSION = "0.0.1",
  access = function(_, conf)
    kong.service.request.set_header("X-Opt", conf.opt == nil and "absent" or "present")
    kong.service.request.set_header("X-Secret", "[" .. tostring(conf.secret) .. "]")
    kong.service.request.set_header("X-Plain", tostring(conf.plain))
    kong.service.request.set_header("X-Refs", conf["$refs"] and conf["$refs"].secret or "none")
  end,
}
`;

function writeStubs(stubs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-kong-schema-"));
  for (const [name, opt] of Object.entries(stubs)) {
    const pluginDir = join(dir, "kong/plugins", name);
    mkdirSync(pluginDir, { recursive: true });
    writeFileSync(join(pluginDir, "schema.lua"), RECORD_SCHEMA.replaceAll("%NAME%", name).replace("%OPT%", opt));
    writeFileSync(join(pluginDir, "handler.lua"), HANDLER);
  }
  return dir;
}

function routeWith(path: string, plugin: string, config: Record<string, unknown>): DeclarativeConfig["services"] {
  return [{ name: path.slice(1), url: "http://127.0.0.1:9000", routes: [{ name: path.slice(1), paths: [path] }], plugins: [{ name: plugin, config }] }];
}

let echo: EchoUpstream;
let stubDir = "";

beforeAll(async () => {
  echo = await startEchoUpstream();
  stubDir = writeStubs({ "record-default": "", "record-optional": "required = false," });
});
afterAll(async () => {
  await echo?.stop();
  if (stubDir) rmSync(stubDir, { recursive: true, force: true });
});

onHosts("Kong-shaped host: records are required unless they say required = false", () => {
  it("loads the repository's kong.yml (stock Kong refused it while optional records were not marked)", async () => {
    const host = await startKongHost({ config: join(REPO_ROOT, "kong.yml"), upstreamUrl: echo.url });
    await host.stop();
  }, 30_000);

  it("a record without `required` that the config leaves out is built from its defaults, and its required field fails", async () => {
    const config: DeclarativeConfig = { _format_version: "3.0", services: routeWith("/r", "record-default", {}) };
    // Stopped again should it start after all (the test then fails).
    const started = startKongHost({ config, upstreamUrl: echo.url, luaPath: [stubDir] }).then(async (h) => {
      await h.stop();
      return h;
    });
    await expect(started).rejects.toThrow(NginxStartError);
    await expect(started).rejects.toThrow(/invalid config for plugin 'record-default'.*config\.opt\.name: required field missing/);
  }, 30_000);
});

onHosts("Kong-shaped host: optional records, and vault references in referenceable fields", () => {
  let host: KongHost;
  const config: DeclarativeConfig = {
    _format_version: "3.0",
    services: [
      ...routeWith("/optional", "record-optional", {})!,
      {
        name: "secrets",
        url: "http://127.0.0.1:9000",
        routes: [
          // len_min 40 is not checked against a reference, nor against what it resolves to.
          { name: "env", paths: ["/env"], plugins: [{ name: "record-optional", config: { secret: "{vault://env/tollgate-test-secret}" } }] },
          { name: "key", paths: ["/key"], plugins: [{ name: "record-optional", config: { secret: "{vault://env/tollgate_test_json/token}" } }] },
          { name: "missing", paths: ["/missing"], plugins: [{ name: "record-optional", config: { secret: "{vault://env/tollgate-test-absent}" } }] },
          { name: "undeclared", paths: ["/undeclared"], plugins: [{ name: "record-optional", config: { secret: "{vault://env/tollgate-test-undeclared}" } }] },
          // Not referenceable: Kong leaves the text as it is.
          { name: "plain", paths: ["/plain"], plugins: [{ name: "record-optional", config: { plain: "{vault://env/tollgate-test-secret}" } }] },
        ],
      },
    ],
  };

  beforeAll(async () => {
    // In nginx's environment but named by no `env` directive (those come from `env:` below).
    process.env["TOLLGATE_TEST_UNDECLARED"] = "no-directive";
    host = await startKongHost({
      config,
      upstreamUrl: echo.url,
      luaPath: [stubDir],
      env: { TOLLGATE_TEST_SECRET: "s3cret", TOLLGATE_TEST_JSON: JSON.stringify({ token: "from-json" }) },
    });
  }, 30_000);
  afterAll(async () => {
    delete process.env["TOLLGATE_TEST_UNDECLARED"];
    await host?.stop();
  });

  async function upstreamHeaders(path: string): Promise<Record<string, string | string[]>> {
    const res = await fetch(`${host.url}${path}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as EchoReport).headers;
  }

  it("a record with required = false may be left out: the handler sees nil", async () => {
    expect((await upstreamHeaders("/optional"))["x-opt"]).toBe("absent");
  });

  it("{vault://env/<name>} is the variable upper-cased with - as _, resolved before the handler runs", async () => {
    const headers = await upstreamHeaders("/env");
    expect(headers["x-secret"]).toBe("[s3cret]");
    // Kong 3.9 leaves the reference in the record's "$refs".
    expect(headers["x-refs"]).toBe("{vault://env/tollgate-test-secret}");
  });

  it("{vault://env/<name>/<key>} is a key of the JSON object in the variable", async () => {
    expect((await upstreamHeaders("/key"))["x-secret"]).toBe("[from-json]");
  });

  it("a variable the gateway was started with needs no nginx `env` directive (resolved in the master, as Kong's warmup does)", async () => {
    expect((await upstreamHeaders("/undeclared"))["x-secret"]).toBe("[no-directive]");
  });

  it('an unresolvable reference becomes "" with a warning, as in Kong 3.9', async () => {
    expect((await upstreamHeaders("/missing"))["x-secret"]).toBe("[]");
    expect(host.errorLog()).toContain("unable to resolve reference {vault://env/tollgate-test-absent} (no value found)");
  });

  it("a reference in a field that is not referenceable stays text", async () => {
    expect((await upstreamHeaders("/plain"))["x-plain"]).toBe("{vault://env/tollgate-test-secret}");
  });
});
