/**
 * Starts the tollgate APISIX-shaped TEST host: a real Debian nginx + ngx_lua
 * that loads APISIX 3.x plugin files (`apisix/plugins/<name>.lua` from
 * lua-out/, unchanged) behind the small `apisix.core` subset and runtime in
 * tests/runtime/apisix/.
 *
 * This is NOT Apache APISIX and not a product: it is test and playground
 * infrastructure for machines without an APISIX image. It reads a standalone
 * `apisix.yaml` (routes, services, upstreams, plugin_configs, consumers,
 * consumer_groups, global_rules), runs key-auth itself and proxies every
 * route to the one upstream you name. What it does not emulate is listed in
 * tests/runtime/apisix/tollgate_apisix_host/init.lua (no etcd / Admin API /
 * config.yaml, no load balancing or upstream options, no bundled APISIX
 * plugins other than key-auth, no host/vars route matching, only the
 * documented apisix.core subset, ...).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { freePort, luaPathEntries, sharedDictsWith, startNginx, LUA_OUT, LUA_TEST_HOSTS_DIR, REPO_ROOT } from "./nginx.ts";
import { trustedCas } from "./tls.ts";

/** Directory holding the host's Lua (apisix/core*.lua, tollgate_apisix_host/). */
export const APISIX_HOST_LUA = join(REPO_ROOT, "tests/runtime/apisix");

type PluginConfs = Record<string, Record<string, unknown>>;

/** The parts of APISIX's standalone `apisix.yaml` this host reads. */
export interface ApisixStandaloneConfig {
  routes?: Array<{
    id?: string | number;
    name?: string;
    uri?: string;
    uris?: string[];
    methods?: string[];
    priority?: number;
    status?: 0 | 1;
    upstream?: Record<string, unknown>;
    upstream_id?: string | number;
    service_id?: string | number;
    plugin_config_id?: string | number;
    plugins?: PluginConfs;
    [key: string]: unknown;
  }>;
  services?: Array<{
    id: string | number;
    name?: string;
    upstream?: Record<string, unknown>;
    upstream_id?: string | number;
    plugins?: PluginConfs;
    [key: string]: unknown;
  }>;
  upstreams?: Array<{ id: string | number; [key: string]: unknown }>;
  plugin_configs?: Array<{ id: string | number; plugins: PluginConfs; [key: string]: unknown }>;
  consumers?: Array<{
    /** A consumer; or, with `id: "<username>/credentials/<cred id>"`, a credential. */
    username?: string;
    id?: string;
    desc?: string;
    labels?: Record<string, string>;
    group_id?: string | number;
    plugins?: PluginConfs;
    [key: string]: unknown;
  }>;
  consumer_groups?: Array<{
    id: string | number;
    labels?: Record<string, string>;
    plugins?: PluginConfs;
    [key: string]: unknown;
  }>;
  global_rules?: Array<{ id: string | number; plugins: PluginConfs; [key: string]: unknown }>;
  [key: string]: unknown;
}

export interface ApisixHostOptions {
  /** Path to an apisix.yaml (must end with `#END`, as APISIX requires) or the parsed object. */
  config: string | ApisixStandaloneConfig;
  /** Every upstream's nodes are replaced by this one node, e.g. the echo upstream's url. */
  upstreamUrl: string;
  /** nginx worker processes; default 1. */
  workers?: number;
  /** Extra directories put FIRST on lua_package_path (`<dir>/?.lua;<dir>/?/init.lua`). */
  luaPath?: string[];
  /**
   * Where the plugins' Lua modules come from instead of lua-out/: a LuaRocks tree's
   * share/lua/5.1 (tests/runtime/rock-install.test.ts). lua-out/ is then off the path.
   */
  pluginTree?: string;
  /** lua_shared_dict name -> size, merged over the defaults tollgate's plugins need. */
  sharedDicts?: Record<string, string>;
  /** Plugins to load (config.yaml `plugins:`). Default: every plugin named in the config except key-auth and jwt-auth (built in). */
  plugins?: string[];
  /** Environment for nginx (declared with `env` so plugins can os.getenv it). */
  env?: Record<string, string>;
  /** CA files trusted for outbound TLS besides the system's (APISIX: apisix.ssl.ssl_trusted_certificate = system,<files>). */
  trustedCaFiles?: string[];
  /**
   * The control server (apisix.enable_control; on by default, as in APISIX 3.x's
   * conf/config.yaml and apisix/cli/config.lua). false: none, as enable_control: false.
   */
  enableControl?: boolean;
}

export interface ApisixHost {
  port: number;
  url: string;
  /** The control API (`http://127.0.0.1:<control port>`): plugins' control_api() routes; absent with enableControl false. */
  controlUrl?: string;
  /** nginx prefix directory (conf/, logs/); removed by stop() unless TOLLGATE_KEEP_PREFIX is set. */
  prefix: string;
  stop(): Promise<void>;
  errorLog(): string;
}


const PLUGIN_HOLDERS = [
  "routes",
  "services",
  "plugin_configs",
  "consumers",
  "consumer_groups",
  "global_rules",
] as const;

/** Reads and parses an apisix.yaml; APISIX refuses a file without the `#END` flag, so do we. */
export function loadStandaloneConfig(path: string): ApisixStandaloneConfig {
  const text = readFileSync(path, "utf8");
  if (!/#END\s*$/.test(text)) {
    throw new Error(`missing valid end flag in file ${path} (APISIX standalone files end with "#END")`);
  }
  const parsed: unknown = parseYaml(text);
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error(`${path}: expected a YAML mapping at the top level`);
  }
  return parsed as ApisixStandaloneConfig;
}

/** Every plugin name used anywhere in the config, sorted. */
export function pluginNamesIn(config: ApisixStandaloneConfig): string[] {
  const names = new Set<string>();
  for (const holder of PLUGIN_HOLDERS) {
    const items = config[holder];
    if (!Array.isArray(items)) continue;
    for (const item of items as Array<{ plugins?: PluginConfs }>) {
      for (const name of Object.keys(item.plugins ?? {})) names.add(name);
    }
  }
  return [...names].sort();
}

/** `http://127.0.0.1:8080` -> `127.0.0.1:8080`; the upstream block takes no resolver, so an IP literal is required. */
function upstreamNode(upstreamUrl: string): string {
  const url = new URL(upstreamUrl);
  const host = url.hostname;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
  if (url.protocol !== "http:" || !isIp || url.port === "") {
    throw new Error(`upstreamUrl must be http://<IP literal>:<port>, got ${upstreamUrl}`);
  }
  return `${host}:${url.port}`;
}

/** A deep copy whose upstream `nodes` all point at `node` (cosmetic: nginx proxies to it anyway). */
function withSingleUpstream(config: ApisixStandaloneConfig, node: string): ApisixStandaloneConfig {
  const copy = structuredClone(config);
  const repoint = (upstream: unknown): void => {
    if (upstream && typeof upstream === "object") (upstream as Record<string, unknown>).nodes = { [node]: 1 };
  };
  for (const route of copy.routes ?? []) repoint(route.upstream);
  for (const service of copy.services ?? []) repoint(service.upstream);
  for (const upstream of copy.upstreams ?? []) repoint(upstream);
  return copy;
}

/** Lua string literal for a path (JSON escaping is valid Lua for these characters). */
function luaString(value: string): string {
  return JSON.stringify(value);
}

function httpBlock(opts: {
  port: number;
  upstream: string;
  luaPath: string[];
  pluginTree: string;
  sharedDicts: Record<string, string>;
  confFile: string;
  /** lua_ssl_* directives (see tests/runtime/tls.ts). */
  tlsDirectives: string;
  /** The control server's port, or undefined for none. */
  controlPort?: number;
}): string {
  // Order matters: test stubs first, then the real plugins, then the host's
  // apisix.core (lua-out has no apisix/core.lua), then ";;" for resty.core.
  const packagePath = `${luaPathEntries([...opts.luaPath, opts.pluginTree, APISIX_HOST_LUA, LUA_TEST_HOSTS_DIR])};;`;
  const dicts = Object.entries(opts.sharedDicts)
    .map(([name, size]) => `  lua_shared_dict ${name} ${size};`)
    .join("\n");
  return `
  lua_package_path "${packagePath}";
  # As APISIX's template (apisix/cli/ngx_tpl.lua, 3.18.0): cosocket errors are the
  # caller's to log; the regex limits its plugins run under.
  lua_socket_log_errors off;
  lua_regex_match_limit 100000;
  lua_regex_cache_max_entries 8192;
${dicts}
${opts.tlsDirectives}  init_by_lua_block {
    require("tollgate_apisix_host").http_init(ngx.config.prefix() .. ${luaString(opts.confFile)})
  }
  init_worker_by_lua_block {
    require("tollgate_apisix_host").http_init_worker()
  }

  upstream tollgate_apisix_upstream {
    server ${opts.upstream};
    keepalive 320;
  }

  server {
    listen 127.0.0.1:${opts.port} reuseport backlog=4096;

    location / {
      access_by_lua_block {
        require("tollgate_apisix_host").http_access_phase()
      }

      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_pass http://tollgate_apisix_upstream;

      header_filter_by_lua_block {
        require("tollgate_apisix_host").http_header_filter_phase()
      }
      body_filter_by_lua_block {
        require("tollgate_apisix_host").http_body_filter_phase()
      }
      log_by_lua_block {
        require("tollgate_apisix_host").http_log_phase()
      }
    }
  }
${opts.controlPort === undefined ? "" : controlServer(opts.controlPort)}`;
}

/**
 * The control server, as apisix/cli/ngx_tpl.lua (3.18.0) writes it with enable_control: a
 * server of its own on control_server_addr (apisix/cli/ops.lua: apisix.control.ip and
 * port, default 127.0.0.1:9090; here an ephemeral port), access_log off, and one location
 * running apisix.http_control() in content_by_lua. The proxy server never routes to it.
 */
function controlServer(port: number): string {
  return `
  server {
    listen 127.0.0.1:${port};
    access_log off;

    location / {
      content_by_lua_block {
        require("tollgate_apisix_host").http_control()
      }
    }
  }`;
}

/** Starts nginx with the APISIX-shaped host; throws NginxStartError (with nginx's output) if it refuses the config. */
export async function startApisixHost(opts: ApisixHostOptions): Promise<ApisixHost> {
  const config = typeof opts.config === "string" ? loadStandaloneConfig(opts.config) : opts.config;
  const node = upstreamNode(opts.upstreamUrl);
  const plugins = opts.plugins ?? pluginNamesIn(config).filter((name) => name !== "key-auth" && name !== "jwt-auth");
  const port = await freePort();
  const controlPort = opts.enableControl === false ? undefined : await freePort();
  const confFile = "conf/tollgate-apisix.json";
  const tls = trustedCas(opts.trustedCaFiles);

  const nginx = await startNginx({
    name: "apisix-host",
    workers: opts.workers ?? 1,
    waitForPorts: controlPort === undefined ? [port] : [port, controlPort],
    env: opts.env,
    files: {
      [confFile]: JSON.stringify({ config: withSingleUpstream(config, node), plugins }, null, 2),
      ...tls.files,
    },
    httpBlock: httpBlock({
      port,
      upstream: node,
      luaPath: opts.luaPath ?? [],
      pluginTree: opts.pluginTree ?? LUA_OUT,
      sharedDicts: sharedDictsWith(opts.sharedDicts),
      confFile,
      tlsDirectives: tls.directives,
      controlPort,
    }),
  });

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    controlUrl: controlPort === undefined ? undefined : `http://127.0.0.1:${controlPort}`,
    prefix: nginx.prefix,
    stop: () => nginx.stop(),
    errorLog: () => nginx.errorLog(),
  };
}
