/**
 * The settings the stock-gateway targets generate (tests/runtime/targets/): kong.conf and
 * its KONG_* twin for the kong image, APISIX's config.yaml and apisix.yaml, the container
 * specs, and the clear errors for a missing KONG_BIN / APISIX_HOME. What a stock gateway
 * then does with them can only be seen with one (docs/TESTING-GATEWAYS.md).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { exampleConfig, writeTestPlugin } from "../gateway/harness.ts";
import type { ApisixStandaloneConfig } from "../runtime/apisix-host.ts";
import { LUA_OUT } from "../runtime/nginx.ts";
import {
  apisixBin,
  apisixConfigYaml,
  apisixHome,
  apisixPlugins,
  apisixStandaloneYaml,
  startInstalledApisix,
  type ApisixSettings,
} from "../runtime/targets/apisix-installed.ts";
import { apisixContainerSpec, containerImage, DEFAULT_IMAGES, kongContainerSpec } from "../runtime/targets/containers.ts";
import { kongBin, kongConf, kongDeclarativeConfig, kongProperties, startInstalledKong, type KongSettings } from "../runtime/targets/kong-installed.ts";
import { pluginsOnPath, stage } from "../runtime/targets/staging.ts";
import { parseGatewayTarget } from "../runtime/targets/target.ts";

const KONG: KongSettings = {
  proxyPort: 41001,
  adminPort: 41002,
  declarativeConfig: "/tmp/stage/kong.yml",
  luaPath: ["/tmp/stage/lua/0"],
  luaOut: "/tmp/stage/lua-out",
  extraPlugins: ["usage-status"],
  sharedDicts: { tollgate_tier_limit: "10m", tollgate_cache: "1m", tollgate_usage: "1m" },
  workers: 2,
  envNames: ["TOLLGATE_TEST_CLOCK_OFFSET", "OTHER"],
  trustedCaFile: "/tmp/stage/trusted-ca.pem",
};

const APISIX: ApisixSettings = {
  port: 41003,
  controlPort: 41004,
  luaPath: ["/tmp/stage/lua/0"],
  luaOut: "/tmp/stage/lua-out",
  plugins: ["key-auth", "tier-limit"],
  sharedDicts: { tollgate_tier_limit: "10m" },
  workers: 1,
  envNames: ["TOLLGATE_TEST_CLOCK_OFFSET"],
  trustedCaFile: "/tmp/stage/trusted-ca.pem",
};

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-targets-unit-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("TOLLGATE_GATEWAY", () => {
  it("is the test hosts when unset or empty, and refuses a name it does not know", () => {
    expect(parseGatewayTarget(undefined)).toBe("hosts");
    expect(parseGatewayTarget("")).toBe("hosts");
    expect(parseGatewayTarget("installed")).toBe("installed");
    expect(parseGatewayTarget("containers")).toBe("containers");
    expect(() => parseGatewayTarget("docker")).toThrow("TOLLGATE_GATEWAY=docker: expected one of hosts, installed, containers");
  });
});

describe("installed Kong", () => {
  it("is DB-less with the test's declarative config, tollgate's plugins and README's shared-dict form", () => {
    const properties = kongProperties(KONG);
    expect(properties).toEqual({
      database: "off",
      declarative_config: "/tmp/stage/kong.yml",
      plugins: "bundled,tier-limit,entitlement-check,feature-toggle,kafka-usage,usage-status",
      lua_package_path: "/tmp/stage/lua/0/?.lua;/tmp/stage/lua/0/?/init.lua;/tmp/stage/lua-out/?.lua;/tmp/stage/lua-out/?/init.lua",
      nginx_http_lua_shared_dict: "tollgate_tier_limit 10m; lua_shared_dict tollgate_cache 1m; lua_shared_dict tollgate_usage 1m",
      nginx_worker_processes: "2",
      proxy_listen: "127.0.0.1:41001",
      admin_listen: "127.0.0.1:41002",
      admin_gui_listen: "off",
      status_listen: "off",
      anonymous_reports: "off",
      log_level: "info",
      lua_ssl_trusted_certificate: "system,/tmp/stage/trusted-ca.pem",
      nginx_main_env: "TOLLGATE_TEST_CLOCK_OFFSET; env OTHER",
    });
  });

  it("leaves out the CA and env properties when there are none, and never lists a tollgate plugin twice", () => {
    const properties = kongProperties({ ...KONG, trustedCaFile: undefined, envNames: [], extraPlugins: ["tier-limit"] });
    expect(properties.lua_ssl_trusted_certificate).toBeUndefined();
    expect(properties.nginx_main_env).toBeUndefined();
    expect(properties.plugins).toBe("bundled,tier-limit,entitlement-check,feature-toggle,kafka-usage");
  });

  it("writes kong.conf as `name = value` lines, escaping # (a comment in kong.conf)", () => {
    const conf = kongConf({ database: "off", pg_password: "a#b" });
    expect(conf.split("\n").slice(1)).toEqual(["database = off", "pg_password = a\\#b", ""]);
  });

  it("points every service of kong.yml at the upstream, keeping service paths", () => {
    const config = kongDeclarativeConfig(join(LUA_OUT, "../kong.yml"), "http://127.0.0.1:5555");
    expect(config._format_version).toBe("2.1"); // kong.yml's, which Kong 2.8 and 3.x load
    expect(config.services!.length).toBeGreaterThan(0);
    for (const service of config.services!) {
      expect(service).toMatchObject({ protocol: "http", host: "127.0.0.1", port: 5555 });
      expect(service.url).toBeUndefined();
    }
    const withPath = kongDeclarativeConfig({ _format_version: "3.0", services: [{ name: "s", url: "http://x:1/api" }] }, "http://127.0.0.1:5555");
    expect(withPath.services![0]).toEqual({ name: "s", protocol: "http", host: "127.0.0.1", port: 5555, path: "/api" });
  });

  it("runs KONG_BIN, else kong on PATH, and says which variable to set when it is missing", async () => {
    expect(kongBin({})).toBe("kong");
    expect(kongBin({ KONG_BIN: "/opt/kong/bin/kong" })).toBe("/opt/kong/bin/kong");
    const saved = process.env.KONG_BIN;
    process.env.KONG_BIN = "/nonexistent/tollgate/kong";
    try {
      await expect(startInstalledKong({ _format_version: "3.0" }, "http://127.0.0.1:1")).rejects.toThrow(
        "TOLLGATE_GATEWAY=installed: /nonexistent/tollgate/kong was not found; set KONG_BIN to the kong CLI",
      );
    } finally {
      if (saved === undefined) delete process.env.KONG_BIN;
      else process.env.KONG_BIN = saved;
    }
  });
});

describe("installed APISIX", () => {
  it("is a standalone data plane on one 127.0.0.1 port with lua-out on extra_lua_path and tollgate's dicts", () => {
    expect(apisixConfigYaml(APISIX)).toEqual({
      apisix: {
        node_listen: [{ ip: "127.0.0.1", port: 41003 }],
        enable_admin: false,
        enable_control: true,
        control: { ip: "127.0.0.1", port: 41004 },
        enable_ipv6: false,
        ssl: { enable: false, ssl_trusted_certificate: "system,/tmp/stage/trusted-ca.pem" },
        extra_lua_path: "/tmp/stage/lua/0/?.lua;/tmp/stage/lua/0/?/init.lua;/tmp/stage/lua-out/?.lua;/tmp/stage/lua-out/?/init.lua",
      },
      deployment: { role: "data_plane", role_data_plane: { config_provider: "yaml" } },
      nginx_config: {
        worker_processes: 1,
        error_log_level: "info",
        http: { custom_lua_shared_dict: { tollgate_tier_limit: "10m" } },
        envs: ["TOLLGATE_TEST_CLOCK_OFFSET"],
      },
      plugins: ["key-auth", "tier-limit"],
    });
  });

  it("writes apisix.yaml ending with #END, every upstream's nodes the test's upstream", () => {
    const text = apisixStandaloneYaml(join(LUA_OUT, "../apisix/apisix.yaml"), "http://127.0.0.1:5555");
    expect(text.endsWith("#END\n")).toBe(true);
    const config = parse(text) as ApisixStandaloneConfig;
    const upstreams = [...(config.upstreams ?? []), ...(config.routes ?? []).map((r) => r.upstream).filter((u) => u !== undefined)];
    expect(upstreams.length).toBeGreaterThan(0);
    for (const upstream of upstreams) expect(upstream).toMatchObject({ nodes: { "127.0.0.1:5555": 1 } });
  });

  it("loads every plugin the config names (its plugins: list replaces APISIX's), tollgate's and those on the Lua path", () => {
    const dir = writeTestPlugin("probe-plugin", "return {}", "return {}");
    temps.push(dir);
    const config = exampleConfig("apisix") as ApisixStandaloneConfig;
    const plugins = apisixPlugins(config, [dir]);
    expect(plugins).toEqual(expect.arrayContaining(["key-auth", "tier-limit", "entitlement-check", "feature-toggle", "kafka-usage", "probe-plugin"]));
    expect(new Set(plugins).size).toBe(plugins.length);
  });

  it("says which variable to set when APISIX_HOME is missing or is not an APISIX installation", async () => {
    expect(() => apisixHome({})).toThrow("TOLLGATE_GATEWAY=installed: set APISIX_HOME to an APISIX installation");
    const empty = tempDir();
    expect(() => apisixHome({ APISIX_HOME: empty })).toThrow(`APISIX_HOME=${empty} holds no apisix/cli/apisix.lua`);
    const saved = process.env.APISIX_HOME;
    delete process.env.APISIX_HOME;
    try {
      await expect(startInstalledApisix({}, "http://127.0.0.1:1")).rejects.toThrow("set APISIX_HOME");
    } finally {
      if (saved !== undefined) process.env.APISIX_HOME = saved;
    }
  });

  it("runs APISIX_BIN, else the home's bin/apisix, else apisix on PATH", () => {
    const home = tempDir();
    expect(apisixBin(home, {})).toBe("apisix");
    mkdirSync(join(home, "bin"));
    writeFileSync(join(home, "bin/apisix"), "");
    expect(apisixBin(home, {})).toBe(join(home, "bin/apisix"));
    expect(apisixBin(home, { APISIX_BIN: "/usr/bin/apisix" })).toBe("/usr/bin/apisix");
  });
});

describe("staging", () => {
  it("copies the Lua dirs and CAs where a gateway's unprivileged workers can read them, and finds each layout's plugins", () => {
    const plugin = writeTestPlugin("probe-plugin", "return {}", "return {}");
    temps.push(plugin);
    const ca = join(tempDir(), "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n");
    const staging = stage("unit", { luaPath: [plugin], trustedCaFiles: [ca] });
    temps.push(staging.dir);
    expect(statSync(plugin).mode & 0o777).toBe(0o700);
    expect(statSync(staging.dir).mode & 0o777).toBe(0o755);
    const handler = join(staging.luaPath[0]!, "kong/plugins/probe-plugin/handler.lua");
    expect(statSync(handler).mode & 0o777).toBe(0o644);
    // lua-out as README's "Install" copies it: the gateways' plugin files and tollgate's modules.
    for (const file of ["kong/plugins/tier-limit/handler.lua", "apisix/plugins/tier-limit.lua"]) {
      expect(readFileSync(join(staging.luaOut, file), "utf8")).toBe(readFileSync(join(LUA_OUT, file), "utf8"));
    }
    expect(existsSync(join(staging.luaOut, "tollgate"))).toBe(true);
    expect(existsSync(join(staging.luaOut, "kong-js"))).toBe(false);
    expect(readFileSync(staging.trustedCaFile!, "utf8")).toContain("BEGIN CERTIFICATE");
    expect(pluginsOnPath(staging.luaPath, "kong")).toEqual(["probe-plugin"]);
    expect(pluginsOnPath(staging.luaPath, "apisix")).toEqual(["probe-plugin"]);
    expect(pluginsOnPath(["/nonexistent"], "kong")).toEqual([]);
  });

  it("names no CA file when no CA is given", () => {
    const staging = stage("unit", {});
    temps.push(staging.dir);
    expect(staging.trustedCaFile).toBeUndefined();
    expect(existsSync(join(staging.dir, "trusted-ca.pem"))).toBe(false);
  });
});

describe("containers", () => {
  it("runs the kong image with kong.conf's properties as KONG_* variables, the staging dir (lua-out's copy inside) mounted at its own path", () => {
    const spec = kongContainerSpec(KONG, "/tmp/stage", "kong:3.9", { TOLLGATE_TEST_CLOCK_OFFSET: "60" });
    expect(spec.image).toBe("kong:3.9");
    expect(spec.networkMode).toBe("host");
    expect(spec.port).toBe(41001);
    expect(spec.env).toMatchObject({
      TOLLGATE_TEST_CLOCK_OFFSET: "60",
      KONG_DATABASE: "off",
      KONG_DECLARATIVE_CONFIG: "/tmp/stage/kong.yml",
      KONG_PLUGINS: "bundled,tier-limit,entitlement-check,feature-toggle,kafka-usage,usage-status",
      KONG_LUA_PACKAGE_PATH: kongProperties(KONG).lua_package_path,
      KONG_NGINX_HTTP_LUA_SHARED_DICT: "tollgate_tier_limit 10m; lua_shared_dict tollgate_cache 1m; lua_shared_dict tollgate_usage 1m",
      KONG_NGINX_WORKER_PROCESSES: "2",
      KONG_NGINX_MAIN_ENV: "TOLLGATE_TEST_CLOCK_OFFSET; env OTHER",
      KONG_PROXY_LISTEN: "127.0.0.1:41001",
      KONG_LUA_SSL_TRUSTED_CERTIFICATE: "system,/tmp/stage/trusted-ca.pem",
      KONG_PROXY_ERROR_LOG: "/dev/stderr",
    });
    expect(spec.bindMounts).toEqual([{ source: "/tmp/stage", target: "/tmp/stage", mode: "ro" }]);
    expect(spec.files).toEqual([]);
    expect(spec.quit).toEqual(["kong", "quit"]);
  });

  it("runs the apache/apisix image standalone with config.yaml and apisix.yaml copied into its conf/", () => {
    const spec = apisixContainerSpec(APISIX, "/tmp/stage", "routes: []\n#END\n", "apache/apisix:3.18.0-debian");
    expect(spec.env).toEqual({ APISIX_STAND_ALONE: "true" });
    expect(spec.files.map((f) => f.target)).toEqual(["/usr/local/apisix/conf/config.yaml", "/usr/local/apisix/conf/apisix.yaml"]);
    expect(parse(spec.files[0]!.content)).toEqual(apisixConfigYaml(APISIX));
    expect(spec.files[1]!.content).toBe("routes: []\n#END\n");
    expect(spec.bindMounts.map((m) => m.target)).toEqual(["/tmp/stage"]);
    expect(spec.networkMode).toBe("host");
    expect(spec.port).toBe(41003);
  });

  it("takes the images from TOLLGATE_KONG_IMAGE / TOLLGATE_APISIX_IMAGE, else the defaults", () => {
    expect(containerImage("kong", {})).toBe(DEFAULT_IMAGES.kong);
    expect(containerImage("apisix", {})).toBe(DEFAULT_IMAGES.apisix);
    expect(containerImage("kong", { TOLLGATE_KONG_IMAGE: "kong:3.8" })).toBe("kong:3.8");
    expect(containerImage("apisix", { TOLLGATE_APISIX_IMAGE: "apache/apisix:3.13.0-debian" })).toBe("apache/apisix:3.13.0-debian");
  });
});
