// TypeScriptToLua plugin: lays the compiled Lua out the way gateways load it.
//
//   plugins/<plugin>/kong/<file>.ts  -> lua-out/kong/plugins/<plugin>/<file>.lua   (Kong: kong.plugins.<plugin>.*)
//   plugins/<plugin>/apisix.ts       -> lua-out/apisix/plugins/<plugin>.lua        (APISIX: apisix.plugins.<plugin>)
//   plugins/<dir>/<path>.ts          -> lua-out/tollgate/<dir>/<path>.lua          (shared: tollgate.<dir>.<path>)
//   tstl's lualib_bundle             -> lua-out/tollgate/lualib_bundle.lua         (tollgate.lualib_bundle)
//
// Everything tollgate ships therefore lives under kong.plugins.*, apisix.plugins.*
// or tollgate.*: a gateway that has another project's global `lualib_bundle` on its
// path cannot shadow ours. Folder names with dashes become underscores under
// tollgate/ ("tier-limit" -> tollgate.tier_limit) so module names stay plain Lua names.
"use strict";
const path = require("node:path");

const LUALIB = "lualib_bundle";
/** Folders of plugins/ that hold shared code rather than a plugin. */
const SHARED_DIRS = new Set(["core", "hosts", "io"]);

/** Maps a module name as tstl emits it (relative to rootDir "plugins", dotted) to ours. */
function moduleNameFor(tstlName) {
  if (tstlName === LUALIB) return "tollgate.lualib_bundle";
  const parts = tstlName.split(".");
  const [top, second, ...rest] = parts;
  if (!SHARED_DIRS.has(top)) {
    if (parts.length === 2 && second === "apisix") return `apisix.plugins.${top}`;
    if (second === "kong" && rest.length > 0) return `kong.plugins.${top}.${rest.join(".")}`;
  }
  return ["tollgate", ...parts.map((p) => p.replace(/-/g, "_"))].join(".");
}

/** @type {import("typescript-to-lua").Plugin} */
const plugin = {
  beforeEmit(program, options, emitHost, result) {
    const outDir = path.resolve(options.outDir);
    const tstlNameOf = (file) =>
      path.relative(outDir, file.outputPath).replace(/\\/g, "/").replace(/\.lua$/, "").split("/").join(".");
    const projectModules = new Set(result.map(tstlNameOf));
    projectModules.add(LUALIB);
    for (const file of result) {
      const ours = moduleNameFor(tstlNameOf(file));
      file.outputPath = path.join(outDir, ...ours.split(".")) + ".lua";
      // Rewrite every require of a project module (or of the lualib) to its namespaced name.
      file.code = file.code.replace(/require\("([^"]+)"\)/g, (whole, name) =>
        projectModules.has(name) ? `require("${moduleNameFor(name)}")` : whole,
      );
    }
  },
};

module.exports = plugin;
module.exports.moduleNameFor = moduleNameFor;
