/**
 * TEST INFRASTRUCTURE: tollgate's test hosts behind the command lines of stock Kong and
 * APISIX, so the installed target (kong-installed.ts, apisix-installed.ts) can run the
 * gateway suites end to end where no stock gateway can be installed. It is not Kong or
 * APISIX: what it proves is that the installed target's generated files (kong.conf,
 * config.yaml, apisix.yaml, staged Lua dirs and CAs) carry everything the suites need, and
 * that its start, stop and error-log handling hold up under the real suites.
 *
 *   host-as-cli.ts kong version | start -p <prefix> -c <kong.conf> | quit -p <prefix>
 *   host-as-cli.ts apisix version | start -c <config.yaml> | quit      (run from the home)
 *
 * `start` runs a detached keeper (`serve`) that starts the test host and forwards the port
 * the generated config names to the host's own; its pid stands in for the nginx master's
 * (Kong: <prefix>/pids/nginx.pid, APISIX: <home>/logs/nginx.pid) and SIGQUIT stops it
 * gracefully, as nginx's master. docs/TESTING-GATEWAYS.md shows how to point KONG_BIN and
 * APISIX_HOME at it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { startApisixHost, type ApisixStandaloneConfig } from "../apisix-host.ts";
import { loadDeclarativeConfig, startKongHost } from "../kong-host.ts";
import { alive, pidIn, waitForPort } from "./staging.ts";

type Kind = "kong" | "apisix";

/** What both test hosts return. */
interface Host {
  port: number;
  /** The APISIX host's control server, when it runs one. */
  controlUrl?: string;
  prefix: string;
  stop(): Promise<void>;
}

interface Place {
  /** Where the keeper's pid and the log go. */
  pidFile: string;
  errorLog: string;
  startError: string;
}

function placeOf(kind: Kind, root: string): Place {
  const logs = join(root, "logs");
  mkdirSync(logs, { recursive: true });
  if (kind === "kong") mkdirSync(join(root, "pids"), { recursive: true });
  return {
    pidFile: kind === "kong" ? join(root, "pids/nginx.pid") : join(logs, "nginx.pid"),
    errorLog: join(logs, "error.log"),
    startError: join(root, "start-error.log"),
  };
}

/** kong.conf's `name = value` lines (no escapes beyond `\#`, which the generated file uses). */
function kongConfValues(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([a-z_]+) = (.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!.replaceAll("\\#", "#");
  }
  return values;
}

/** The directories of a Lua path (`<dir>/?.lua;<dir>/?/init.lua;…`), in order, each once. */
function luaDirs(path: string): string[] {
  return [...new Set(path.split(";").filter((entry) => entry.endsWith("/?.lua")).map((entry) => entry.slice(0, -"/?.lua".length)))];
}

/** Forwards 127.0.0.1:`from` to 127.0.0.1:`to`; resolves once listening. */
function forward(from: number, to: number): Promise<() => void> {
  const server = createServer((client) => {
    const upstream = connect(to, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((resolve) => server.listen(from, "127.0.0.1", () => resolve(() => server.close())));
}

/** The host for a Kong node: kong.conf → startKongHost's options. */
async function serveKong(conf: string): Promise<{ port: number; host: Host }> {
  const values = kongConfValues(conf);
  const config = loadDeclarativeConfig(values.declarative_config!);
  const service = config.services?.[0];
  const upstreamUrl = service ? `http://${service.host}:${service.port}` : "http://127.0.0.1:9";
  const dicts = Object.fromEntries(values.nginx_http_lua_shared_dict!.split("; lua_shared_dict ").map((entry) => entry.split(" ") as [string, string]));
  const envNames = values.nginx_main_env === undefined ? [] : values.nginx_main_env.split("; env ");
  const ca = values.lua_ssl_trusted_certificate?.split(",").filter((entry) => entry !== "system");
  const host = await startKongHost({
    config,
    upstreamUrl,
    workers: Number(values.nginx_worker_processes),
    luaPath: luaDirs(values.lua_package_path!),
    sharedDicts: dicts,
    env: Object.fromEntries(envNames.map((name) => [name, process.env[name] ?? ""])),
    trustedCaFiles: ca,
  });
  return { port: Number(/:(\d+)$/.exec(values.proxy_listen!)![1]), host };
}

/** The host for an APISIX node: conf/config.yaml and conf/apisix.yaml of the home → startApisixHost's options. */
async function serveApisix(home: string, conf: string): Promise<{ port: number; controlPort?: number; host: Host }> {
  const settings = parseYaml(readFileSync(conf, "utf8")) as {
    apisix: {
      node_listen: { port: number }[];
      extra_lua_path: string;
      ssl: { ssl_trusted_certificate?: string };
      enable_control?: boolean;
      control?: { port?: number };
    };
    nginx_config: { worker_processes: number; envs?: string[]; http: { custom_lua_shared_dict: Record<string, string> } };
  };
  const standalone = join(home, "conf/apisix.yaml");
  const config = parseYaml(readFileSync(standalone, "utf8")) as ApisixStandaloneConfig;
  const node = Object.keys((config.upstreams?.[0]?.nodes as Record<string, number> | undefined) ?? { "127.0.0.1:9": 1 })[0];
  const host = await startApisixHost({
    config: standalone,
    upstreamUrl: `http://${node}`,
    workers: settings.nginx_config.worker_processes,
    luaPath: luaDirs(settings.apisix.extra_lua_path),
    sharedDicts: settings.nginx_config.http.custom_lua_shared_dict,
    env: Object.fromEntries((settings.nginx_config.envs ?? []).map((name) => [name, process.env[name] ?? ""])),
    trustedCaFiles: settings.apisix.ssl.ssl_trusted_certificate?.split(",").filter((entry) => entry !== "system"),
    enableControl: settings.apisix.enable_control !== false,
  });
  // apisix/cli/ops.lua: the control server listens on apisix.control.port, 9090 by default.
  const controlPort = settings.apisix.enable_control === false ? undefined : (settings.apisix.control?.port ?? 9090);
  return { port: settings.apisix.node_listen[0]!.port, controlPort, host };
}

/** The keeper: starts the host, forwards the configured port, stops on SIGQUIT/SIGTERM. */
async function serve(kind: Kind, root: string, conf: string): Promise<void> {
  const place = placeOf(kind, root);
  let served: { port: number; controlPort?: number; host: Host };
  try {
    served = kind === "kong" ? await serveKong(conf) : await serveApisix(root, conf);
  } catch (error) {
    writeFileSync(place.startError, `Error: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const close = await forward(served.port, served.host.port);
  const controlPort = served.controlPort;
  const controlUrl = served.host.controlUrl;
  const closeControl = controlPort !== undefined && controlUrl !== undefined ? await forward(controlPort, Number(new URL(controlUrl).port)) : undefined;
  symlinkSync(join(served.host.prefix, "logs/error.log"), place.errorLog);
  writeFileSync(place.pidFile, `${process.pid}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    close();
    closeControl?.();
    await served.host.stop();
    process.exit(0);
  };
  process.on("SIGQUIT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

/** `start`: the keeper, detached; exits 0 once its port accepts, 1 with its message if it fails. */
async function start(kind: Kind, root: string, conf: string, port: number): Promise<number> {
  const place = placeOf(kind, root);
  const out = openSync(join(root, "logs/keeper.log"), "a");
  const keeper = spawn(process.execPath, [...process.execArgv, import.meta.filename, kind, "serve", root, conf], {
    detached: true,
    stdio: ["ignore", out, out],
    env: process.env,
  });
  keeper.unref();
  const exited = new Promise<void>((resolve) => keeper.on("exit", () => resolve()));
  const ready = await Promise.race([waitForPort(port, 30_000).then(() => true, () => false), exited.then(() => false)]);
  if (ready) return 0;
  process.stderr.write(existsSync(place.startError) ? readFileSync(place.startError, "utf8") : "the test host did not start\n");
  return 1;
}

async function quit(pidFile: string): Promise<number> {
  const pid = pidIn(pidFile);
  if (pid === undefined) return 0;
  process.kill(pid, "SIGQUIT");
  for (let i = 0; i < 150 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [kind, command, ...args] = argv as [Kind, string, ...string[]];
  if (command === "version") {
    console.log(`tollgate ${kind}-shaped test host behind ${kind}'s CLI (tests/runtime/targets/host-as-cli.ts)`);
    return 0;
  }
  if (command === "serve") {
    await serve(kind, args[0]!, args[1]!);
    return -1; // keeps running until SIGQUIT
  }
  if (kind === "kong" && command === "start" && args[0] === "-p" && args[2] === "-c") {
    const conf = args[3]!;
    return start("kong", args[1]!, conf, Number(/:(\d+)$/.exec(kongConfValues(conf).proxy_listen!)![1]));
  }
  if (kind === "kong" && command === "quit" && args[0] === "-p") return quit(join(args[1]!, "pids/nginx.pid"));
  if (kind === "apisix" && command === "start" && args[0] === "-c") {
    const conf = args[1]!;
    const port = (parseYaml(readFileSync(conf, "utf8")) as { apisix: { node_listen: { port: number }[] } }).apisix.node_listen[0]!.port;
    return start("apisix", process.cwd(), conf, port);
  }
  if (kind === "apisix" && command === "quit") return quit(join(process.cwd(), "logs/nginx.pid"));
  process.stderr.write(`host-as-cli: unexpected arguments: ${argv.join(" ")}\n`);
  return 2;
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);
