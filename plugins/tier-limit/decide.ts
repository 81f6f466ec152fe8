/**
 * tier-limit's decisions, sans IO. A host adapter calls, per request:
 *
 *   1. planAccess(conf, facts, now)       who is calling, which tier, which counters to bump
 *   2. (I/O) add `cost` to each counter of the plan, atomically, and read the new values
 *   3. decideAccess(conf, plan, counts)   allow or reject, and the headers to send
 *   4. (I/O) if rejected, take the cost back from every counter (a refused request
 *      must not use up a longer window's quota), then apply the decision
 *
 * Counting first and checking after is what keeps concurrent requests exact: each
 * increment returns a distinct value, so exactly `limit` of them see a value ≤ limit.
 */
import { consumerAttribute, type RequestFacts } from "../core/facts";
import type { Rejection } from "../core/outcome";
import { WINDOW_NAMES, windowBounds, type WindowName } from "../core/windows";
import type { TierLimitConfig } from "./schema";

/** One counter to increment for this request. */
export interface CounterCheck {
  key: string;
  limit: number;
  window: WindowName;
  /** Epoch second at which the window ends and the counter starts over. */
  resetAt: number;
  /** Seconds the counter must live (until its window ends). */
  ttl: number;
}

export type AccessPlan =
  | { kind: "reject"; rejection: Rejection }
  | { kind: "count"; tier: string; checks: CounterCheck[]; now: number };

export interface AccessDecision {
  allowed: boolean;
  /** The tier to forward upstream in `conf.tier_header`. */
  tier: string;
  /** Headers for the client (rate-limit state; Retry-After on rejection). */
  responseHeaders: { [name: string]: string };
  /** Set when not allowed. */
  rejection?: Rejection;
}

function reject(status: number, error: string, message: string): AccessPlan {
  return { kind: "reject", rejection: { status, body: { error, message }, headers: {} } };
}

/** The tier of the caller: the consumer's own tier, else the configured default. */
export function resolveTier(conf: TierLimitConfig, facts: RequestFacts): string | undefined {
  const consumer = facts.consumer;
  if (consumer !== undefined) {
    const own = consumerAttribute(consumer, "tier");
    if (own !== undefined) return own;
  }
  return conf.default_tier;
}

/** Step 1: the counters this request must bump, or an immediate rejection. */
export function planAccess(conf: TierLimitConfig, facts: RequestFacts, now: number): AccessPlan {
  const tierName = resolveTier(conf, facts);
  if (tierName === undefined) {
    return facts.consumer === undefined
      ? reject(401, "unauthenticated", "This API requires an API key.")
      : reject(403, "no_tier", "No tier is assigned to this consumer.");
  }
  const tier = conf.tiers[tierName];
  if (tier === undefined) return reject(403, "unknown_tier", `Tier '${tierName}' is not configured.`);
  if (tier.unlimited) return { kind: "count", tier: tierName, checks: [], now };

  const limits = tier.limits;
  let methodKey = facts.method;
  let windows = limits?.[methodKey];
  if (windows === undefined) {
    methodKey = "*";
    windows = limits?.["*"];
  }
  if (windows === undefined) return { kind: "count", tier: tierName, checks: [], now };

  const subject = facts.consumer === undefined ? "anonymous" : facts.consumer.id;
  const scope = facts.configScope ?? "global";
  const checks: CounterCheck[] = [];
  for (const window of WINDOW_NAMES) {
    const limit = windows[window];
    if (limit === undefined) continue;
    const bounds = windowBounds(window, now);
    checks.push({
      key: `tl:${scope}:${tierName}:${subject}:${methodKey}:${window}:${bounds.start}`,
      limit,
      window,
      resetAt: bounds.end,
      ttl: bounds.end - Math.floor(now) + 1,
    });
  }
  return { kind: "count", tier: tierName, checks, now };
}

function capitalized(window: WindowName): string {
  return window.substring(0, 1).toUpperCase() + window.substring(1);
}

/**
 * Step 3: given each counter's value after this request's increment (same order as
 * plan.checks), allow or reject and build the headers.
 */
export function decideAccess(
  conf: TierLimitConfig,
  plan: { tier: string; checks: readonly CounterCheck[]; now: number },
  counts: readonly number[],
): AccessDecision {
  const headers: { [name: string]: string } = {};
  let exceeded: CounterCheck | undefined;
  // The tightest window: the one with the fewest requests left (first on a tie).
  let tightest: CounterCheck | undefined;
  let tightestRemaining = 0;
  for (let i = 0; i < plan.checks.length; i++) {
    const check = plan.checks[i]!;
    const count = counts[i] ?? 0;
    const remaining = check.limit - count > 0 ? check.limit - count : 0;
    if (count > check.limit && exceeded === undefined) exceeded = check;
    if (!conf.hide_client_headers) {
      headers[`X-RateLimit-Limit-${capitalized(check.window)}`] = `${check.limit}`;
      headers[`X-RateLimit-Remaining-${capitalized(check.window)}`] = `${remaining}`;
    }
    if (tightest === undefined || remaining < tightestRemaining) {
      tightest = check;
      tightestRemaining = remaining;
    }
  }
  const now = Math.floor(plan.now);
  if (tightest !== undefined && !conf.hide_client_headers) {
    headers["RateLimit-Limit"] = `${tightest.limit}`;
    headers["RateLimit-Remaining"] = `${tightestRemaining}`;
    headers["RateLimit-Reset"] = `${tightest.resetAt - now}`;
  }
  if (exceeded === undefined) return { allowed: true, tier: plan.tier, responseHeaders: headers };

  const retryAfter = exceeded.resetAt - now;
  headers["Retry-After"] = `${retryAfter}`;
  return {
    allowed: false,
    tier: plan.tier,
    responseHeaders: headers,
    rejection: {
      status: conf.error_code,
      headers,
      body: {
        error: "rate_limited",
        message: conf.error_message,
        tier: plan.tier,
        window: exceeded.window,
        limit: exceeded.limit,
        retry_after: retryAfter,
      },
    },
  };
}
