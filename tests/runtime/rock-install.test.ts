/**
 * The LuaRocks packages, as a user installs them: each rockspec of lua-out/ is built
 * with Debian's `luarocks make`, packed into a .all.rock with `luarocks pack`, and that
 * file installed with `luarocks install --deps-mode=none` into a fresh tree, offline
 * (no rocks server configured, every proxy pointed at a closed port). Then each test
 * host loads the plugins from its rock's tree, with lua-out/ off the Lua path, and
 * tier-limit refuses the request after its limit with 429.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageVersion } from "../../scripts/version.ts";
import { rockspecFileName, ROCKS, ROCKSPEC_REVISION } from "../../scripts/rockspec.ts";
import { request, roomInThisMinute, tierLimitConfig, DEMO_KEYS } from "../gateway/harness.ts";
import { startApisixHost } from "./apisix-host.ts";
import { startEchoUpstream, type EchoUpstream } from "./echo-upstream.ts";
import { startKongHost } from "./kong-host.ts";
import { LUA_OUT } from "./nginx.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("loads the plugins from a LuaRocks tree into the test hosts");

const VERSION = packageVersion();
const ROCK_VERSION = `${VERSION}-${ROCKSPEC_REVISION}`;
const LIMIT = 3;

let work: string;
let upstream: EchoUpstream;
/** rock name -> the share/lua/5.1 of the tree its packed rock was installed into. */
const trees = new Map<string, string>();

function luarocks(args: string[], cwd: string): string {
  return execFileSync("luarocks", ["--lua-version=5.1", ...args], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      // No rocks server, and any HTTP(S) attempt fails: the install must need none.
      LUAROCKS_CONFIG: join(work, "luarocks-config.lua"),
      http_proxy: "http://127.0.0.1:9",
      https_proxy: "http://127.0.0.1:9",
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
    },
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tollgate-rocks-"));
  writeFileSync(join(work, "luarocks-config.lua"), "rocks_servers = {}\n");
  upstream = await startEchoUpstream();
  for (const rock of ROCKS) {
    const buildTree = join(work, `build-${rock.name}`);
    luarocks(["--tree", buildTree, "make", "--deps-mode=none", rockspecFileName(rock.name, VERSION)], LUA_OUT);
    luarocks(["--tree", buildTree, "pack", rock.name, ROCK_VERSION], work);
    const tree = join(work, `tree-${rock.name}`);
    luarocks(["--tree", tree, "install", "--deps-mode=none", join(work, `${rock.name}-${ROCK_VERSION}.all.rock`)], work);
    trees.set(rock.name, join(tree, "share/lua/5.1"));
  }
}, 600_000);

afterAll(async () => {
  await upstream?.stop();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

onHosts("LuaRocks packages", () => {
  it.each(ROCKS)("$name installs every module its rockspec lists from the packed .all.rock", (rock) => {
    const rockspec = readFileSync(join(LUA_OUT, rockspecFileName(rock.name, VERSION)), "utf8");
    const files = [...rockspec.matchAll(/^\s+\["[^"]+"\] = "([^"]+)",$/gm)].map((m) => m[1]!);
    // Every Lua file of the rock's gateway tree and of tollgate/, none missing, none stale.
    const built = execFileSync("find", [rock.tree, "tollgate", "-name", "*.lua"], { cwd: LUA_OUT, encoding: "utf8" }).trim().split("\n").sort();
    expect([...files].sort()).toEqual(built);
    expect(files).toContain(rock.tree === "kong" ? "kong/plugins/tier-limit/handler.lua" : "apisix/plugins/tier-limit.lua");
    const tree = trees.get(rock.name)!;
    const missing = files.filter((file) => !existsSync(join(tree, file)));
    expect(missing).toEqual([]);
    // The installed files are the build's, byte for byte.
    expect(readFileSync(join(tree, "tollgate/core/version.lua"), "utf8")).toBe(readFileSync(join(LUA_OUT, "tollgate/core/version.lua"), "utf8"));
  });

  const smoke = [
    { host: "kong" as const, rock: "kong-plugin-tollgate", start: startKongHost },
    { host: "apisix" as const, rock: "apisix-plugin-tollgate", start: startApisixHost },
  ];
  for (const { host, rock, start } of smoke) {
    it(`the ${host}-shaped host runs tier-limit from the ${rock} tree: 429 at request ${LIMIT + 1}`, async () => {
      const tree = trees.get(rock)!;
      const config = tierLimitConfig(host, { tiers: { free: { limits: { GET: { minute: LIMIT } } } } });
      const gateway = await start({ config: config as never, upstreamUrl: upstream.url, pluginTree: tree });
      try {
        // The plugins can only have come from the rock's tree: lua-out/ is not on the path.
        const packagePath = /lua_package_path "([^"]*)"/.exec(readFileSync(join(gateway.prefix, "conf/nginx.conf"), "utf8"))![1]!;
        expect(packagePath).toContain(`${tree}/?.lua`);
        expect(packagePath).not.toContain(LUA_OUT);

        await roomInThisMinute(10);
        const statuses: number[] = [];
        for (let i = 0; i <= LIMIT; i++) statuses.push((await request(`${gateway.url}/limited`, { headers: { apikey: DEMO_KEYS.free } })).status);
        expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
        expect(gateway.errorLog()).not.toMatch(/\[error\]/);
      } finally {
        await gateway.stop();
      }
    });
  }
});
