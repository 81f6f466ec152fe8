/**
 * The installed target's start/stop path (tests/runtime/targets/kong-installed.ts,
 * apisix-installed.ts) driven end to end against stand-in CLIs, since no stock Kong or
 * APISIX can be installed where tollgate is built. Each stand-in takes the arguments the
 * real CLI takes (`kong start -p -c`, `kong quit -p`; `apisix start -c`, `apisix quit` run
 * from the APISIX home), starts a real nginx that answers on the configured proxy port,
 * and writes the files the real one would (Kong: <prefix>/pids/nginx.pid and
 * logs/error.log; APISIX: <home>/logs/). It checks none of Kong's or APISIX's own
 * behaviour: that needs TOLLGATE_GATEWAY=installed with real ones (docs/TESTING-GATEWAYS.md).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInstalledApisix } from "./targets/apisix-installed.ts";
import { startInstalledKong } from "./targets/kong-installed.ts";
import { alive, pidIn } from "./targets/staging.ts";
import { listening, NginxStartError, REPO_ROOT } from "./nginx.ts";
import { startEchoUpstream, type EchoUpstream } from "./echo-upstream.ts";
import { DEMO_KEYS, roomInThisMinute, tierLimitConfig } from "../gateway/harness.ts";

/** nginx.conf of a stand-in: one server answering "<name>" on `$port`, everything under the prefix. */
const NGINX_CONF = `
  mkdir -p "$prefix/logs" "$prefix/pids" "$prefix/tmp"
  cat > "$prefix/nginx.conf" <<EOF
pid $pidfile;
error_log logs/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp; uwsgi_temp_path tmp; scgi_temp_path tmp;
  server { listen 127.0.0.1:$port; location / { return 200 "$name\\n"; } }
}
EOF`;

/** `kong`: start -p P -c C / quit -p P / version. */
const KONG_STAND_IN = `#!/bin/bash
set -e
echo "kong $*" >> "$STAND_IN_CALLS"
case "$1" in
  version) echo "stand-in kong"; exit 0 ;;
  start) prefix=$3; conf=$5 ;;
  quit) exec nginx -p "$3" -c nginx.conf -e "$3/logs/error.log" -s quit ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
[[ $2 == -p && $4 == -c ]] || { echo "unexpected: $*" >&2; exit 2; }
port=$(sed -n 's/^proxy_listen = 127\\.0\\.0\\.1:\\([0-9]*\\)$/\\1/p' "$conf")
declarative=$(sed -n 's/^declarative_config = //p' "$conf")
if grep -q refuse-me "$declarative"; then echo "Error: declarative config is invalid: {services={{name=\\"refuse-me\\"}}}" >&2; exit 1; fi
name="stand-in kong"; pidfile=pids/nginx.pid
${NGINX_CONF}
{ echo "stand-in kong: prefix $prefix, TOLLGATE_PROBE=$TOLLGATE_PROBE"; cat "$conf"; } >> "$prefix/logs/error.log"
nginx -p "$prefix" -c nginx.conf -e "$prefix/logs/error.log"
`;

/** bin/apisix: run from the APISIX home (./apisix/cli/apisix.lua there, as bin/apisix checks); start -c F / quit / version. */
const APISIX_STAND_IN = `#!/bin/bash
set -e
echo "apisix $* (in $PWD)" >> "$STAND_IN_CALLS"
[[ -s ./apisix/cli/apisix.lua ]] || { echo "not run from an APISIX home: $PWD" >&2; exit 1; }
prefix=$PWD
case "$1" in
  version) echo "stand-in apisix"; exit 0 ;;
  start) [[ $2 == -c && -f $3 ]] || { echo "unexpected: $*" >&2; exit 2; }; conf=$3 ;;
  quit) exec nginx -p "$prefix" -c nginx.conf -e "$prefix/logs/error.log" -s quit ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
[[ -e conf/mime.types ]] || { echo "conf/mime.types missing from the home" >&2; exit 1; }
# node_listen's port: the first "port:" (apisix.control's comes after it).
port=$(sed -n 's/^ *port: \\([0-9]*\\)$/\\1/p' "$conf" | head -n 1)
name="stand-in apisix"; pidfile=logs/nginx.pid
${NGINX_CONF}
{ echo "stand-in apisix: home $prefix, TOLLGATE_PROBE=$TOLLGATE_PROBE"; cat "$conf"; } >> "$prefix/logs/error.log"
nginx -p "$prefix" -c nginx.conf -e "$prefix/logs/error.log"
# A worker of stock APISIX logs this when an item of apisix.yaml fails its checks.
if grep -q refuse-me conf/apisix.yaml; then echo "[error] failed to check item data of [routes] err:refuse-me" >> logs/error.log; fi
`;

let dir: string;
const saved = { KONG_BIN: process.env.KONG_BIN, APISIX_HOME: process.env.APISIX_HOME, STAND_IN_CALLS: process.env.STAND_IN_CALLS };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tollgate-stand-ins-"));
  writeFileSync(join(dir, "kong"), KONG_STAND_IN);
  chmodSync(join(dir, "kong"), 0o755);
  const home = join(dir, "apisix-home");
  for (const sub of ["apisix/cli", "bin", "conf", "deps"]) mkdirSync(join(home, sub), { recursive: true });
  writeFileSync(join(home, "apisix/cli/apisix.lua"), "-- stand-in\n");
  writeFileSync(join(home, "conf/mime.types"), "types {}\n");
  writeFileSync(join(home, "bin/apisix"), APISIX_STAND_IN);
  chmodSync(join(home, "bin/apisix"), 0o755);
  process.env.KONG_BIN = join(dir, "kong");
  process.env.APISIX_HOME = home;
  // Each stand-in appends its command line here (the CLIs inherit this process's environment).
  process.env.STAND_IN_CALLS = join(dir, "calls");
});

/** The command lines the stand-ins were run with, in order. */
function calls(): string[] {
  return readFileSync(join(dir, "calls"), "utf8").trim().split("\n");
}
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** The line of the stand-in's log naming its prefix or home. */
function placeIn(log: string, word: "prefix" | "home"): string {
  return new RegExp(`stand-in \\w+: ${word} (\\S+),`).exec(log)![1]!;
}

const KONG_CONFIG = { _format_version: "3.0", services: [{ name: "svc", url: "http://127.0.0.1:9000", routes: [{ name: "r", paths: ["/"] }] }] };

describe("the installed target against a stand-in kong CLI", () => {
  it("starts with `kong start -p -c` and a DB-less kong.conf, serves on the proxy port, reads the prefix's error.log, stops with `kong quit -p`", async () => {
    const gateway = await startInstalledKong(KONG_CONFIG, "http://127.0.0.1:9", { env: { TOLLGATE_PROBE: "kong-env" } });
    const port = Number(new URL(gateway.url).port);
    const reply = await fetch(gateway.url);
    expect(await reply.text()).toBe("stand-in kong\n");
    const log = gateway.errorLog();
    expect(log).toContain("TOLLGATE_PROBE=kong-env");
    expect(log).toContain("database = off");
    expect(log).toContain(`proxy_listen = 127.0.0.1:${port}`);
    expect(log).toContain("nginx_main_env = TOLLGATE_PROBE");
    const prefix = placeIn(log, "prefix");
    const pid = pidIn(join(prefix, "pids/nginx.pid"))!;
    expect(alive(pid)).toBe(true);
    await gateway.stop();
    expect(alive(pid)).toBe(false);
    expect(await listening(port)).toBe(false);
    expect(existsSync(prefix)).toBe(false);
    expect(calls().filter((line) => line.includes(prefix))).toEqual([`kong start -p ${prefix} -c ${join(prefix, "../kong.conf")}`, `kong quit -p ${prefix}`]);
  });

  it("rejects with NginxStartError carrying Kong's message when `kong start` fails", async () => {
    const config = { _format_version: "3.0", services: [{ name: "refuse-me", url: "http://127.0.0.1:9000" }] };
    const attempt = startInstalledKong(config, "http://127.0.0.1:9");
    await expect(attempt).rejects.toBeInstanceOf(NginxStartError);
    await expect(attempt).rejects.toThrow(/declarative config is invalid/);
  });
});

describe("the installed target against a stand-in apisix CLI", () => {
  it("starts with `apisix start -c` from a home of its own, serves on node_listen, reads the home's error.log, stops with `apisix quit`", async () => {
    const config = { routes: [{ id: "r", uri: "/*", upstream: { type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } } }] };
    const gateway = await startInstalledApisix(config, "http://127.0.0.1:9", { env: { TOLLGATE_PROBE: "apisix-env" } });
    const port = Number(new URL(gateway.url).port);
    expect(await (await fetch(gateway.url)).text()).toBe("stand-in apisix\n");
    const log = gateway.errorLog();
    expect(log).toContain("TOLLGATE_PROBE=apisix-env");
    expect(log).toContain("config_provider: yaml");
    const home = placeIn(log, "home");
    expect(home).not.toBe(process.env.APISIX_HOME);
    const pid = pidIn(join(home, "logs/nginx.pid"))!;
    await gateway.stop();
    expect(alive(pid)).toBe(false);
    expect(await listening(port)).toBe(false);
    expect(existsSync(home)).toBe(false);
    expect(calls().filter((line) => line.endsWith(`(in ${home})`))).toEqual([
      `apisix start -c ${home}/conf/config.yaml (in ${home})`,
      `apisix quit (in ${home})`,
    ]);
  });

  it("rejects with NginxStartError when APISIX logs that it left out part of apisix.yaml, and leaves nothing running", async () => {
    const config = { routes: [{ id: "refuse-me", uri: "/*", upstream: { nodes: { "127.0.0.1:9000": 1 } } }] };
    const attempt = startInstalledApisix(config, "http://127.0.0.1:9");
    await expect(attempt).rejects.toBeInstanceOf(NginxStartError);
    const error = (await attempt.catch((e: unknown) => e)) as NginxStartError;
    expect(error.message).toContain("failed to check item data of [routes] err:refuse-me");
    const port = Number(/node_listen:\n\s+- ip: 127\.0\.0\.1\n\s+port: (\d+)/.exec(error.log)![1]);
    expect(await listening(port)).toBe(false);
  });
});

/**
 * The test hosts behind the CLIs' command lines (targets/host-as-cli.ts): a plugin configured
 * only through the generated files (kong.conf / config.yaml, the declarative config with
 * its service pointed at the upstream) limits as configured.
 */
describe("the installed target's generated files, served by the test hosts behind the CLIs", () => {
  const STAND_INS = join(REPO_ROOT, "tests/runtime/targets/stand-ins");
  let echo: EchoUpstream;
  beforeAll(async () => {
    echo = await startEchoUpstream();
  });
  afterAll(async () => {
    await echo?.stop();
  });

  it.each(["kong", "apisix"] as const)("%s: tier-limit from the generated config answers 200, 200, then 429", async (kind) => {
    const conf = { tiers: { free: { limits: { GET: { minute: 2 } } } } };
    const env = kind === "kong" ? { KONG_BIN: join(STAND_INS, "kong") } : { APISIX_HOME: join(STAND_INS, "apisix-home") };
    // Both are set by this file's beforeAll (to the bash stand-ins above), so never undefined here.
    const before = { KONG_BIN: process.env.KONG_BIN!, APISIX_HOME: process.env.APISIX_HOME! };
    Object.assign(process.env, env);
    try {
      const start = kind === "kong" ? startInstalledKong : startInstalledApisix;
      const gateway = await start(tierLimitConfig(kind, conf) as never, echo.url);
      try {
        await roomInThisMinute(5);
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) statuses.push((await fetch(`${gateway.url}/limited`, { headers: { apikey: DEMO_KEYS.free } })).status);
        expect(statuses).toEqual([200, 200, 429]);
      } finally {
        await gateway.stop();
      }
    } finally {
      Object.assign(process.env, before);
    }
    // Three Node processes start per gateway here (kong/apisix start, its keeper, quit): slow on a loaded machine.
  }, 240_000);
});
