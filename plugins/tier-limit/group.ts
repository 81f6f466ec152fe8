/**
 * Organization quotas: `limit_by: group` counts every member of a group together, and
 * `window_limit_by` sets who shares a window's counter per window, so one config holds
 * a per-consumer burst and a per-organization quota (apache/apisix#12946).
 *
 * A consumer's group, first found wins:
 *   1. its own attribute `group` (Kong tag group:<id>, APISIX label group): named on the
 *      consumer, and apart from the gateway's consumer groups, which tollgate already
 *      reads as tiers (resolve.ts: a consumer group named like a tier);
 *   2. the gateway's consumer group: APISIX's group_id (apisix/consumer.lua
 *      attach_consumer, 3.18.0, sets ctx.consumer_group_id from it); Kong Enterprise's
 *      kong.client.get_consumer_groups(). OSS Kong 3.9.3 has neither the entity nor the
 *      PDK function (kong/pdk/client.lua), so on OSS Kong the tag is the way.
 * A consumer in no group is its own organization: counted as limit_by consumer would
 * count it (as Kong's rate-limiting falls back to the client address when it cannot
 * find a consumer, rather than refusing).
 */
import { consumerAttribute, type ConsumerFacts, type RequestFacts } from "../core/facts";
import { map, string } from "../core/schema";
import { WINDOW_NAMES } from "../core/windows";

/** Whose requests share counters. */
export const LIMIT_BY = ["consumer", "credential", "ip", "group"] as const;
export type LimitBy = (typeof LIMIT_BY)[number];

/** The config-level field schema.ts puts next to limit_by. */
export const windowLimitByField = {
  window_limit_by: map({
    description:
      "Per window, whose requests share its counter, in place of limit_by: e.g. limit_by group with { second: consumer } gives each member its own burst limit within the organization's quota.",
    keys: string({ description: "A window.", oneOf: WINDOW_NAMES }),
    values: string({ description: "consumer, credential, ip or group.", oneOf: LIMIT_BY }),
  }),
};

/** The group a consumer belongs to (see the order above), or undefined. */
export function consumerGroup(consumer: ConsumerFacts, facts: RequestFacts): string | undefined {
  const own = consumerAttribute(consumer, "group");
  if (own !== undefined) return own;
  if (facts.consumerGroup !== undefined) return facts.consumerGroup;
  const group = consumer.group;
  return group !== undefined && group !== "" ? group : undefined;
}

/** The identity whose requests share a counter when counted `by` (anonymous callers by address). */
export function subjectBy(by: string, facts: RequestFacts): string {
  const consumer = facts.consumer;
  if (consumer !== undefined) {
    if (by === "consumer") return `c:${consumer.id}`;
    if (by === "credential" && facts.credentialId !== undefined) return `k:${facts.credentialId}`;
    if (by === "credential") return `c:${consumer.id}`;
    if (by === "group") {
      const group = consumerGroup(consumer, facts);
      return group === undefined ? `c:${consumer.id}` : `g:${group}`;
    }
  }
  return `ip:${facts.clientIp ?? "unknown"}`;
}

/**
 * Which subjects a config's counters use. `tag` names the Redis Cluster hash tag of
 * every key of a request (one slot, so the script runs on all its windows at once): the
 * group when any window is counted by group, else limit_by. `others` are the levels
 * of windows counted apart from the tag's; their keys carry their own subject after it.
 */
export interface CounterLevels {
  tag: string;
  others: string[];
}

export function counterLevels(conf: { limit_by: string; window_limit_by?: { readonly [window: string]: string } }): CounterLevels {
  const used: string[] = [conf.limit_by];
  const byWindow = conf.window_limit_by ?? {};
  for (const window of WINDOW_NAMES) {
    const by = byWindow[window];
    if (by !== undefined && used.indexOf(by) === -1) used.push(by);
  }
  const tag = used.indexOf("group") !== -1 ? "group" : conf.limit_by;
  const others: string[] = [];
  for (const by of used) if (by !== tag) others.push(by);
  return { tag, others };
}

/**
 * The level of `window` when it differs from the tag's (PreparedWindow.limitBy), else
 * undefined: the window's keys are then the request's key prefix as it is.
 */
export function windowLevel(
  conf: { limit_by: string; window_limit_by?: { readonly [window: string]: string } },
  levels: CounterLevels,
  window: string,
): string | undefined {
  const by = conf.window_limit_by?.[window] ?? conf.limit_by;
  return by === levels.tag ? undefined : by;
}

/** The key prefix of a window counted at `level` (undefined: the request's own prefix). */
export function windowPrefix(keyPrefix: string, level: string | undefined, facts: RequestFacts): string {
  return level === undefined ? keyPrefix : `${keyPrefix}${subjectBy(level, facts)}:`;
}

/**
 * What identifies a request's counters for decide.ts's memo of checks: the key prefix,
 * and with windows counted at other levels, the subjects of those too (members of one
 * organization share the prefix but not their own windows' keys).
 */
export function memoKey(keyPrefix: string, levels: CounterLevels, facts: RequestFacts): string {
  const others = levels.others;
  if (others.length === 0) return keyPrefix;
  let key = keyPrefix;
  for (const level of others) key = `${key}|${subjectBy(level, facts)}`;
  return key;
}

/**
 * The scope an organization's counters share. APISIX makes a consumer's requests a
 * configuration of their own once it knows the consumer: it appends "&consumer" (and
 * "&consumer_group") to ctx.conf_type and the consumer's name (and group id) to
 * ctx.conf_id (apisix/plugin.lua merge_consumer_route, 3.18.0), so counter_scope config
 * would give every member its own scope. Counted by group, the scope is the
 * configuration as it was before that: "route&consumer:r1&alice" → "route:r1".
 * Kong's scopes (route:<id>, service:<id>, global) never name the consumer.
 */
export function organizationScope(scope: string): string {
  const at = scope.indexOf("&consumer");
  const colon = scope.indexOf(":");
  if (at === -1 || colon === -1 || at > colon) return scope;
  // The ids before the consumer's: as many as the type has parts before "&consumer".
  let parts = 1;
  for (let i = scope.indexOf("&"); i !== -1 && i < at; i = scope.indexOf("&", i + 1)) parts++;
  let end = colon;
  for (let i = 0; i < parts; i++) {
    const next = scope.indexOf("&", end + 1);
    if (next === -1) return `${scope.substring(0, at)}${scope.substring(colon)}`;
    end = next;
  }
  return `${scope.substring(0, at)}${scope.substring(colon, end)}`;
}
