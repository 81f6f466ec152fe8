/**
 * Redis Cluster slot maps, one per cluster (set of seed nodes) per nginx worker,
 * kept in module-level tables so every request of the worker shares them.
 *
 * No I/O here: ./redis.ts sends CLUSTER SLOTS and hands the reply in, and asks
 * which node serves a slot. Written from the Redis Cluster specification:
 *
 *   CLUSTER SLOTS → { { start, end, master, replica… }, … } where a node is
 *   { endpoint, port, node-id, metadata… }; an endpoint that is NULL, "" or "?" is
 *   unknown, and the client then uses the host it sent CLUSTER SLOTS to.
 *   MOVED <slot> <endpoint>:<port> → the slot lives there now (update the map).
 *   ASK <slot> <endpoint>:<port>   → this one command goes there, after ASKING.
 */

/** A Redis node: where to connect, and "host:port" for pool names and messages. */
export interface RedisNode {
  host: string;
  port: number;
  addr: string;
}

/** One cluster's slot map in this worker. */
export interface ClusterState {
  /** The configured seed nodes, in config order. */
  seeds: RedisNode[];
  /** Slot (0 … 16383) → master; a slot no map covers is undefined. */
  slots: (RedisNode | undefined)[];
  /** The masters of the last map (asked first at the next refresh). */
  masters: RedisNode[];
  /** Every node met so far, by address: one object per node, so maps share them. */
  nodes: LuaTable<string, RedisNode>;
  /** A CLUSTER SLOTS reply has been applied at least once. */
  loaded: boolean;
  /** A MOVED redirection or a failed node says the map is out of date. */
  stale: boolean;
  /** ngx.now() before which no refresh starts (one per second at most). */
  nextRefreshAt: number;
  /** ngx.now() until which a light thread of this worker is refreshing the map. */
  busyUntil: number;
  /** CLUSTER SLOTS replies applied so far (diagnostics and tests). */
  refreshes: number;
  /** Refreshes that failed since the last one that worked (for throttled logging). */
  failedRefreshes: number;
}

const states = new LuaTable<string, ClusterState>();

/** The node object for `host:port` in this cluster (created once). */
export function nodeAt(state: ClusterState, host: string, port: number): RedisNode {
  const addr = `${host}:${port}`;
  let node = state.nodes.get(addr);
  if (node === undefined) {
    node = { host, port, addr };
    state.nodes.set(addr, node);
  }
  return node;
}

/**
 * The state of the cluster reached through `seeds` ("host:port" each), created on
 * first use; or undefined and an error naming a seed that is not "host:port".
 * `key` identifies the cluster (the seeds joined), computed once by the caller.
 */
export function clusterState(key: string, seeds: readonly string[]): LuaMultiReturn<[ClusterState | undefined, string | undefined]> {
  const existing = states.get(key);
  if (existing !== undefined) return $multi(existing, undefined);
  const state: ClusterState = {
    seeds: [],
    slots: [],
    masters: [],
    nodes: new LuaTable(),
    loaded: false,
    stale: false,
    nextRefreshAt: 0,
    busyUntil: 0,
    refreshes: 0,
    failedRefreshes: 0,
  };
  for (const seed of seeds) {
    // The last ":" splits, so an IPv6 literal keeps its colons.
    const [host, port] = string.match(seed, "^(.+):(%d+)$");
    if (host === undefined || port === undefined) {
      return $multi(undefined, `redis cluster: cluster_nodes entry '${seed}' is not host:port`);
    }
    state.seeds.push(nodeAt(state, host, tonumber(port) as number));
  }
  if (state.seeds.length === 0) return $multi(undefined, "redis cluster: cluster_nodes is empty");
  states.set(key, state);
  return $multi(state, undefined);
}

/** An endpoint from a reply, or `fallback` when the node does not know its own (NULL, "", "?"). */
function endpoint(value: unknown, fallback: string): string {
  return typeof value === "string" && value !== "" && value !== "?" ? value : fallback;
}

/**
 * Replaces the slot map with a CLUSTER SLOTS reply received from a node at
 * `askedHost`. Returns an error (and keeps the old map) when the reply is not
 * the documented shape.
 */
export function applyClusterSlots(state: ClusterState, reply: unknown, askedHost: string): string | undefined {
  if (typeof reply !== "object" || reply === null) return "CLUSTER SLOTS: unexpected reply";
  const ranges = reply as unknown[];
  const slots: (RedisNode | undefined)[] = [];
  const masters: RedisNode[] = [];
  const seen = new LuaTable<RedisNode, boolean>();
  for (const range of ranges) {
    if (typeof range !== "object" || range === null) return "CLUSTER SLOTS: unexpected range";
    const [first, last, master] = range as [unknown, unknown, unknown];
    if (typeof first !== "number" || typeof last !== "number" || typeof master !== "object" || master === null) {
      return "CLUSTER SLOTS: unexpected range";
    }
    const [host, port] = master as [unknown, unknown];
    if (typeof port !== "number") return "CLUSTER SLOTS: unexpected node";
    const node = nodeAt(state, endpoint(host, askedHost), port);
    if (!seen.has(node)) {
      seen.set(node, true);
      masters.push(node);
    }
    for (let slot = first; slot <= last && slot < 16384; slot++) slots[slot] = node;
  }
  if (masters.length === 0) return "CLUSTER SLOTS: no slot is served (cluster not ready?)";
  state.slots = slots;
  state.masters = masters;
  state.loaded = true;
  state.stale = false;
  state.refreshes++;
  return undefined;
}

/**
 * The node a MOVED or ASK error reply redirects to (`from` is the node that sent
 * it: an empty endpoint means its host). Returns undefined for any other error.
 */
export function redirection(
  state: ClusterState,
  err: string,
  from: RedisNode,
): LuaMultiReturn<["MOVED" | "ASK" | undefined, RedisNode | undefined]> {
  const [kind, host, port] = string.match(err, "^(%u+) %d+ (.*):(%d+)$");
  if ((kind !== "MOVED" && kind !== "ASK") || host === undefined || port === undefined) return $multi(undefined, undefined);
  return $multi(kind, nodeAt(state, endpoint(host, from.host), tonumber(port) as number));
}

/** What this worker knows about a cluster (diagnostics and tests). */
export function clusterStats(key: string, slot: number): { loaded: boolean; refreshes: number; owner?: string } | undefined {
  const state = states.get(key);
  if (state === undefined) return undefined;
  return { loaded: state.loaded, refreshes: state.refreshes, owner: state.slots[slot]?.addr };
}
