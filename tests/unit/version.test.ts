/**
 * tollgate's version is set once, in package.json; the build writes it into
 * plugins/core/version.ts, and from there it reaches the Kong handlers' VERSION, the
 * APISIX modules' version, kong-pdk's Version and the rockspecs. A release that bumps
 * package.json and forgets to build would ship plugins that report the old version:
 * these tests read every place a gateway or LuaRocks sees it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOLLGATE_VERSION } from "../../plugins/core/version.ts";
import { ENTITLEMENT_CHECK_VERSION } from "../../plugins/entitlement-check/meta.ts";
import { FEATURE_TOGGLE_VERSION } from "../../plugins/feature-toggle/meta.ts";
import { KAFKA_USAGE_VERSION } from "../../plugins/kafka-usage/meta.ts";
import { TIER_LIMIT_VERSION } from "../../plugins/tier-limit/meta.ts";
import { rockspecFileName, ROCKS, ROCKSPEC_REVISION } from "../../scripts/rockspec.ts";
import { PLUGINS } from "../../scripts/plugins.ts";
import { packageVersion, VERSION_MODULE, versionModuleText } from "../../scripts/version.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";

const VERSION = packageVersion();
const LUA_OUT = join(REPO_ROOT, "lua-out");

/** `<module>.<field>` evaluated by LuaJIT against lua-out/. */
function luaValue(module: string, field: string): string {
  const script = `package.path = "lua-out/?.lua;" .. package.path; io.write(tostring(require(${JSON.stringify(module)})[${JSON.stringify(field)}]))`;
  return execFileSync("luajit", ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
}

describe("one version", () => {
  it("plugins/core/version.ts is what the build generates from package.json", () => {
    expect(readFileSync(VERSION_MODULE, "utf8")).toBe(versionModuleText(VERSION));
    expect(TOLLGATE_VERSION).toBe(VERSION);
    expect([TIER_LIMIT_VERSION, ENTITLEMENT_CHECK_VERSION, FEATURE_TOGGLE_VERSION, KAFKA_USAGE_VERSION]).toEqual(Array(4).fill(VERSION));
  });

  it.each(PLUGINS.map((p) => p.name))("%s: the compiled Kong handler and APISIX module report package.json's version", (name) => {
    const constant = `${name.toUpperCase().replace(/-/g, "_")}_VERSION`;
    const meta = `tollgate.${name.replace(/-/g, "_")}.meta`;
    expect(luaValue(meta, constant)).toBe(VERSION);
    // Both entry points take that constant from the meta module (they need ngx to load).
    const handler = readFileSync(join(LUA_OUT, "kong/plugins", name, "handler.lua"), "utf8");
    expect(handler).toContain(`require("${meta}")`);
    expect(handler).toMatch(new RegExp(`VERSION = ${constant}\\b`));
    const apisix = readFileSync(join(LUA_OUT, "apisix/plugins", `${name}.lua`), "utf8");
    expect(apisix).toContain(`require("${meta}")`);
    expect(apisix).toMatch(new RegExp(`version = ${constant}\\b`));
  });

  it.each(PLUGINS.map((p) => p.name))("%s: the kong-pdk bundle's Version is package.json's", (name) => {
    const bundle = createRequire(import.meta.url)(join(LUA_OUT, "kong-js", `${name}.cjs`)) as { Version: string };
    expect(bundle.Version).toBe(VERSION);
  });

  it("the rockspecs carry the version in their file name and their version field", () => {
    for (const rock of ROCKS) {
      const text = readFileSync(join(LUA_OUT, rockspecFileName(rock.name, VERSION)), "utf8");
      expect(text).toContain(`version = "${VERSION}-${ROCKSPEC_REVISION}"`);
    }
  });

  it("CHANGELOG.md has an entry for the version", () => {
    expect(readFileSync(join(REPO_ROOT, "CHANGELOG.md"), "utf8")).toContain(`\n## [${VERSION}]`);
  });
});
