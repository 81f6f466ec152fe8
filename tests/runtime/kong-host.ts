/**
 * Starts the tollgate Kong-shaped test host: real Debian nginx + ngx_lua
 * running Kong 3.x plugins (the same `kong/plugins/<name>/handler.lua` and
 * `schema.lua` a user installs into Kong) behind a small Lua emulation of
 * Kong's runloop, router, key-auth and PDK subset (tests/runtime/kong/).
 *
 * TEST AND PLAYGROUND INFRASTRUCTURE ONLY. This is not Kong and not a
 * product: it exists because no Kong image can run on the project's
 * machines. What it emulates and what it does not is listed at the top of
 * tests/runtime/kong/tollgate_kong_host/init.lua.
 *
 * The launcher's part: read the declarative config (kong.yml or an object),
 * point every service at the given upstream, write the config as JSON into
 * the nginx prefix, and generate the `http {}` block. All validation happens
 * in the Lua host at nginx start-up, so a bad config makes `startKongHost`
 * reject with `NginxStartError` carrying nginx's message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { freePort, LUA_OUT, LUA_TEST_HOSTS_DIR, luaPathEntries, REPO_ROOT, sharedDictsWith, startNginx, type NginxInstance } from "./nginx.ts";
import { trustedCas } from "./tls.ts";

/** Directory of the Lua host (`tollgate_kong_host`, `kong.db.schema.typedefs`, `kong.meta`). */
export const KONG_HOST_LUA_DIR = join(REPO_ROOT, "tests/runtime/kong");


/** A plugin entry of a declarative config. */
export interface KongPluginEntry {
  name: string;
  config?: Record<string, unknown>;
  enabled?: boolean;
  service?: string | { id?: string; name?: string };
  route?: string | { id?: string; name?: string };
  consumer?: string | { id?: string; username?: string };
  protocols?: string[];
  [key: string]: unknown;
}

export interface KongRouteEntry {
  name?: string;
  paths?: string[];
  methods?: string[];
  hosts?: string[];
  strip_path?: boolean;
  preserve_host?: boolean;
  service?: string | { id?: string; name?: string };
  plugins?: KongPluginEntry[];
  [key: string]: unknown;
}

export interface KongServiceEntry {
  name?: string;
  url?: string;
  protocol?: string;
  host?: string;
  port?: number;
  path?: string;
  routes?: KongRouteEntry[];
  plugins?: KongPluginEntry[];
  [key: string]: unknown;
}

export interface KongConsumerEntry {
  username?: string;
  custom_id?: string;
  tags?: string[];
  keyauth_credentials?: { key: string; id?: string; [key: string]: unknown }[];
  plugins?: KongPluginEntry[];
  [key: string]: unknown;
}

/** The plugins the host itself provides (tests/runtime/kong/tollgate_kong_host/): not loaded from a Lua path. */
const BUNDLED_PLUGINS = ["key-auth", "jwt"];

/** The shape of a DB-less `kong.yml` (format 3.0), as far as the host reads it. */
export interface DeclarativeConfig {
  _format_version: string;
  services?: KongServiceEntry[];
  routes?: KongRouteEntry[];
  consumers?: KongConsumerEntry[];
  plugins?: KongPluginEntry[];
  keyauth_credentials?: { key: string; consumer: string | { id?: string; username?: string }; [key: string]: unknown }[];
  [key: string]: unknown;
}

export interface KongHostOptions {
  /** Path to a kong.yml (YAML) or an object of the same shape. */
  config: string | DeclarativeConfig;
  /** Every service's url/host/port is replaced by this (e.g. the echo upstream). Must be http://. */
  upstreamUrl: string;
  /** nginx worker_processes, default 1. */
  workers?: number;
  /** Extra dirs put FIRST on lua_package_path (each as `<dir>/?.lua;<dir>/?/init.lua`). */
  luaPath?: string[];
  /**
   * Where the plugins' Lua modules come from instead of lua-out/: a LuaRocks tree's
   * share/lua/5.1 (tests/runtime/rock-install.test.ts). lua-out/ is then off the path.
   */
  pluginTree?: string;
  /** lua_shared_dict name -> size, merged over DEFAULT_SHARED_DICTS. */
  sharedDicts?: Record<string, string>;
  /** Custom plugins to load (KONG_PLUGINS=bundled,<names>); default: every plugin named in the config except the host's bundled ones. */
  plugins?: string[];
  /** Environment for nginx (each key also gets an `env` directive, so `os.getenv` sees it). */
  env?: Record<string, string>;
  /** CA files trusted for outbound TLS besides the system's (Kong: lua_ssl_trusted_certificate = system,<files>). */
  trustedCaFiles?: string[];
  /** The Kong the host plays (kong.version, accepted _format_versions, get_path); default 3.9.0. */
  kongVersion?: KongVersion;
}

/** The Kong versions the host can play (see tests/runtime/README.md). */
export type KongVersion = "3.9.0" | "2.8.5";

export interface KongHost {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The plugins' Admin API modules, on their own port like Kong's admin_listen (tollgate_kong_host/admin.lua). */
  adminUrl: string;
  /** The nginx prefix (conf/kong.json, conf/kong-host.json, logs/error.log). */
  prefix: string;
  nginx: NginxInstance;
  /** The config as the host loaded it (services pointed at the upstream). */
  config: DeclarativeConfig;
  stop(): Promise<void>;
  errorLog(): string;
}

/** Everything needed to run the host in an nginx you start yourself (e.g. a benchmark). */
export interface KongHostSetup {
  httpBlock: string;
  /** Files to write into the prefix (path relative to the prefix). */
  files: Record<string, string>;
  config: DeclarativeConfig;
  plugins: string[];
}

export interface KongHttpBlockOptions {
  port: number;
  /** Name of the nginx `upstream` block requests go to by default. */
  upstreamName: string;
  /** `host:port` of the upstream (the server in the upstream block). */
  upstreamTarget: string;
  /** The Host header sent upstream by default (Kong: service host, plus port when not 80). */
  upstreamHostHeader: string;
  luaPath?: string[];
  /** See KongHostOptions.pluginTree. */
  pluginTree?: string;
  sharedDicts?: Record<string, string>;
  /** Upstream keepalive connections per worker, default 64. */
  keepalive?: number;
  /** lua_ssl_* directives (see tests/runtime/tls.ts). */
  tlsDirectives?: string;
  /** Port of the Admin API server (none when absent). */
  adminPort?: number;
}

/** Kong's admin server (kong/templates/nginx_kong.lua, server kong_admin): apart from the proxy. */
function adminServer(port: number): string {
  return `
  server {
    charset UTF-8;
    listen 127.0.0.1:${port};

    location / {
      default_type application/json;
      content_by_lua_block {
        TollgateKongHost.admin()
      }
    }
  }
`;
}

/** Reads kong.yml (path) or deep-copies a config object. */
export function loadDeclarativeConfig(config: string | DeclarativeConfig): DeclarativeConfig {
  const raw: unknown = typeof config === "string" ? parseYaml(readFileSync(config, "utf8")) : structuredClone(config);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new Error(`declarative config ${typeof config === "string" ? config : "object"} is not a mapping`);
  }
  return raw as DeclarativeConfig;
}

/** host, port and Host-header value of an http:// upstream URL. */
function parseUpstream(upstreamUrl: string): { host: string; port: number; hostHeader: string } {
  const url = new URL(upstreamUrl);
  if (url.protocol !== "http:") {
    throw new Error(`upstreamUrl must be http://, got ${upstreamUrl}`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? 80 : Number(url.port);
  return { host, port, hostHeader: port === 80 ? host : `${host}:${port}` };
}

/** The path part of a service url ("http://x:1/api" -> "/api"; none -> undefined, as in Kong). */
function servicePath(service: KongServiceEntry): string | undefined {
  if (typeof service.url === "string") {
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(service.url);
    const path = match?.[1];
    return path === undefined || path === "" ? undefined : path;
  }
  return typeof service.path === "string" ? service.path : undefined;
}

/** A copy of `config` whose services all point at `upstreamUrl` (service paths kept). */
export function pointServicesAt(config: DeclarativeConfig, upstreamUrl: string): DeclarativeConfig {
  const { host, port } = parseUpstream(upstreamUrl);
  const out = structuredClone(config);
  for (const service of out.services ?? []) {
    const path = servicePath(service);
    delete service.url;
    service.protocol = "http";
    service.host = host;
    service.port = port;
    if (path === undefined) delete service.path;
    else service.path = path;
  }
  return out;
}

/** Names of all plugins the config uses, in order of first appearance. */
export function pluginNames(config: DeclarativeConfig): string[] {
  const names = new Set<string>();
  const add = (list: KongPluginEntry[] | undefined): void => {
    for (const plugin of list ?? []) names.add(plugin.name);
  };
  add(config.plugins);
  for (const service of config.services ?? []) {
    add(service.plugins);
    for (const route of service.routes ?? []) add(route.plugins);
  }
  for (const route of config.routes ?? []) add(route.plugins);
  for (const consumer of config.consumers ?? []) add(consumer.plugins);
  return [...names];
}

function luaPackagePath(extra: string[], pluginTree = LUA_OUT): string {
  const dirs = [...extra, pluginTree, KONG_HOST_LUA_DIR, LUA_TEST_HOSTS_DIR];
  // `;;` keeps the default path (resty.core, cjson): without it nginx dies at start-up.
  return `${luaPathEntries(dirs)};;`;
}

/**
 * The `http {}` contents of the host (without the common lines nginx.ts adds).
 * The Lua host reads conf/kong.json and conf/kong-host.json from the prefix.
 */
export function kongHttpBlock(opts: KongHttpBlockOptions): string {
  const dicts = sharedDictsWith(opts.sharedDicts);
  const dictLines = Object.entries(dicts)
    .map(([name, size]) => `  lua_shared_dict ${name} ${size};`)
    .join("\n");
  return `
  # tollgate Kong-shaped TEST host (not Kong): tests/runtime/kong-host.ts
  lua_package_path "${luaPackagePath(opts.luaPath ?? [], opts.pluginTree)}";
  # As Kong's template (kong/templates/nginx_kong.lua, 3.9.3): cosocket errors are the
  # caller's to log, and the timer limits plugins run under.
  lua_socket_log_errors off;
  lua_max_running_timers 4096;
  lua_max_pending_timers 16384;
  underscores_in_headers on;
${dictLines}
${opts.tlsDirectives ?? ""}  client_max_body_size 0;

  init_by_lua_block {
    require("tollgate_kong_host").init()
  }
  init_worker_by_lua_block {
    TollgateKongHost.init_worker()
  }

  upstream ${opts.upstreamName} {
    server ${opts.upstreamTarget};
    keepalive ${opts.keepalive ?? 64};
  }

  server {
    listen 127.0.0.1:${opts.port} reuseport backlog=4096;

    location / {
      # Set per request by the host when they differ from these defaults.
      set $tollgate_upstream ${opts.upstreamName};
      set $tollgate_upstream_host '${opts.upstreamHostHeader}';
      set $tollgate_upstream_path '';

      access_by_lua_block {
        TollgateKongHost.access()
      }

      proxy_http_version 1.1;
      proxy_set_header Host $tollgate_upstream_host;
      proxy_set_header Connection "";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_pass_header Server;
      proxy_pass_header Date;
      # The host part names an upstream{} block, so no resolver is involved.
      proxy_pass http://$tollgate_upstream$tollgate_upstream_path$is_args$args;

      header_filter_by_lua_block {
        TollgateKongHost.header_filter()
      }
      body_filter_by_lua_block {
        TollgateKongHost.body_filter()
      }
      log_by_lua_block {
        TollgateKongHost.log()
      }
    }
  }
${opts.adminPort === undefined ? "" : adminServer(opts.adminPort)}`;
}

/** Builds the http block and prefix files for `opts`, listening on `port`. */
export function prepareKongHost(opts: KongHostOptions, port: number, adminPort?: number): KongHostSetup {
  const upstream = parseUpstream(opts.upstreamUrl);
  const config = pointServicesAt(loadDeclarativeConfig(opts.config), opts.upstreamUrl);
  const plugins = opts.plugins ?? pluginNames(config).filter((name) => !BUNDLED_PLUGINS.includes(name));
  const upstreamName = "tollgate_upstream_1";
  const upstreamTarget = `${upstream.host.includes(":") ? `[${upstream.host}]` : upstream.host}:${upstream.port}`;
  const settings = {
    plugins,
    // "host:port" of a service -> the upstream{} block serving it (see init.lua).
    upstreams: { [`${upstream.host}:${upstream.port}`]: upstreamName },
    default_upstream: upstreamName,
    default_upstream_host: upstream.hostHeader,
    workers: opts.workers ?? 1,
    proxy_listeners: [{ ip: "127.0.0.1", port }],
    kong_version: opts.kongVersion ?? "3.9.0",
  };
  const tls = trustedCas(opts.trustedCaFiles);
  return {
    httpBlock: kongHttpBlock({
      port,
      upstreamName,
      upstreamTarget,
      upstreamHostHeader: upstream.hostHeader,
      luaPath: opts.luaPath,
      pluginTree: opts.pluginTree,
      sharedDicts: opts.sharedDicts,
      tlsDirectives: tls.directives,
      adminPort,
    }),
    files: {
      "conf/kong.json": JSON.stringify(config, null, 2),
      "conf/kong-host.json": JSON.stringify(settings, null, 2),
      ...tls.files,
    },
    config,
    plugins,
  };
}

/** Starts nginx with the host; rejects with NginxStartError when nginx refuses (e.g. invalid plugin config). */
export async function startKongHost(opts: KongHostOptions): Promise<KongHost> {
  const port = await freePort();
  const adminPort = await freePort();
  const setup = prepareKongHost(opts, port, adminPort);
  const nginx = await startNginx({
    name: "kong-host",
    workers: opts.workers ?? 1,
    httpBlock: setup.httpBlock,
    files: setup.files,
    env: opts.env,
    waitForPorts: [port, adminPort],
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    prefix: nginx.prefix,
    nginx,
    config: setup.config,
    stop: () => nginx.stop(),
    errorLog: () => nginx.errorLog(),
  };
}
