/**
 * A stock Apache APISIX, installed on this machine (APISIX_HOME, e.g. /usr/local/apisix),
 * started in standalone mode by its own CLI: `apisix start -c <config.yaml>`, stopped with
 * `apisix quit` (apisix/cli/ops.lua, 3.18.0): nginx's graceful stop, as the test hosts are
 * stopped (`apisix stop` is nginx's fast stop).
 *
 * APISIX runs nginx with its home as the prefix (`openresty -p <home>`, apisix/cli/env.lua)
 * and reads conf/apisix.yaml from there (core.profile:yaml_path). Suites start several
 * gateways at once, so each gets a home of its own: a staging directory whose `apisix/` and
 * `deps/` link to APISIX_HOME's and whose conf/ and logs/ are its own. bin/apisix takes
 * the home from the working directory when `./apisix/cli/apisix.lua` exists there (the
 * "install via source" branch), so the CLI is run from that directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { loadStandaloneConfig, pluginNamesIn, type ApisixStandaloneConfig } from "../apisix-host.ts";
import { freePort, luaPathEntries, NginxStartError, sharedDictsWith } from "../nginx.ts";
import { forget, missingCommand, remember, runCli } from "./cli.ts";
import { awaitExit, pidIn, pluginsOnPath, stage, stageFile, waitForPort } from "./staging.ts";
import { TOLLGATE_PLUGINS, type GatewayOptions, type RunningGateway } from "./target.ts";

/** What an APISIX node of the suites is made of; every path absolute. */
export interface ApisixSettings {
  port: number;
  /** The control API's port (apisix.control.port; APISIX's default is 9090). */
  controlPort: number;
  /** Directories put first on the Lua path (test-only plugins); lua-out follows them. */
  luaPath: string[];
  luaOut: string;
  /** The `plugins:` list (it replaces APISIX's default list). */
  plugins: string[];
  sharedDicts: Record<string, string>;
  workers: number;
  /** Environment variable names the plugins may read with os.getenv. */
  envNames: string[];
  /** A PEM of extra CAs for outbound TLS, trusted beside the system's. */
  trustedCaFile?: string;
}

/**
 * config.yaml for `settings`, by APISIX's names (apisix/cli/config.lua and schema.lua,
 * 3.18.0). Listeners APISIX opens on fixed default ports (admin 9180, TLS 9443) are
 * turned off so several nodes can run at once; the control API (default 127.0.0.1:9090,
 * apisix/cli/ops.lua) is kept on an ephemeral port: plugins' control_api() routes live there.
 */
export function apisixConfigYaml(settings: ApisixSettings): Record<string, unknown> {
  const ssl: Record<string, unknown> = { enable: false };
  if (settings.trustedCaFile !== undefined) ssl.ssl_trusted_certificate = `system,${settings.trustedCaFile}`;
  const nginxConfig: Record<string, unknown> = {
    worker_processes: settings.workers,
    // As the test hosts log (tests/runtime/nginx.ts: error_log ... info): suites read info lines.
    error_log_level: "info",
    http: { custom_lua_shared_dict: settings.sharedDicts },
  };
  if (settings.envNames.length > 0) nginxConfig.envs = settings.envNames;
  return {
    apisix: {
      node_listen: [{ ip: "127.0.0.1", port: settings.port }],
      enable_admin: false,
      enable_control: true,
      control: { ip: "127.0.0.1", port: settings.controlPort },
      enable_ipv6: false,
      ssl,
      extra_lua_path: luaPathEntries([...settings.luaPath, settings.luaOut]),
    },
    deployment: { role: "data_plane", role_data_plane: { config_provider: "yaml" } },
    nginx_config: nginxConfig,
    plugins: settings.plugins,
  };
}

/**
 * The test's standalone config with every upstream's nodes replaced by `upstreamUrl`'s
 * host:port, as the APISIX-shaped host does (apisix-host.ts), written as APISIX wants it:
 * YAML ending with `#END` (apisix/core/config_yaml.lua).
 */
export function apisixStandaloneYaml(config: string | ApisixStandaloneConfig, upstreamUrl: string): string {
  const parsed = typeof config === "string" ? loadStandaloneConfig(config) : structuredClone(config);
  const url = new URL(upstreamUrl);
  const node = `${url.hostname}:${url.port === "" ? 80 : url.port}`;
  const repoint = (upstream: unknown): void => {
    if (upstream !== null && typeof upstream === "object") (upstream as Record<string, unknown>).nodes = { [node]: 1 };
  };
  for (const route of parsed.routes ?? []) repoint(route.upstream);
  for (const service of parsed.services ?? []) repoint(service.upstream);
  for (const upstream of parsed.upstreams ?? []) repoint(upstream);
  return `${stringify(parsed)}#END\n`;
}

/** The plugins a node loads: every one the config names, tollgate's, and those on the extra Lua paths. */
export function apisixPlugins(config: ApisixStandaloneConfig, luaPath: readonly string[]): string[] {
  return [...new Set([...pluginNamesIn(config), ...TOLLGATE_PLUGINS, ...pluginsOnPath(luaPath, "apisix")])];
}

/** APISIX_HOME, checked: the directory holding apisix/cli/apisix.lua. */
export function apisixHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.APISIX_HOME;
  if (home === undefined || home === "") throw new Error("TOLLGATE_GATEWAY=installed: set APISIX_HOME to an APISIX installation (e.g. /usr/local/apisix)");
  if (!existsSync(join(home, "apisix/cli/apisix.lua"))) {
    throw new Error(`TOLLGATE_GATEWAY=installed: APISIX_HOME=${home} holds no apisix/cli/apisix.lua; set APISIX_HOME to an APISIX installation`);
  }
  return home;
}

/** The APISIX CLI to run: APISIX_BIN, else <APISIX_HOME>/bin/apisix when present, else `apisix` on PATH. */
export function apisixBin(home: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.APISIX_BIN !== undefined && env.APISIX_BIN !== "") return env.APISIX_BIN;
  const inHome = join(home, "bin/apisix");
  return existsSync(inHome) ? inHome : "apisix";
}

/** Settings for a node of the suites, with the options' files staged where APISIX's workers can read them. */
export async function stageApisix(
  config: string | ApisixStandaloneConfig,
  upstreamUrl: string,
  options: GatewayOptions,
): Promise<{ settings: ApisixSettings; standalone: string; stagingDir: string }> {
  const staging = stage("apisix", options);
  const standalone = apisixStandaloneYaml(config, upstreamUrl);
  const settings: ApisixSettings = {
    port: await freePort(),
    controlPort: await freePort(),
    luaPath: staging.luaPath,
    luaOut: staging.luaOut,
    plugins: apisixPlugins(parseYaml(standalone) as ApisixStandaloneConfig, staging.luaPath),
    sharedDicts: sharedDictsWith(options.sharedDicts),
    workers: options.workers ?? 1,
    envNames: Object.keys(options.env ?? {}),
    trustedCaFile: staging.trustedCaFile,
  };
  return { settings, standalone, stagingDir: staging.dir };
}

/** Files of APISIX_HOME/conf the node's own conf/ must not take: they are written per node. */
const OWN_CONF_FILES = new Set(["config.yaml", "apisix.yaml", "nginx.conf", ".customized_config_path"]);

/** A home of its own for one node (see the top of this file). */
function nodeHome(stagingDir: string, home: string): string {
  const own = join(stagingDir, "home");
  mkdirSync(join(own, "conf"), { recursive: true });
  mkdirSync(join(own, "logs"), { recursive: true });
  for (const dir of ["apisix", "deps"]) if (existsSync(join(home, dir))) symlinkSync(join(home, dir), join(own, dir));
  for (const entry of readdirSync(join(home, "conf"))) {
    if (!OWN_CONF_FILES.has(entry)) symlinkSync(join(home, "conf", entry), join(own, "conf", entry));
  }
  return own;
}

/**
 * Lines APISIX logs when it leaves out part of apisix.yaml it cannot load (an item failing
 * its schema or a plugin's check_schema; apisix/core/config_yaml.lua, sync_data): stock
 * APISIX keeps running without that item, where the test host refuses to start. The
 * suites' "refused at start-up" is this on APISIX.
 */
const LOAD_REFUSALS = /failed to check item data of \[|invalid item data of \[|failed to parse the content of file/;

/**
 * Whether a started APISIX left out part of its config. Routes are loaded when a worker
 * first builds its router: one request makes sure the config has been read (and any
 * refusal logged) before the log is looked at.
 */
export async function refusedAtLoad(url: string, errorLog: () => string): Promise<boolean> {
  await fetch(`${url}/`).then((r) => r.arrayBuffer(), () => undefined);
  return LOAD_REFUSALS.test(errorLog());
}

/** Starts APISIX with `apisix start`; rejects with NginxStartError when it refuses the config. */
export async function startInstalledApisix(
  config: string | ApisixStandaloneConfig,
  upstreamUrl: string,
  options: GatewayOptions = {},
): Promise<RunningGateway> {
  const home = apisixHome();
  const bin = apisixBin(home);
  const missing = missingCommand(bin, "APISIX_BIN or APISIX_HOME");
  if (missing !== undefined) throw new Error(missing);

  const { settings, standalone, stagingDir } = await stageApisix(config, upstreamUrl, options);
  const own = nodeHome(stagingDir, home);
  stageFile(join(own, "conf"), "apisix.yaml", standalone);
  const configFile = stageFile(join(own, "conf"), "config.yaml", stringify(apisixConfigYaml(settings)));
  const errorLog = (): string => {
    const file = join(own, "logs/error.log");
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  };
  const pidFile = join(own, "logs/nginx.pid");
  const stopNode = async (): Promise<void> => {
    const pid = pidIn(pidFile);
    await runCli(bin, ["quit"], { cwd: own });
    await awaitExit(pid, 10_000);
    forget(pid);
    if (!process.env.TOLLGATE_KEEP_PREFIX) rmSync(stagingDir, { recursive: true, force: true });
  };

  const started = await runCli(bin, ["start", "-c", configFile], { cwd: own, env: options.env });
  remember(pidIn(pidFile));
  let ready = started.code === 0 && (await waitForPort(settings.port, 30_000).then(() => true, () => false));
  if (ready) ready = !(await refusedAtLoad(`http://127.0.0.1:${settings.port}`, errorLog));
  if (!ready) {
    const log = `${started.output}\n${errorLog()}`;
    await stopNode();
    throw new NginxStartError(`apisix start -c ${configFile}: exit ${started.code}`, log);
  }

  return { url: `http://127.0.0.1:${settings.port}`, controlUrl: `http://127.0.0.1:${settings.controlPort}`, errorLog, stop: stopNode };
}
