/**
 * tollgate's Redis client for the Lua hosts (Kong, APISIX): runs one Lua script
 * atomically on a single Redis or on the Redis Cluster node that owns its keys, over
 * ngx_lua cosockets (./resp.ts speaks the protocol) and their connection pool, in
 * plain TCP or TLS (`ssl`: the certificate checked against the gateway's trusted CAs
 * and `server_name`, or the node's host, unless `ssl_verify` is off).
 *
 * Cosockets only: call runScript from rewrite, access or content (or a timer), never
 * from init, init_worker, header_filter, body_filter or log.
 *
 * Per worker (module-level) state: prepared settings per config table (weak keys)
 * and, in cluster mode, the slot map of each cluster (./redis-cluster.ts).
 */
import type { RedisConnection } from "../redis-connection";
import { keySlot } from "../redis-slot";
import { applyClusterSlots, clusterState, clusterStats, redirection, type ClusterState, type RedisNode } from "./redis-cluster";
import { newLane, pipelined, type Lane } from "./redis-pipeline";
import { command, isUnknownScript, scriptCommand, type RespResult } from "./resp";
import { clientCertificate, type ClientCertificate } from "../../core/client-cert";
import { poolSecurity, secure } from "./tls";

/** How to reach Redis (see ../redis-connection.ts; cluster_nodes means Redis Cluster). */
export type RedisConfig = RedisConnection;

/** A script and the lowercase hex SHA-1 of its source. */
export interface RedisScript {
  source: string;
  sha1: string;
}

/** Redirections (MOVED/ASK) followed for one call before giving up. */
const MAX_REDIRECTIONS = 5;
/**
 * Batches under way at once per worker and node, when pipelining. One keeps batches
 * largest; two measured no faster (wrk against key-auth + tier-limit redis, one worker:
 * 26.2k/25.2k req/s against 26.6k/27.0k).
 */
const PIPELINES = 1;
/** Seconds between two CLUSTER SLOTS refreshes of one cluster in one worker. */
const REFRESH_INTERVAL_S = 1;

/** What a config resolves to, computed once per config table. */
interface Prepared {
  timeoutMs: number;
  keepaliveMs: number;
  poolSize: number;
  username?: string;
  password?: string;
  database: number;
  /** TLS on every connection: verify the certificate, against `serverName` or else the node's host. */
  tls?: { verify: boolean; serverName?: string; clientCert?: ClientCertificate };
  /**
   * Appended to pool names: a pooled connection is already secured, authenticated (and
   * has SELECTed its database), so configs with other TLS settings, credentials or
   * databases must not share it. The password enters only as an MD5.
   */
  poolTag: string;
  /** connect() options per node address (pool name and size), reused by every call. */
  connectOptions: LuaTable<string, { pool: string; pool_size: number }>;
  single?: RedisNode;
  /** Automatic pipelining (./redis-pipeline.ts): one lane per node address, made when first used. */
  lanes?: LuaTable<string, Lane>;
  cluster?: ClusterState;
  /** Key of the cluster in ./redis-cluster.ts (its seeds, joined). */
  clusterKey?: string;
  /** A config error, returned by every call. */
  error?: string;
}

const preparedByConfig = setmetatable(new LuaTable<RedisConfig, Prepared>(), { __mode: "k" });

/** Lowercase hex SHA-1 of a script (ngx.sha1_bin), computed once at module load by callers. */
export function scriptSha1(source: string): string {
  const [hex] = string.gsub(ngx.sha1_bin(source), ".", (char: string) => string.format("%02x", string.byte(char)));
  return hex;
}

function prepare(config: RedisConfig): Prepared {
  const cached = preparedByConfig.get(config);
  if (cached !== undefined) return cached;
  const database = config.cluster_nodes === undefined ? config.database ?? 0 : 0;
  // An empty password or username means none (AUTH "" would fail on a server without one).
  const password = config.password === "" ? undefined : config.password;
  const username = password === undefined || config.username === "" ? undefined : config.username;
  const tls = config.ssl === true ? { verify: config.ssl_verify !== false, serverName: config.server_name, clientCert: clientCertificate(config) } : undefined;
  const prepared: Prepared = {
    timeoutMs: config.timeout_ms,
    keepaliveMs: config.keepalive_ms,
    poolSize: config.pool_size,
    username,
    password,
    database,
    tls,
    poolTag: `${poolSecurity(tls)}:${database}:${username ?? ""}:${password === undefined ? "" : ngx.md5(password)}`,
    connectOptions: new LuaTable(),
  };
  if (config.cluster_nodes !== undefined) {
    const key = table.concat(config.cluster_nodes, ",");
    const [state, err] = clusterState(key, config.cluster_nodes);
    prepared.cluster = state;
    prepared.clusterKey = key;
    prepared.error = err;
  } else if (config.host === undefined || config.host === "") {
    prepared.error = "redis: no host configured";
  } else {
    const port = config.port ?? 6379;
    const node: RedisNode = { host: config.host, port, addr: `${config.host}:${port}` };
    prepared.single = node;
  }
  if (config.auto_pipeline !== false) prepared.lanes = new LuaTable();
  preparedByConfig.set(config, prepared);
  return prepared;
}

/**
 * A connected, secured and authenticated connection to `node`, from the pool when one
 * is idle there; or undefined and an error. The TLS handshake, AUTH and SELECT run on
 * fresh connections only.
 */
function connect(p: Prepared, node: RedisNode, dedicated = false): LuaMultiReturn<[TcpSocket | undefined, string | undefined]> {
  const sock = ngx.socket.tcp();
  sock.settimeout(p.timeoutMs);
  let options = p.connectOptions.get(node.addr);
  if (options === undefined) {
    options = { pool: `tollgate:${node.addr}:${p.poolTag}`, pool_size: p.poolSize };
    p.connectOptions.set(node.addr, options);
  }
  // A pool nothing is ever put back into: always a new connection, never one that may
  // have died with a Redis restart while it idled.
  if (dedicated) options = { pool: `tollgate-dedicated:${node.addr}:${p.poolTag}`, pool_size: 1 };
  const [ok, connectErr] = sock.connect(node.host, node.port, options);
  if (ok === undefined) return $multi(undefined, `connect: ${connectErr}`);
  const [reused] = sock.getreusedtimes();
  if (reused !== 0) return $multi(sock, undefined);
  const tls = p.tls;
  if (tls !== undefined) {
    const insecure = secure(sock, { serverName: tls.serverName ?? node.host, verify: tls.verify, clientCert: tls.clientCert });
    if (insecure !== undefined) return failed(sock, insecure);
  }
  if (p.password !== undefined) {
    const [res, authErr] = command(sock, p.username === undefined ? ["AUTH", p.password] : ["AUTH", p.username, p.password]);
    if (res === undefined || res === false) return failed(sock, `AUTH: ${authErr}`);
  }
  if (p.database !== 0) {
    const [res, selectErr] = command(sock, ["SELECT", p.database]);
    if (res === undefined || res === false) return failed(sock, `SELECT ${p.database}: ${selectErr}`);
  }
  return $multi(sock, undefined);
}

function failed(sock: TcpSocket, err: string): LuaMultiReturn<[undefined, string]> {
  sock.close();
  return $multi(undefined, err);
}

/** The pipelining lane of `node` (made once per config and node address). */
function laneFor(p: Prepared, lanes: LuaTable<string, Lane>, node: RedisNode): Lane {
  return lanes.get(node.addr) ?? newNodeLane(p, lanes, node);
}

/**
 * Makes a node's lane. Apart from laneFor because it makes closures: a function that
 * does cannot be JIT-compiled (its returns close upvalues, bytecode UCLO), and laneFor
 * runs on every call.
 */
function newNodeLane(p: Prepared, lanes: LuaTable<string, Lane>, node: RedisNode): Lane {
  // A batch takes a connect, a send and a read (each within timeout_ms; a second send
  // and read when Redis lost the script): a queued call waits for the batch under way
  // and then its own; a slot held for longer than a usual batch has a dead leader.
  const lane = newLane(
    () => connect(p, node),
    (sock) => sock.setkeepalive(p.keepaliveMs, p.poolSize),
    (2 * 5 * p.timeoutMs) / 1000,
    (3 * p.timeoutMs) / 1000,
    PIPELINES,
  );
  lanes.set(node.addr, lane);
  return lane;
}

/**
 * EVALSHA of `script` on `node` (EVAL when Redis does not know it): in the node's
 * pipelining lane when pipelining is on and no ASKING must go first, else on a
 * connection of its own. Returns as evalOn does.
 */
function evalScript(
  p: Prepared,
  node: RedisNode,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
  asking: boolean,
): LuaMultiReturn<[unknown, string | undefined, boolean]> {
  if (p.lanes !== undefined && !asking) return pipelined(laneFor(p, p.lanes, node), script, keys, args);
  return evalOn(p, node, script, keys, args, asking);
}

/** ASKING first when `asking` (it admits one command only), then EVALSHA, or EVAL when `withSource`. */
function send(
  sock: TcpSocket,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
  asking: boolean,
  withSource: boolean,
): RespResult {
  if (asking) {
    const [ok, err] = command(sock, ["ASKING"]);
    if (ok === undefined || ok === false) return $multi(ok, err);
  }
  return command(sock, scriptCommand(script, keys, args, withSource));
}

/**
 * EVALSHA on `node` (after ASKING when `asking`), EVAL when Redis does not know the
 * script (EVAL also puts it into the script cache). Returns the reply; or undefined,
 * the error, and whether it is an error reply from Redis (true: the connection is
 * fine and went back to the pool) or a connection failure (false: it was closed).
 */
function evalOn(
  p: Prepared,
  node: RedisNode,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
  asking: boolean,
): LuaMultiReturn<[unknown, string | undefined, boolean]> {
  const [sock, connectErr] = connect(p, node);
  if (sock === undefined) return $multi(undefined, connectErr, false);
  let [res, err] = send(sock, script, keys, args, asking, false);
  if (res === false && isUnknownScript(err)) [res, err] = send(sock, script, keys, args, asking, true);
  if (res === undefined) {
    sock.close();
    return $multi(undefined, err, false);
  }
  sock.setkeepalive(p.keepaliveMs, p.poolSize);
  if (res === false) return $multi(undefined, err, true);
  return $multi(res, undefined, false);
}

/**
 * Loads the slot map with CLUSTER SLOTS from the first node that answers: the
 * masters of the last map, then the seeds. On failure the old map stays.
 */
function refreshSlots(p: Prepared, state: ClusterState): void {
  const now = ngx.now();
  const candidates: RedisNode[] = [];
  for (const node of state.masters) candidates.push(node);
  for (const node of state.seeds) candidates.push(node);
  // Other light threads of this worker skip refreshing while this one may be at it.
  state.busyUntil = now + (candidates.length * 2 * p.timeoutMs) / 1000;
  state.nextRefreshAt = now + REFRESH_INTERVAL_S;
  const tried = new LuaTable<RedisNode, boolean>();
  let lastErr = "no node";
  for (const node of candidates) {
    if (tried.has(node)) continue;
    tried.set(node, true);
    const [sock, connectErr] = connect(p, node);
    if (sock === undefined) {
      lastErr = `${node.addr}: ${connectErr}`;
      continue;
    }
    const [reply, err] = command(sock, ["CLUSTER", "SLOTS"]);
    if (reply === undefined) {
      sock.close();
      lastErr = `${node.addr}: ${err}`;
      continue;
    }
    sock.setkeepalive(p.keepaliveMs, p.poolSize);
    const applyErr = reply === false ? err ?? "error reply" : applyClusterSlots(state, reply, node.host);
    if (applyErr === undefined) {
      state.busyUntil = 0;
      state.failedRefreshes = 0;
      return;
    }
    lastErr = `${node.addr}: ${applyErr}`;
  }
  state.busyUntil = 0;
  state.failedRefreshes++;
  // At most one refresh a second per worker: log the first failure, then every 60th.
  if (state.failedRefreshes % 60 === 1) {
    ngx.log(ngx.WARN, "[tollgate] redis cluster: could not load the slot map (", lastErr, "), ", state.failedRefreshes, " failure(s) in a row; following redirections meanwhile");
  }
}

function runOnCluster(
  p: Prepared,
  state: ClusterState,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): LuaMultiReturn<[unknown, string | undefined]> {
  if (!state.loaded || state.stale) {
    const now = ngx.now();
    if (now >= state.nextRefreshAt && now >= state.busyUntil) refreshSlots(p, state);
  }
  const slot = keys.length > 0 ? keySlot(keys[0] as string) : 0;
  let node = state.slots[slot] ?? (state.seeds[0] as RedisNode);
  let asking = false;
  let asked = false;
  for (let redirections = 0; ; redirections++) {
    const [res, err, replyError] = evalScript(p, node, script, keys, args, asking);
    if (err === undefined) return $multi(res, undefined);
    if (!replyError) {
      // The node may have failed over: reload the map at the next chance.
      state.stale = true;
      return $multi(undefined, `redis ${node.addr}: ${err}`);
    }
    const [kind, target] = redirection(state, err, node);
    if (kind === undefined || target === undefined) {
      if (string.sub(err, 1, 11) === "CLUSTERDOWN") state.stale = true;
      return $multi(undefined, `redis ${node.addr}: ${err}`);
    }
    if (redirections >= MAX_REDIRECTIONS || (kind === "ASK" && asked)) {
      return $multi(undefined, `redis ${node.addr}: too many redirections (last: ${err})`);
    }
    if (kind === "MOVED") {
      // The slot lives there now; the rest of the map is reloaded at the next chance.
      state.slots[slot] = target;
      state.stale = true;
      asking = false;
    } else {
      asking = true;
      asked = true;
    }
    node = target;
  }
}

/**
 * Runs `script` atomically with EVALSHA on the node that owns keys[1]'s slot (callers
 * hash-tag keys so all share one slot). NOSCRIPT => EVAL (which loads it). In cluster
 * mode: slot map from CLUSTER SLOTS (cached per worker, refreshed on MOVED, bounded
 * retries), ASK => ASKING + retry on the named node once, CROSSSLOT/other errors
 * returned. Connections come from the cosocket pool and go back with set_keepalive;
 * a connection that errored is closed, not pooled. AUTH (and SELECT) only on fresh
 * connections (get_reused_times() == 0).
 * Returns the script's reply, or nil and an error string that names the node.
 */
export function runScript(
  config: RedisConfig,
  script: RedisScript,
  keys: string[],
  args: (string | number)[],
): LuaMultiReturn<[unknown, string | undefined]> {
  const p = prepare(config);
  if (p.error !== undefined) return $multi(undefined, p.error);
  if (p.cluster !== undefined) return runOnCluster(p, p.cluster, script, keys, args);
  const node = p.single as RedisNode;
  const [res, err] = evalScript(p, node, script, keys, args, false);
  if (err !== undefined) return $multi(undefined, `redis ${node.addr}: ${err}`);
  return $multi(res, undefined);
}

/**
 * What this worker has cached for a cluster config: whether a slot map is loaded,
 * how many CLUSTER SLOTS replies it applied, and which node it thinks owns `slot`.
 * For diagnostics and tests; undefined for a single-node config or before first use.
 */
export function clusterMapInfo(config: RedisConfig, slot: number): { loaded: boolean; refreshes: number; owner?: string } | undefined {
  const p = prepare(config);
  return p.clusterKey === undefined ? undefined : clusterStats(p.clusterKey, slot);
}

/**
 * A new connection of its own (secured, authenticated, database selected; never one
 * from the pool) to the single Redis of `config`, for a caller that keeps it (a pub/sub
 * subscriber): close it when done. Undefined and an error for a cluster config.
 */
export function dedicatedConnection(config: RedisConfig): LuaMultiReturn<[TcpSocket | undefined, string | undefined]> {
  const p = prepare(config);
  if (p.error !== undefined) return $multi(undefined, p.error);
  if (p.single === undefined) return $multi(undefined, "redis: a single node (host) is required");
  const [sock, err] = connect(p, p.single, true);
  if (sock === undefined) return $multi(undefined, `redis ${p.single.addr}: ${err}`);
  return $multi(sock, undefined);
}
