/**
 * tier-limit's configuration, declared once. Kong's schema.lua, APISIX's JSON
 * schema, the kong-pdk Schema, docs/CONFIGURATION.md and the `TierLimitConfig` type
 * all come from here.
 */
import { parseCidr } from "../core/cidr";
import { array, boolean, integer, map, record, string, type Infer } from "../core/schema";
import { WINDOW_NAMES } from "../core/windows";
import { thresholdEventsSpec, thresholdsSpec } from "./thresholds-schema";
import { CALENDAR_FIELDS, calendarProblem } from "./calendar-fields";
import { overageHeaderField, overageProblem, tierOverageFields } from "./overage";
import { LIMIT_BY, windowLimitByField } from "./group";
import { redisConnectionSpec } from "../io/redis-schema";
import { costFrom } from "./cost";

/** HTTP methods a tier can limit separately; "*" covers every method not listed. */
export const LIMITED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"] as const;

/** Where a caller's tier can come from, tried in the configured order. */
export const TIER_SOURCES = ["consumer", "consumer_map", "jwt_claim", "trusted_header"] as const;

const MAX_LIMIT = 1_000_000_000;

function windowLimit(window: string) {
  return integer({ description: `Requests allowed per ${window}.`, min: 0, max: MAX_LIMIT });
}

const windowLimits = record({
  description: "Limits of one tier for one method, by window; at least one window.",
  fields: {
    second: windowLimit("second"),
    minute: windowLimit("minute"),
    hour: windowLimit("hour"),
    day: windowLimit("day (from midnight, UTC or timezone)"),
    week: windowLimit("ISO week (from Monday midnight, UTC or timezone)"),
    month: windowLimit("month (calendar month, UTC or timezone; or from the caller's billing anchor)"),
    year: windowLimit("year (calendar year, UTC or timezone; or from the caller's billing anchor)"),
  },
  check: (limits) => {
    for (const window of WINDOW_NAMES) if (limits[window] !== undefined) return undefined;
    return `${WINDOW_NAMES.join("|")}: at least one window must have a limit`;
  },
});

const tier = record({
  description: "One tier: its limits per HTTP method, or unlimited.",
  fields: {
    unlimited: boolean({ description: "No limit at all for this tier.", default: false }),
    limits: map({
      description: 'Limits by HTTP method; "*" applies to methods not listed.',
      keys: string({ description: "HTTP method or *.", oneOf: LIMITED_METHODS }),
      values: windowLimits,
    }),
    ...tierOverageFields,
  },
  check: (value) => {
    const overage = overageProblem(value);
    if (overage !== undefined) return overage;
    if (value["unlimited"] === true) return undefined;
    const limits = value["limits"] as { [method: string]: unknown } | undefined;
    if (limits !== undefined) for (const _method in limits) return undefined;
    return "limits: a tier that is not unlimited needs limits";
  },
});

const redis = redisConnectionSpec({
  description: "Redis connection for policies redis and redis-cluster.",
  single: "policy redis",
  cluster: "policy redis-cluster",
});

function tierNamed(conf: { [key: string]: unknown }, name: unknown): boolean {
  const tiers = conf["tiers"] as { [name: string]: unknown };
  return typeof name === "string" && tiers[name] !== undefined;
}

export const tierLimitSchema = record({
  description: "Per-tier, per-method rate limits.",
  fields: {
    tiers: map({
      description: "Tiers by name (free, premium, enterprise, …).",
      required: true,
      keys: string({ description: "Tier name.", minLength: 1 }),
      values: tier,
    }),
    tier_sources: array({
      description:
        "Where the tier comes from, first hit wins: consumer (Kong tag tier:<name>, APISIX label tier or consumer group), consumer_map, jwt_claim (a verified token only), trusted_header (only from trusted_cidrs).",
      elements: string({ description: "A tier source.", oneOf: TIER_SOURCES }),
      default: ["consumer", "consumer_map", "jwt_claim"],
      minLength: 1,
    }),
    consumer_tiers: map({
      description: "Tier by consumer username, id or custom_id (source consumer_map).",
      keys: string({ description: "Consumer.", minLength: 1 }),
      values: string({ description: "Tier name.", minLength: 1 }),
    }),
    jwt_claim: string({
      description: "Claim of the JWT verified by the gateway's jwt plugin that names the tier (source jwt_claim).",
      default: "tier",
      minLength: 1,
    }),
    trusted_header: string({
      description: "Request header set by a trusted internal proxy that names the tier (source trusted_header).",
      minLength: 1,
    }),
    trusted_cidrs: array({
      description: "Client addresses allowed to set trusted_header (CIDR or address, IPv4/IPv6).",
      elements: string({ description: "CIDR.", minLength: 2 }),
    }),
    default_tier: string({ description: "Tier of an identified caller (consumer) that no source names a tier for; unset: 403." }),
    anonymous_tier: string({ description: "Tier of a caller with no consumer; unset: 401." }),
    limit_by: string({
      description:
        "Whose requests are counted together: consumer, credential, ip, or group (the consumer's organization: every member shares one counter; see window_limit_by). Anonymous callers always by ip.",
      oneOf: LIMIT_BY,
      default: "consumer",
    }),
    ...windowLimitByField,
    counter_scope: string({
      description:
        "Which requests share counters: config (those this plugin config handles, as Kong's rate-limiting), route, service, or global (all routes).",
      oneOf: ["config", "route", "service", "global"],
      default: "config",
    }),
    algorithm: string({
      description: "sliding (sliding window counter) or fixed (calendar windows, as Kong's rate-limiting).",
      oneOf: ["sliding", "fixed"],
      default: "sliding",
    }),
    cost: integer({ description: "How much one request counts (with cost_from: the least it is charged).", default: 1, min: 1, max: 1_000_000 }),
    cost_from: costFrom,
    policy: string({
      description: "Where counters live: local (lua_shared_dict), redis, redis-cluster.",
      oneOf: ["local", "redis", "redis-cluster"],
      default: "local",
    }),
    dict: string({ description: "lua_shared_dict for policy local.", default: "tollgate_tier_limit", minLength: 1 }),
    redis,
    fault_tolerant: boolean({
      description: "When the counter store fails: true lets requests through, false answers 503.",
      default: true,
    }),
    error_log_interval: integer({
      description: "Seconds between two error-log lines about a failing store (each says how many failures).",
      default: 60,
      min: 1,
      max: 86_400,
    }),
    tier_header: string({
      description: "Request header that carries the resolved tier upstream (a client-sent copy is removed first).",
      default: "X-API-Tier",
      minLength: 1,
    }),
    ...overageHeaderField,
    hide_client_headers: boolean({ description: "Do not send rate-limit headers to the client.", default: false }),
    error_code: integer({ description: "Status of a rejected request.", default: 429, min: 400, max: 599 }),
    error_message: string({ description: "Message of a rejected request.", default: "API rate limit exceeded" }),
    usage_path: string({
      description:
        "A request path (e.g. /v1/usage) that tier-limit answers itself, not counted: the caller's own usage under this config as JSON (tier, and per window limit, used, remaining, overage, window start and reset), authenticated like every request of the route.",
      minLength: 1,
    }),
    thresholds: thresholdsSpec,
    threshold_events: thresholdEventsSpec,
    ...CALENDAR_FIELDS,
  },
  check: (conf) => {
    for (const field of ["default_tier", "anonymous_tier"]) {
      const name = conf[field];
      if (name !== undefined && !tierNamed(conf, name)) return `${field}: '${name}' is not one of the configured tiers`;
    }
    const byConsumer = conf["consumer_tiers"] as { [consumer: string]: string } | undefined;
    if (byConsumer !== undefined) {
      for (const consumer in byConsumer) {
        if (!tierNamed(conf, byConsumer[consumer])) {
          return `consumer_tiers.${consumer}: '${byConsumer[consumer]}' is not one of the configured tiers`;
        }
      }
    }
    const sources = conf["tier_sources"] as string[];
    for (const source of sources) {
      if (source !== "trusted_header") continue;
      if (conf["trusted_header"] === undefined) return "trusted_header: required when tier_sources has trusted_header";
      const cidrs = conf["trusted_cidrs"] as string[] | undefined;
      if (cidrs === undefined || cidrs.length === 0) {
        return "trusted_cidrs: at least one range is required when tier_sources has trusted_header";
      }
    }
    const cidrs = conf["trusted_cidrs"] as string[] | undefined;
    if (cidrs !== undefined) {
      for (let i = 0; i < cidrs.length; i++) {
        if (parseCidr(cidrs[i]!) === undefined) return `trusted_cidrs.${i + 1}: '${cidrs[i]}' is not a CIDR range`;
      }
    }
    const usagePath = conf["usage_path"];
    if (typeof usagePath === "string" && usagePath.indexOf("/") !== 0) return "usage_path: must start with /";
    const redisConf = conf["redis"] as { host?: string; cluster_nodes?: string[] };
    if (conf["policy"] === "redis" && redisConf.host === undefined) return "redis.host: required for policy redis";
    if (conf["policy"] === "redis-cluster" && (redisConf.cluster_nodes === undefined || redisConf.cluster_nodes.length === 0)) {
      return "redis.cluster_nodes: at least one node is required for policy redis-cluster";
    }
    return calendarProblem(conf);
  },
});

export type TierLimitConfig = Infer<typeof tierLimitSchema>;
export type TierSource = (typeof TIER_SOURCES)[number];
