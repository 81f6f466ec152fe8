/**
 * Who is calling and which tier they are on, from request facts only. The tier
 * sources are tried in the configured order; a tier never comes from the request
 * unless the operator turned on trusted_header, and then only from trusted_cidrs.
 */
import { ipInRanges } from "../core/cidr";
import { consumerAttribute, type RequestFacts } from "../core/facts";
import { subjectBy } from "./group";
import { prepare, type PreparedTierLimit } from "./prepare";
import type { TierLimitConfig, TierSource } from "./schema";

function fromConsumer(conf: TierLimitConfig, facts: RequestFacts): string | undefined {
  const consumer = facts.consumer;
  if (consumer === undefined) return undefined;
  const own = consumerAttribute(consumer, "tier");
  if (own !== undefined) return own;
  // An APISIX consumer group named like a tier puts its members on that tier.
  const group = consumer.group;
  if (group !== undefined && conf.tiers[group] !== undefined) return group;
  return undefined;
}

function fromConsumerMap(conf: TierLimitConfig, facts: RequestFacts): string | undefined {
  const consumer = facts.consumer;
  const byConsumer = conf.consumer_tiers;
  if (consumer === undefined || byConsumer === undefined) return undefined;
  if (consumer.username !== undefined && byConsumer[consumer.username] !== undefined) return byConsumer[consumer.username];
  if (byConsumer[consumer.id] !== undefined) return byConsumer[consumer.id];
  if (consumer.custom_id !== undefined) return byConsumer[consumer.custom_id];
  return undefined;
}

function fromJwtClaim(conf: TierLimitConfig, facts: RequestFacts): string | undefined {
  const claim = facts.jwtClaims?.[conf.jwt_claim];
  return typeof claim === "string" && claim !== "" ? claim : undefined;
}

function fromTrustedHeader(prepared: PreparedTierLimit, facts: RequestFacts): string | undefined {
  const name = prepared.trustedHeader;
  if (name === undefined) return undefined;
  const value = facts.headers?.[name];
  if (value === undefined || value === "") return undefined;
  const ip = facts.clientIp;
  if (ip === undefined || !ipInRanges(ip, prepared.trustedRanges)) return undefined;
  return value;
}

export interface ResolvedTier {
  tier?: string;
  /** Which source named it: a tier source, "default_tier" or "anonymous_tier". */
  source?: string;
}

function fromSource(source: TierSource, conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts): string | undefined {
  switch (source) {
    case "consumer":
      return fromConsumer(conf, facts);
    case "consumer_map":
      return fromConsumerMap(conf, facts);
    case "jwt_claim":
      return fromJwtClaim(conf, facts);
    case "trusted_header":
      return fromTrustedHeader(prepared, facts);
  }
}

/** The tier `source` names for this request, with the source; undefined when it names none. */
function resolvedBy(source: TierSource, conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts): ResolvedTier | undefined {
  const tier = fromSource(source, conf, prepared, facts);
  return tier === undefined ? undefined : { tier, source };
}

export function resolveTier(conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts): ResolvedTier {
  // Usually one or two sources: the first two are tried without a loop, because a loop
  // that runs once per request costs LuaJIT its traces (see hosts/lua/each.ts).
  const sources = conf.tier_sources;
  const count = sources.length;
  const first = count > 0 ? resolvedBy(sources[0]!, conf, prepared, facts) : undefined;
  if (first !== undefined) return first;
  const second = count > 1 ? resolvedBy(sources[1]!, conf, prepared, facts) : undefined;
  if (second !== undefined) return second;
  for (let i = 2; i < count; i++) {
    const found = resolvedBy(sources[i]!, conf, prepared, facts);
    if (found !== undefined) return found;
  }
  if (facts.consumer !== undefined) {
    return conf.default_tier === undefined ? {} : { tier: conf.default_tier, source: "default_tier" };
  }
  return conf.anonymous_tier === undefined ? {} : { tier: conf.anonymous_tier, source: "anonymous_tier" };
}

/** The identity whose requests share counters (see limit_by and group.ts); anonymous callers by address. */
export function counterSubject(conf: TierLimitConfig, facts: RequestFacts, by: string = conf.limit_by): string {
  return subjectBy(by, facts);
}

/** Which requests share counters (see counter_scope). */
export function counterScope(conf: TierLimitConfig, facts: RequestFacts): string {
  switch (conf.counter_scope) {
    case "config":
      return facts.configScope ?? "global";
    case "route":
      return `route:${facts.routeId ?? ""}`;
    case "service":
      return `service:${facts.serviceId ?? ""}`;
    case "global":
      return "global";
  }
}

/** resolveTier with the config's prepared form (for callers without one, e.g. test vectors). */
export function tierFor(conf: TierLimitConfig, facts: RequestFacts): ResolvedTier {
  return resolveTier(conf, prepare(conf), facts);
}
