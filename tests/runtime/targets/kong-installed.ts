/**
 * A stock Kong Gateway, installed on this machine, started DB-less by its own CLI:
 * `kong start -p <prefix> -c <kong.conf>`, stopped with `kong quit -p <prefix>`
 * (kong/cmd/start.lua, quit.lua, Kong 3.9.3). `quit` is nginx's graceful stop (SIGQUIT),
 * as the test hosts are stopped: suites check that what a plugin queued is sent on a stop,
 * which `kong stop` (SIGTERM, nginx's fast stop) does not promise. The binary is KONG_BIN
 * (default `kong` on PATH).
 *
 * The properties are Kong's own (kong/templates/kong_defaults.lua, 3.9.3); the shared dicts
 * go in through Kong's `nginx_http_*` injection as README.md "Install into Kong Gateway"
 * tells users to do. The same properties, as KONG_* variables, configure the containers
 * target (./containers.ts).
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadDeclarativeConfig, pointServicesAt, type DeclarativeConfig } from "../kong-host.ts";
import { freePort, luaPathEntries, NginxStartError, sharedDictsWith } from "../nginx.ts";
import { forget, missingCommand, remember, runCli } from "./cli.ts";
import { awaitExit, pidIn, pluginsOnPath, stage, stageFile, waitForPort } from "./staging.ts";
import { TOLLGATE_PLUGINS, type GatewayOptions, type RunningGateway } from "./target.ts";

/** What a Kong node of the suites is made of; every path absolute. */
export interface KongSettings {
  proxyPort: number;
  adminPort: number;
  /** The declarative config file (YAML). */
  declarativeConfig: string;
  /** Directories put first on the Lua path (test-only plugins); lua-out follows them. */
  luaPath: string[];
  /** The staged copy of lua-out/ (staging.ts). */
  luaOut: string;
  /** Plugins beside `bundled` and tollgate's (e.g. found under luaPath). */
  extraPlugins: string[];
  sharedDicts: Record<string, string>;
  workers: number;
  /** Environment variable names the plugins may read with os.getenv. */
  envNames: string[];
  /** A PEM of extra CAs for outbound TLS, trusted beside the system's. */
  trustedCaFile?: string;
}

/**
 * kong.conf properties for `settings`, by Kong's names. `nginx_http_lua_shared_dict` takes
 * several dicts in one value, as README shows: Kong writes `lua_shared_dict <value>;` into
 * the http block (kong/templates/nginx_kong.lua, injected directives), so each further
 * dict continues the directive after a `; lua_shared_dict`. `nginx_main_env` the same way.
 */
export function kongProperties(settings: KongSettings): Record<string, string> {
  const dicts = Object.entries(settings.sharedDicts).map(([name, size]) => `${name} ${size}`);
  const properties: Record<string, string> = {
    database: "off",
    declarative_config: settings.declarativeConfig,
    plugins: ["bundled", ...TOLLGATE_PLUGINS, ...settings.extraPlugins.filter((name) => !(TOLLGATE_PLUGINS as readonly string[]).includes(name))].join(","),
    // Kong appends ";;" itself (lua_package_path '${{LUA_PACKAGE_PATH}};;' in nginx_kong.lua).
    lua_package_path: luaPathEntries([...settings.luaPath, settings.luaOut]),
    nginx_http_lua_shared_dict: dicts.join("; lua_shared_dict "),
    nginx_worker_processes: String(settings.workers),
    proxy_listen: `127.0.0.1:${settings.proxyPort}`,
    admin_listen: `127.0.0.1:${settings.adminPort}`,
    // Kong's other listeners have fixed default ports; two nodes of one run would collide.
    admin_gui_listen: "off",
    status_listen: "off",
    anonymous_reports: "off",
    // As the test hosts log (tests/runtime/nginx.ts: error_log ... info): suites read info lines.
    log_level: "info",
  };
  if (settings.trustedCaFile !== undefined) properties.lua_ssl_trusted_certificate = `system,${settings.trustedCaFile}`;
  if (settings.envNames.length > 0) properties.nginx_main_env = settings.envNames.join("; env ");
  return properties;
}

/** A kong.conf file: one `name = value` line per property. */
export function kongConf(properties: Record<string, string>): string {
  const lines = Object.entries(properties).map(([name, value]) => {
    // kong.conf treats an unescaped # as the start of a comment (kong/conf_loader/parse.lua).
    return `${name} = ${value.replaceAll("#", "\\#")}`;
  });
  return `# written by tests/runtime/targets/kong-installed.ts\n${lines.join("\n")}\n`;
}

/** The test's config with every service pointed at `upstreamUrl`, as the Kong-shaped host does (kong-host.ts). */
export function kongDeclarativeConfig(config: string | DeclarativeConfig, upstreamUrl: string): DeclarativeConfig {
  return pointServicesAt(loadDeclarativeConfig(config), upstreamUrl);
}

/** The Kong CLI to run: KONG_BIN, else `kong` on PATH. */
export function kongBin(env: NodeJS.ProcessEnv = process.env): string {
  return env.KONG_BIN !== undefined && env.KONG_BIN !== "" ? env.KONG_BIN : "kong";
}

/** Settings for a node of the suites, with the options' files staged where Kong's workers can read them. */
export async function stageKong(
  config: string | DeclarativeConfig,
  upstreamUrl: string,
  options: GatewayOptions,
): Promise<{ settings: KongSettings; stagingDir: string }> {
  const staging = stage("kong", options);
  const declarativeConfig = stageFile(staging.dir, "kong.yml", stringify(kongDeclarativeConfig(config, upstreamUrl)));
  const settings: KongSettings = {
    proxyPort: await freePort(),
    adminPort: await freePort(),
    declarativeConfig,
    luaPath: staging.luaPath,
    luaOut: staging.luaOut,
    extraPlugins: pluginsOnPath(staging.luaPath, "kong"),
    sharedDicts: sharedDictsWith(options.sharedDicts),
    workers: options.workers ?? 1,
    envNames: Object.keys(options.env ?? {}),
    trustedCaFile: staging.trustedCaFile,
  };
  return { settings, stagingDir: staging.dir };
}

/** A running stock Kong node; `adminUrl` is its Admin API. */
export interface InstalledKong extends RunningGateway {
  adminUrl: string;
}

/** Starts Kong with `kong start`; rejects with NginxStartError (Kong's output) when Kong refuses. */
export async function startInstalledKong(
  config: string | DeclarativeConfig,
  upstreamUrl: string,
  options: GatewayOptions = {},
): Promise<InstalledKong> {
  const bin = kongBin();
  const missing = missingCommand(bin, "KONG_BIN to the kong CLI");
  if (missing !== undefined) throw new Error(missing);

  const { settings, stagingDir } = await stageKong(config, upstreamUrl, options);
  const confFile = stageFile(stagingDir, "kong.conf", kongConf(kongProperties(settings)));
  const prefix = join(stagingDir, "prefix");
  const errorLog = (): string => {
    const file = join(prefix, "logs/error.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };
  const pidFile = join(prefix, "pids/nginx.pid");
  const cleanUp = (): void => {
    if (!process.env.TOLLGATE_KEEP_PREFIX) rmSync(stagingDir, { recursive: true, force: true });
  };

  const started = await runCli(bin, ["start", "-p", prefix, "-c", confFile], { env: options.env });
  remember(pidIn(pidFile));
  const ready = started.code === 0 ? await waitForPort(settings.proxyPort, 30_000).then(() => true, () => false) : false;
  if (!ready) {
    const log = `${started.output}\n${errorLog()}`;
    await runCli(bin, ["quit", "-p", prefix]);
    await awaitExit(pidIn(pidFile), 10_000);
    forget(pidIn(pidFile));
    cleanUp();
    throw new NginxStartError(`kong start -p ${prefix}: exit ${started.code}${started.code === 0 ? ", proxy port never opened" : ""}`, log);
  }

  return {
    url: `http://127.0.0.1:${settings.proxyPort}`,
    adminUrl: `http://127.0.0.1:${settings.adminPort}`,
    errorLog,
    async stop() {
      const pid = pidIn(pidFile);
      await runCli(bin, ["quit", "-p", prefix]);
      await awaitExit(pid, 15_000);
      forget(pid);
      cleanUp();
    },
  };
}
