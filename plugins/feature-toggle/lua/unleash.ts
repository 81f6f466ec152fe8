/**
 * Flags polled from an Unleash server's client API, for the Lua hosts.
 *
 * One timer per worker and source polls `GET <url>/client/features` every
 * `poll_interval` seconds with the client token and the last ETag; a lock in the
 * shared dict lets only one worker actually ask per interval. A 200 answer that
 * decodes as a feature list is stored in the shared dict (body, ETag, time, and a
 * version counter); a 304 only refreshes the time; anything else — refused
 * connection, timeout, 5xx, a body that is not a feature list — is logged and the
 * last good answer stays. Each worker decodes and compiles a stored answer once per
 * version. Until the first answer, the config's inline flags serve (bootstrap).
 *
 * Staleness: while Unleash answers, flags are at most `poll_interval` (+ the request
 * time) old; while it does not, the last good flags are used indefinitely.
 */
import cjson = require("cjson.safe");
import { httpGet } from "../../io/lua/http";
import { remoteFlagsFrom, type RemoteFlags } from "../decide";
import { murmur3 } from "../murmur3";
import type { FeatureToggleConfig } from "../schema";
import { unleashPoll } from "../unleash-poll";

type UnleashConf = NonNullable<FeatureToggleConfig["unleash"]>;

/** Sources this worker polls, by dict key prefix. */
const polling = new LuaTable<string, boolean>();
/** This worker's compiled copy of each source's answer, with the version it came from. */
const compiled = new LuaTable<string, { version: number; remote: RemoteFlags }>();

function keyOf(u: UnleashConf): string {
  // The token is not written into the dict keys; its hash tells sources apart.
  return `ft:${u.url}:${murmur3(u.api_token, 0)}`;
}

function poll(this: void, premature: boolean, u: UnleashConf, key: string, appName: string): void {
  if (premature) return;
  const dict = ngx.shared[u.dict];
  if (dict === undefined) return;
  const lockTtl = u.poll_interval * 0.9;
  const [locked] = dict.add(`${key}:lock`, true, lockTtl < 0.5 ? 0.5 : lockTtl);
  if (!locked) return;
  const [etag] = dict.get(`${key}:etag`);
  const request = unleashPoll(u, appName, typeof etag === "string" ? etag : undefined);
  if (request === undefined) return;
  const [response, err] = httpGet(request, `${request.target.basePath}${request.path}`);
  if (response === undefined) {
    ngx.log(ngx.WARN, `[feature-toggle] Unleash poll of ${u.url} failed (keeping the last flags): ${err}`);
    return;
  }
  if (response.status === 304) {
    dict.set(`${key}:at`, ngx.now());
    return;
  }
  if (response.status !== 200) {
    ngx.log(ngx.WARN, `[feature-toggle] Unleash answered ${response.status} (keeping the last flags)`);
    return;
  }
  const [decoded] = cjson.decode(response.body);
  if (remoteFlagsFrom(decoded) === undefined) {
    ngx.log(ngx.WARN, "[feature-toggle] Unleash answer is not a feature list (keeping the last flags)");
    return;
  }
  const [stored, setErr] = dict.set(`${key}:body`, response.body);
  if (!stored) {
    ngx.log(ngx.ERR, `[feature-toggle] cannot store Unleash flags in lua_shared_dict ${u.dict}: ${setErr}`);
    return;
  }
  dict.set(`${key}:etag`, response.headers["etag"] ?? "");
  dict.set(`${key}:at`, ngx.now());
  dict.incr(`${key}:v`, 1, 0);
}

function startPolling(u: UnleashConf, key: string, appName: string): void {
  if (polling.get(key) === true) return;
  polling.set(key, true);
  ngx.timer.at(0, poll, u, key, appName);
  ngx.timer.every(u.poll_interval, poll, u, key, appName);
}

/** Flags read from bootstrap files, per worker, by path (false: unreadable, logged once). */
const bootstrapped = new LuaTable<string, RemoteFlags | false>();

function bootstrapFlags(path: string | undefined): RemoteFlags | undefined {
  if (path === undefined) return undefined;
  const known = bootstrapped.get(path);
  if (known !== undefined) return known === false ? undefined : known;
  // Read once per worker; a blocking read of a local file, then never again.
  const [file, openErr] = io.open(path, "r");
  let remote: RemoteFlags | undefined;
  if (file !== undefined) {
    const text = file.read("*a");
    file.close();
    const [decoded] = cjson.decode(typeof text === "string" ? text : "");
    remote = remoteFlagsFrom(decoded);
  }
  if (remote === undefined) ngx.log(ngx.ERR, `[feature-toggle] bootstrap_file ${path} is unreadable or not a feature list: ${openErr ?? "bad JSON"}`);
  bootstrapped.set(path, remote ?? false);
  return remote;
}

/**
 * The flags of the config's remote sources: the last Unleash answer, else the
 * bootstrap file, else undefined (use the inline flags).
 */
export function unleashFlags(conf: FeatureToggleConfig): RemoteFlags | undefined {
  const u = conf.unleash;
  if (u === undefined) return bootstrapFlags(conf.bootstrap_file);
  const key = keyOf(u);
  startPolling(u, key, conf.app_name ?? "tollgate");
  const dict = ngx.shared[u.dict];
  if (dict === undefined) return bootstrapFlags(conf.bootstrap_file);
  const [version] = dict.get(`${key}:v`);
  if (typeof version !== "number") return bootstrapFlags(conf.bootstrap_file);
  const cached = compiled.get(key);
  if (cached !== undefined && cached.version === version) return cached.remote;
  const [body] = dict.get(`${key}:body`);
  if (typeof body !== "string") return cached?.remote;
  const [decoded] = cjson.decode(body);
  const remote = remoteFlagsFrom(decoded);
  if (remote === undefined) return cached?.remote;
  compiled.set(key, { version, remote });
  return remote;
}
