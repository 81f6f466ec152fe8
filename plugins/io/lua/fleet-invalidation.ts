/**
 * Fleet-wide invalidation of io/lua/cache.ts through Redis pub/sub, for the Lua hosts.
 *
 * Publishing (any worker, from invalidateSubject): one script increments the cache's
 * version counter and publishes "<version> <node id> <subject>"
 * (core/invalidation-version.ts). The node that invalidates has already dropped the
 * subject itself, so it only counts its own message when it hears it.
 *
 * Listening (one worker per node): every worker runs a watch timer; the first to `add`
 * the dict key "fleet:leader" (expiring after LEADER_TTL_S, renewed while it listens)
 * holds a connection of its own, SUBSCRIBEd to the cache's channel, reads the counter
 * and its generation (after subscribing, so nothing falls between), compares them with
 * "fleet:seen" / "fleet:generation" (where the node stood when it last applied one) and
 * drops what it may have missed, then applies each message. The generation is a random
 * value Redis keeps beside the counter: a Redis that lost its data gets a new one, so a
 * counter that started again is never taken for the one the node knew. When that worker dies its key expires and another worker's watch takes
 * over; a lost connection is retried with a growing delay; either way the next
 * subscription resynchronises. What is dropped reaches every worker of the node through
 * the cache's epoch (./cache-epoch.ts).
 *
 * Borrowed from Kong (3.9.3): invalidate = invalidate locally, then broadcast
 * (kong/cache/init.lua, _M:invalidate); one worker per node does the listening, elected
 * with an expiring shared-dict lock, in a timer that reschedules itself
 * (kong/cluster_events/init.lua, poll_handler with POLL_RUNNING_LOCK_KEY); a channel per
 * cache ("invalidations_" .. shm_name). Kong polls a database table; here Redis pushes,
 * and a version counter replaces Kong's event ids and "at" cursor.
 *
 * Which Redis: the plugin config tells it (invalidation: redis), and a worker may serve
 * an invalidation before any request of that config: so the connection settings are
 * kept in the dict ("fleet:conf"), written by every worker and phase that sees the
 * config (Kong configure, APISIX check_schema, the first request). One Redis per dict.
 */
import cjson = require("cjson.safe");
import { dropForMessage, dropForResync, invalidationKeys, parseInvalidation, reconnectDelay, type Drop, type FleetPosition } from "../../core/invalidation-version";
import { LogThrottle } from "../../core/log-throttle";
import { FAILURE_BACKOFF_S } from "../failure-backoff";
import type { RedisConnection } from "../redis-connection";
import { dropAll, dropSubject } from "./cache-epoch";
import { logGate } from "./log-gate";
import { dedicatedConnection } from "./redis";
import { command, readReply } from "./resp";

const CONF_KEY = "fleet:conf";
const LEADER_KEY = "fleet:leader";
const SEEN_KEY = "fleet:seen";
const GENERATION_KEY = "fleet:generation";
const NODE_KEY = "fleet:node";
/** Seconds the listening worker's claim lasts unless renewed (a dead worker's lapses). */
const LEADER_TTL_S = 5;
/** Seconds between two looks of a worker's watch at whether it should listen. */
const WATCH_INTERVAL_S = 1;
/** A read waits at most this long, then the listener renews its claim and looks again. */
const READ_TIMEOUT_MS = 1000;
/** Seconds between two error-log lines about a failing subscription, per node. */
const LOG_INTERVAL_S = 60;

/** The generation (set now if absent) and the version of the counter. */
const POSITION = "redis.call('SET', KEYS[2], ARGV[1], 'NX') return {redis.call('GET', KEYS[2]), tonumber(redis.call('GET', KEYS[1]) or '0')}";
/** INCR and PUBLISH in one script: versions go out in the order they were taken. */
const PUBLISH = "local v = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', ARGV[1], v .. ' ' .. ARGV[2]) return v";

/** Per worker: the decoded settings of a dict's "fleet:conf", by its JSON (one table per content, for redis.ts's per-table state). */
const decoded = new LuaTable<string, RedisConnection>();
/** Per worker: dicts whose watch timer runs, and dicts seen before timers were allowed (init). */
const watching = new LuaTable<string, boolean>();
const pending = new LuaTable<string, boolean>();
const failures = new LogThrottle(LOG_INTERVAL_S, "fleet-invalidation");

/**
 * The connection fields only, without the hosts' null placeholders (Kong fills absent
 * fields with ngx.null), as JSON with sorted keys: every worker and config with the
 * same settings writes the same text, so the listener never takes it for a change.
 */
function connectionJson(conf: RedisConnection): string | undefined {
  const fields: string[] = [];
  for (const [field, value] of pairs(conf as unknown as LuaTable<string, unknown>)) {
    const kind = type(value);
    if (kind === "string" || kind === "number" || kind === "boolean") fields.push(field);
  }
  table.sort(fields);
  const parts: string[] = [];
  const source = conf as unknown as { [field: string]: unknown };
  for (const field of fields) {
    const [key] = cjson.encode(field);
    const [value] = cjson.encode(source[field]);
    if (key === undefined || value === undefined) return undefined;
    parts.push(`${key}:${value}`);
  }
  return `{${table.concat(parts, ",")}}`;
}

/**
 * Invalidations of `dictName` go through the Redis `conf` from now on, on this node;
 * and this worker takes part in listening (when called before timers are allowed, from
 * the first startFleetWatches). Cheap when nothing changed.
 */
export function useFleetInvalidation(dictName: string, conf: RedisConnection): void {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return;
  const json = connectionJson(conf);
  if (json === undefined) return;
  const [stored] = dict.get(CONF_KEY);
  if (stored !== json) dict.set(CONF_KEY, json);
  if (watching.get(dictName) === true) return;
  if (ngx.get_phase() === "init") {
    pending.set(dictName, true);
    return;
  }
  startWatch(dictName);
}

/** Starts the watch of every dict seen while timers were not allowed (call from init_worker). */
export function startFleetWatches(): void {
  for (const [dictName] of pending) startWatch(dictName);
}

function startWatch(dictName: string): void {
  const [ok, err] = ngx.timer.at(0, watch, dictName);
  if (ok) watching.set(dictName, true);
  else ngx.log(ngx.ERR, `[tollgate] fleet invalidation of '${dictName}': cannot start a timer: ${err}`);
}

/** The dict's Redis settings, or undefined when its invalidations are per node. */
function connectionOf(dict: SharedDict): RedisConnection | undefined {
  const [json] = dict.get(CONF_KEY);
  if (typeof json !== "string") return undefined;
  let conf = decoded.get(json);
  if (conf === undefined) {
    const [value] = cjson.decode(json);
    if (typeof value !== "object") return undefined;
    conf = value as RedisConnection;
    decoded.set(json, conf);
  }
  return conf;
}

/**
 * Publishes the invalidation of `subject` to the fleet when `dict` has fleet-wide
 * invalidation; undefined when done (or per node), else the error.
 */
export function publishInvalidation(dictName: string, dict: SharedDict, subject: string): string | undefined {
  const conf = connectionOf(dict);
  if (conf === undefined) return undefined;
  const keys = invalidationKeys(dictName);
  // A new connection each time (invalidations are rare): a pooled one may have died
  // with a Redis restart while it idled, and the call would fail for no reason.
  const [sock, connectErr] = dedicatedConnection(conf);
  if (sock === undefined) return connectErr;
  const [reply, err] = command(sock, ["EVAL", PUBLISH, 1, keys.version, keys.channel, `${nodeId(dict)} ${subject}`]);
  sock.close();
  if (typeof reply !== "number") return `publishing: ${err ?? tostring(reply)}`;
  return undefined;
}

function apply(dict: SharedDict, drop: Drop, subject: string | undefined): void {
  if (drop === "one" && subject !== undefined) dropSubject(dict, subject);
  else if (drop === "all") dropAll(dict);
}

function seen(dict: SharedDict): number | undefined {
  const [value] = dict.get(SEEN_KEY);
  return typeof value === "number" ? value : undefined;
}

/** This node's id in messages: random, made once per dict (it survives reloads, not restarts). */
function nodeId(dict: SharedDict): string {
  const [id] = dict.get(NODE_KEY);
  if (typeof id === "string") return id;
  dict.add(NODE_KEY, `n${ngx.worker.pid()}-${math.random(1, 2 ** 30)}-${math.floor(ngx.now() * 1000)}`);
  const [made] = dict.get(NODE_KEY);
  return typeof made === "string" ? made : "unknown";
}

/** Where this node stood when it last applied something, undefined when never in sync. */
function lastApplied(dict: SharedDict): FleetPosition | undefined {
  const version = seen(dict);
  const [generation] = dict.get(GENERATION_KEY);
  return version === undefined || typeof generation !== "string" ? undefined : { generation, version };
}

/**
 * The fleet's counter and its generation (made now when Redis has none: a Redis that
 * lost its data), on a new connection: pooled ones may have died with a Redis restart.
 */
function fleetPosition(conf: RedisConnection, keys: { version: string; generation: string }): LuaMultiReturn<[FleetPosition | undefined, string | undefined]> {
  const [sock, connectErr] = dedicatedConnection(conf);
  if (sock === undefined) return $multi(undefined, connectErr);
  const candidate = `${ngx.worker.pid()}-${ngx.now()}-${math.random(1, 2 ** 30)}`;
  const [reply, err] = command(sock, ["EVAL", POSITION, 2, keys.version, keys.generation, candidate]);
  sock.close();
  const parts = reply as unknown[];
  if (type(reply) !== "table" || typeof parts[0] !== "string" || typeof parts[1] !== "number") return $multi(undefined, err ?? `unexpected reply ${tostring(reply)}`);
  return $multi({ generation: parts[0], version: parts[1] }, undefined);
}

/** Renews this worker's claim to listen; false when another worker holds it now. */
function renew(dict: SharedDict, token: string): boolean {
  const [holder] = dict.get(LEADER_KEY);
  if (holder !== undefined && holder !== token) return false;
  dict.set(LEADER_KEY, token, LEADER_TTL_S);
  return true;
}

function report(dictName: string, message: string): void {
  const count = failures.occurrence(ngx.now(), logGate(dictName));
  if (count > 0) ngx.log(ngx.WARN, `[tollgate] fleet invalidation of '${dictName}': ${message} (${count} time(s) since the last report); invalidations from other nodes are missed until it reconnects, then this node drops its whole cache`);
}

function watch(this: void, premature: boolean, dictName: string): void {
  if (premature || ngx.worker.exiting()) return;
  const dict = ngx.shared[dictName];
  if (dict === undefined) return;
  if (connectionOf(dict) !== undefined) {
    const token = `${ngx.worker.pid()}`;
    const [won] = dict.add(LEADER_KEY, token, LEADER_TTL_S);
    if (won) {
      listen(dictName, dict, token);
      const [holder] = dict.get(LEADER_KEY);
      if (holder === token) dict.delete(LEADER_KEY);
    }
  }
  if (ngx.worker.exiting()) return;
  const [ok, err] = ngx.timer.at(WATCH_INTERVAL_S, watch, dictName);
  if (!ok) {
    watching.delete(dictName);
    ngx.log(ngx.ERR, `[tollgate] fleet invalidation of '${dictName}': cannot reschedule: ${err}`);
  }
}

/** Sleeps `seconds` while renewing the claim; false when the claim was lost or the worker exits. */
function pause(dict: SharedDict, token: string, seconds: number): boolean {
  // Counted down, not compared with ngx.now(): a remainder under a millisecond would be
  // ngx.sleep(0), which does not advance nginx's cached clock, and would spin.
  let left = seconds;
  while (left > 0) {
    const step = math.min(left, READ_TIMEOUT_MS / 1000);
    ngx.sleep(step);
    left -= step;
    if (ngx.worker.exiting() || !renew(dict, token)) return false;
  }
  return true;
}

/** Listens while this worker holds the claim: (re)subscribes, resynchronises, applies messages. */
function listen(dictName: string, dict: SharedDict, token: string): void {
  const keys = invalidationKeys(dictName);
  let failed = 0;
  while (!ngx.worker.exiting() && renew(dict, token)) {
    const conf = connectionOf(dict);
    if (conf === undefined) return;
    const problem = subscribed(dictName, dict, token, conf, keys);
    if (problem === undefined) return;
    failed++;
    report(dictName, problem);
    if (!pause(dict, token, reconnectDelay(failed, FAILURE_BACKOFF_S))) return;
  }
}

/**
 * One subscription: returns undefined when listening should stop (claim lost, worker
 * exiting, settings changed: the watch starts again), else why the connection failed.
 */
function subscribed(dictName: string, dict: SharedDict, token: string, conf: RedisConnection, keys: { channel: string; version: string; generation: string }): string | undefined {
  const [sock, connectErr] = dedicatedConnection(conf);
  if (sock === undefined) return connectErr;
  const [reply, subscribeErr] = command(sock, ["SUBSCRIBE", keys.channel]);
  if (reply === undefined || reply === false) {
    sock.close();
    return `SUBSCRIBE: ${subscribeErr}`;
  }
  // After subscribing (so nothing published falls between), on a new connection too.
  const [fleet, positionErr] = fleetPosition(conf, keys);
  if (fleet === undefined) {
    sock.close();
    return `reading the version: ${positionErr}`;
  }
  const last = lastApplied(dict);
  const drop = dropForResync(last, fleet);
  apply(dict, drop, undefined);
  dict.set(SEEN_KEY, fleet.version);
  dict.set(GENERATION_KEY, fleet.generation);
  ngx.log(
    ngx.NOTICE,
    `[tollgate] fleet invalidation of '${dictName}': subscribed at version ${fleet.version} (last applied ${last === undefined ? "none" : last.version})${
      last !== undefined && last.generation !== fleet.generation ? " of another Redis generation" : ""
    }${drop === "all" ? ": dropped this node's cache" : ""}`,
  );
  sock.settimeout(READ_TIMEOUT_MS);
  for (;;) {
    const [message, err] = readReply(sock);
    if (message === undefined) {
      if (err !== "timeout") {
        sock.close();
        return `connection lost: ${err}`;
      }
      if (ngx.worker.exiting() || !renew(dict, token) || connectionOf(dict) !== conf) {
        sock.close();
        return undefined;
      }
      continue;
    }
    const parts = message as unknown[];
    if (type(message) !== "table" || parts[0] !== "message" || typeof parts[2] !== "string") continue;
    const parsed = parseInvalidation(parts[2]);
    if (parsed === undefined) continue;
    const messageDrop = dropForMessage(seen(dict), parsed.version);
    // This node's own: dropped before it was published, and maybe answered since (a
    // webhook that stores the signed answer), which a second drop would throw away.
    if (messageDrop !== "one" || parsed.origin !== nodeId(dict)) apply(dict, messageDrop, parsed.subject);
    if (messageDrop !== "none") dict.set(SEEN_KEY, parsed.version);
  }
}
