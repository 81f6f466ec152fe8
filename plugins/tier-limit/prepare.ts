/**
 * What tier-limit derives from a config once, not per request: the limits of each
 * tier and method as a list ordered by window with their header names, the parsed
 * trusted ranges, the headers the adapters must read. Cached per config object
 * (a weak table in Lua), so a config reload simply prepares the new object.
 */
import { parseCidr, type CidrRange } from "../core/cidr";
import type { FactNeeds } from "../core/facts";
import type { RedisConnection } from "../io/redis-connection";
import { LogThrottle } from "../core/log-throttle";
import { WINDOW_NAMES, type WindowName } from "../core/windows";
import { prepareCalendar, type PreparedCalendar } from "./anchor";
import type { CounterCheck } from "./decide";
import { counterLevels, windowLevel, type CounterLevels } from "./group";
import { hasOverage, softLimit, type SoftLimit } from "./overage";
import type { TierLimitConfig } from "./schema";
import { sortedThresholds } from "./thresholds-schema";

export interface PreparedWindow {
  window: WindowName;
  limit: number;
  /** The limit as header text, converted once. */
  limitText: string;
  limitHeader: string;
  remainingHeader: string;
  /** Set for a soft window (overage.ts); absent for a hard limit. */
  overage?: SoftLimit;
  /** The window's own limit_by, when it differs from the request's key prefix's (group.ts). */
  limitBy?: string;
}

export interface PreparedTier {
  unlimited: boolean;
  /** Windows by method key ("GET", …, "*"), shortest window first. */
  byMethod: { [method: string]: PreparedWindow[] };
}

export interface PreparedTierLimit {
  tiers: { [name: string]: PreparedTier };
  trustedRanges: CidrRange[];
  /** Lower-case name of the trusted tier header, when that source is on. */
  trustedHeader?: string;
  /** Which optional request facts the adapters must read for this config. */
  needs: FactNeeds;
  /** Rate-limits error-log lines about a failing store (per node with the dict, see core/log-throttle.ts). */
  storeErrors: LogThrottle;
  /** Retry-After of the 503 when the store fails (see unavailableRetryAfter). */
  unavailableRetryAfter: string;
  /** The request headers tier-limit removes from every request (client copies of ours). */
  clearUpstream: string[];
  /** Per tier, the upstream headers that carry it (built once, never mutated). */
  upstreamFor: { [tier: string]: { [name: string]: string } };
  /** Connection settings for the configured Redis policy (undefined for local). */
  redis?: RedisConnection;
  /** Callers' counter checks while all their windows last (decide.ts, planAccess). */
  recentChecks: RecentChecks;
  /** thresholds, ascending (thresholds.ts); empty when none are configured. */
  thresholds: number[];
  /** Whose subjects the counters use (group.ts). */
  levels: CounterLevels;
  /** Upstream headers of overage requests, by tier and windows (overage.ts, overageUpstream). */
  overageUpstream: { [tier: string]: { [windows: string]: { [name: string]: string } } };
  /** The zone and billing anchors of calendar windows (anchor.ts). */
  calendar: PreparedCalendar;
}

/** One caller's remembered checks: valid from `from` until `until` (epoch seconds), for `anchor`. */
export interface RememberedChecks {
  checks: CounterCheck[];
  from: number;
  until: number;
  /** The billing anchor the checks were built for (anchor.ts hands out one object per anchor). */
  anchor: unknown;
}

/** The memo of planAccess: checks by key prefix, and how many prefixes it holds. */
export interface RecentChecks {
  byPrefix: { [keyPrefix: string]: RememberedChecks };
  size: number;
}


function redisConnection(conf: TierLimitConfig): RedisConnection | undefined {
  // The redis record is a RedisConnection; the client reads cluster_nodes as Redis
  // Cluster, so each policy keeps only its own node fields (and every other field as is).
  const { host, port, database, cluster_nodes, ...common } = conf.redis;
  if (conf.policy === "redis") return { ...common, host, port, database };
  if (conf.policy === "redis-cluster") return { ...common, cluster_nodes };
  return undefined;
}

const HEADER_SUFFIX: { [window: string]: string } = {
  second: "Second",
  minute: "Minute",
  hour: "Hour",
  day: "Day",
  week: "Week",
  month: "Month",
  year: "Year",
};

const cache = new WeakMap<TierLimitConfig, PreparedTierLimit>();

function prepareTiers(conf: TierLimitConfig, levels: CounterLevels): { [name: string]: PreparedTier } {
  const tiers: { [name: string]: PreparedTier } = {};
  for (const name in conf.tiers) {
    const tier = conf.tiers[name]!;
    const byMethod: { [method: string]: PreparedWindow[] } = {};
    const limits = tier.limits ?? {};
    for (const method in limits) {
      const windows: PreparedWindow[] = [];
      for (const window of WINDOW_NAMES) {
        const limit = limits[method]![window];
        if (limit === undefined) continue;
        const suffix = HEADER_SUFFIX[window]!;
        const prepared: PreparedWindow = {
          window,
          limit,
          limitText: `${limit}`,
          limitHeader: `X-RateLimit-Limit-${suffix}`,
          remainingHeader: `X-RateLimit-Remaining-${suffix}`,
        };
        // Only when set: a hard window's spec stays as it always was.
        const overage = softLimit(tier, window, limit, suffix);
        if (overage !== undefined) prepared.overage = overage;
        const level = windowLevel(conf, levels, window);
        if (level !== undefined) prepared.limitBy = level;
        windows.push(prepared);
      }
      byMethod[method] = windows;
    }
    tiers[name] = { unlimited: tier.unlimited, byMethod };
  }
  return tiers;
}

/**
 * Seconds a client should wait before retrying when the counter store fails (503): the
 * store's timeout, in whole seconds and at least 1. tollgate tries the store again on
 * every request, so nothing on its side says when the store will be back; what the config
 * does say is how long a request may wait for the store before failing (redis.timeout_ms),
 * and a client paced by it adds at most one waiting request per timeout. Policy local
 * (a lua_shared_dict that failed, i.e. is full or missing) has no timeout: 1.
 */
function unavailableRetryAfter(conf: TierLimitConfig): number {
  if (conf.policy === "local") return 1;
  return Math.max(1, Math.ceil(conf.redis.timeout_ms / 1000));
}

function hasSource(conf: TierLimitConfig, wanted: string): boolean {
  for (const source of conf.tier_sources) if (source === wanted) return true;
  return false;
}

/**
 * What a store failure is about, for the node-wide log gate: the store itself, so the
 * configs sharing one Redis report its failure once per interval, and a second Redis
 * that fails too is still reported.
 */
function storeKind(conf: TierLimitConfig): string {
  if (conf.policy === "redis") return `tier-limit:store:redis:${conf.redis.host ?? ""}:${conf.redis.port}`;
  if (conf.policy === "redis-cluster") return `tier-limit:store:redis-cluster:${(conf.redis.cluster_nodes ?? []).join(",")}`;
  return `tier-limit:store:${conf.policy}`;
}

export function prepare(conf: TierLimitConfig): PreparedTierLimit {
  const cached = cache.get(conf);
  if (cached !== undefined) return cached;

  const trustedRanges: CidrRange[] = [];
  for (const text of conf.trusted_cidrs ?? []) {
    const range = parseCidr(text);
    if (range !== undefined) trustedRanges.push(range);
  }
  let trustedHeader: string | undefined;
  for (const source of conf.tier_sources) {
    if (source === "trusted_header" && conf.trusted_header !== undefined) trustedHeader = conf.trusted_header.toLowerCase();
  }
  const levels = counterLevels(conf);
  const byLevel = [levels.tag, ...levels.others];
  const overage = hasOverage(conf.tiers);
  const prepared: PreparedTierLimit = {
    tiers: prepareTiers(conf, levels),
    trustedRanges,
    trustedHeader,
    needs: {
      headers: trustedHeader === undefined ? [] : [trustedHeader],
      jwtClaims: hasSource(conf, "jwt_claim"),
      clientIp: trustedHeader !== undefined || byLevel.indexOf("ip") !== -1,
      credential: byLevel.indexOf("credential") !== -1,
      group: byLevel.indexOf("group") !== -1,
      routeAndService: conf.counter_scope === "route" || conf.counter_scope === "service",
      path: conf.usage_path !== undefined,
    },
    storeErrors: new LogThrottle(conf.error_log_interval, storeKind(conf)),
    unavailableRetryAfter: `${unavailableRetryAfter(conf)}`,
    redis: redisConnection(conf),
    clearUpstream: overage ? [conf.tier_header, conf.overage_header] : [conf.tier_header],
    upstreamFor: {},
    recentChecks: { byPrefix: {}, size: 0 },
    thresholds: sortedThresholds(conf.thresholds),
    levels,
    overageUpstream: {},
    calendar: prepareCalendar(conf),
  };
  for (const name in conf.tiers) {
    const headers: { [name: string]: string } = {};
    headers[conf.tier_header] = name;
    prepared.upstreamFor[name] = headers;
  }
  cache.set(conf, prepared);
  return prepared;
}
