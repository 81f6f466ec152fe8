/**
 * tier-limit's decisions, sans IO. A host adapter calls, per request:
 *
 *   1. planAccess(conf, facts, now)        tier, and the counters this request touches
 *   2. (I/O) a counter store adds `cost` to each window's current counter and reads
 *      the previous window's count (see stores: lua_shared_dict, Redis script)
 *   3. decideAccess(conf, plan, counts)    allow or reject, with the headers to send
 *   4. (I/O) the local store takes a refused request's cost back; the Redis script
 *      never applied it
 *
 * Algorithms, for a window of length L that started at S (now = t):
 *   fixed    count = current window's counter; allowed while count <= limit.
 *   sliding  estimate = previous * (1 - (t - S) / L) + current; allowed while
 *            estimate <= limit. The previous window's requests are assumed spread
 *            evenly over it; see README "Sliding window" for the error bound.
 * A request is allowed only if every window allows it.
 */
import type { RequestFacts } from "../core/facts";
import type { AccessOutcome, Rejection } from "../core/outcome";
import type { WindowCounts } from "../io/counter";
import { fixedWindowLength, windowBounds, type WindowName } from "../core/windows";
import { prepare, type PreparedTierLimit, type PreparedWindow } from "./prepare";
import { counterScope, counterSubject, resolveTier } from "./resolve";
import type { TierLimitConfig } from "./schema";

const MONTH_MAX_SECONDS = 31 * 86400;

/**
 * One window this request is counted in: what changes per request, and the window's
 * prepared settings (limit, header names) by reference. Small on purpose: one is made
 * per window per request.
 */
export interface CounterCheck {
  /** The current window's counter. */
  key: string;
  /** The previous window's counter (read by the sliding algorithm only). */
  previousKey: string;
  /** Weight of the previous window's count: 1 - elapsed fraction (0 for fixed windows). */
  weight: number;
  /** Seconds the current counter must live (through the next window when sliding). */
  ttl: number;
  windowStart: number;
  /** Epoch second at which the current window ends. */
  resetAt: number;
  /** The window's limit and header names, from the prepared config. */
  spec: PreparedWindow;
}

export type AccessPlan =
  | { kind: "reject"; rejection: Rejection }
  | { kind: "count"; tier: string; checks: CounterCheck[]; now: number; cost: number };

/** What a store reports for a plan's checks, in the same order. */
export type Counts = WindowCounts;

export interface AccessDecision {
  allowed: boolean;
  tier: string;
  /** Headers for the client (rate-limit state; Retry-After on rejection). */
  responseHeaders: { [name: string]: string };
  rejection?: Rejection;
}

function reject(status: number, error: string, message: string): AccessPlan {
  return { kind: "reject", rejection: { status, body: { error, message }, headers: {} } };
}

function check(prepared: PreparedWindow, keyPrefix: string, sliding: boolean, now: number): CounterCheck {
  const window = prepared.window;
  const second = Math.floor(now);
  let start: number;
  let end: number;
  const fixedLength = fixedWindowLength(window);
  if (fixedLength === 0) {
    const bounds = windowBounds(window, now);
    start = bounds.start;
    end = bounds.end;
  } else {
    // Computed here rather than through windowBounds: no bounds table per window per request.
    start = second - (second % fixedLength);
    end = start + fixedLength;
  }
  const length = end - start;
  const key = `${keyPrefix}${window}:${start}`;
  let previousKey = key;
  if (sliding) {
    const previousStart = window === "month" ? windowBounds("month", start - 1).start : start - length;
    previousKey = `${keyPrefix}${window}:${previousStart}`;
  }
  const nextLength = window === "month" ? MONTH_MAX_SECONDS : length;
  return {
    key,
    // Fixed windows never read the previous counter; the Redis script still gets two keys per window.
    previousKey,
    // Rounded down to 6 decimals: the Redis script receives exactly this number.
    weight: sliding ? Math.floor((1 - (now - start) / length) * 1e6) / 1e6 : 0,
    ttl: sliding ? end - second + nextLength + 1 : end - second + 1,
    windowStart: start,
    resetAt: end,
    spec: prepared,
  };
}

/** Step 1: the counters this request must bump, or an immediate rejection. */
export function planAccess(
  conf: TierLimitConfig,
  facts: RequestFacts,
  now: number,
  prepared: PreparedTierLimit = prepare(conf),
): AccessPlan {
  const { tier: tierName } = resolveTier(conf, prepared, facts);
  if (tierName === undefined) {
    return facts.consumer === undefined
      ? reject(401, "unauthenticated", "This API requires credentials.")
      : reject(403, "no_tier", "No tier is assigned to this consumer.");
  }
  const tier = prepared.tiers[tierName];
  if (tier === undefined) return reject(403, "unknown_tier", `Tier '${tierName}' is not configured.`);
  const cost = conf.cost;
  if (tier.unlimited) return { kind: "count", tier: tierName, checks: [], now, cost };

  let methodKey = facts.method;
  let windows = tier.byMethod[methodKey];
  if (windows === undefined) {
    methodKey = "*";
    windows = tier.byMethod["*"];
  }
  const checks: CounterCheck[] = [];
  if (windows === undefined) return { kind: "count", tier: tierName, checks, now, cost };

  // The hash tag {scope:subject} puts all of one caller's windows in one Redis Cluster slot.
  const keyPrefix = `tl:{${counterScope(conf, facts)}:${counterSubject(conf, facts)}}:${tierName}:${methodKey}:`;
  const sliding = conf.algorithm === "sliding";
  // The first two windows without a loop (a tier has one to five): a loop that runs once
  // or twice per request costs LuaJIT its traces (see hosts/lua/each.ts).
  const count = windows.length;
  if (count > 0) checks.push(check(windows[0]!, keyPrefix, sliding, now));
  if (count > 1) checks.push(check(windows[1]!, keyPrefix, sliding, now));
  for (let i = 2; i < count; i++) checks.push(check(windows[i]!, keyPrefix, sliding, now));
  return { kind: "count", tier: tierName, checks, now, cost };
}

/** Seconds until a refused request would be allowed in this window, if nothing else arrives. */
function retryAfter(entry: CounterCheck, current: number, previous: number, cost: number, now: number): number {
  const untilEnd = entry.resetAt - now;
  if (entry.weight === 0 || current > entry.spec.limit) {
    if (entry.weight === 0) return Math.max(1, Math.ceil(untilEnd));
    // Current window alone is over: wait for the next window, then for this window's
    // weight (as the next one's "previous") to fall enough.
    const length = entry.resetAt - entry.windowStart;
    const without = current - cost;
    const extra = without > entry.spec.limit - cost ? length * (1 - (entry.spec.limit - cost) / without) : 0;
    return Math.max(1, Math.ceil(untilEnd + extra));
  }
  // The previous window's weight must fall until previous * weight + current <= limit.
  const length = entry.resetAt - entry.windowStart;
  const elapsedNeeded = length * (1 - (entry.spec.limit - current) / previous);
  return Math.max(1, Math.ceil(entry.windowStart + elapsedNeeded - now));
}

/** decideAccess's running result over the windows. */
interface Tally {
  /** The first window over its limit, or -1. */
  exceeded: number;
  /** The window with the least remaining (the first of equals), or -1. */
  tightest: number;
  tightestRemaining: number;
}

/** Window `i`'s estimate against its limit: updates the tally and sets its two headers (unless hidden). */
function tallyWindow(tally: Tally, entry: CounterCheck, i: number, counts: Counts, headers: { [name: string]: string }, hide: boolean): void {
  const current = counts.current[i] ?? 0;
  const estimate = (counts.previous[i] ?? 0) * entry.weight + current;
  const left = Math.floor(entry.spec.limit - estimate);
  const remaining = left > 0 ? left : 0;
  if (estimate > entry.spec.limit && tally.exceeded === -1) tally.exceeded = i;
  if (!hide) {
    headers[entry.spec.limitHeader] = entry.spec.limitText;
    headers[entry.spec.remainingHeader] = `${remaining}`;
  }
  if (tally.tightest === -1 || remaining < tally.tightestRemaining) {
    tally.tightest = i;
    tally.tightestRemaining = remaining;
  }
}

/**
 * Step 3: allow or reject from the store's counts, and build the headers into
 * `headers` (empty; the Lua access step passes one with room for them, see
 * hosts/lua/tables.ts).
 */
export function decideAccess(
  conf: TierLimitConfig,
  plan: { tier: string; checks: readonly CounterCheck[]; now: number; cost: number },
  counts: Counts,
  headers: { [name: string]: string } = {},
): AccessDecision {
  const hide = conf.hide_client_headers;
  // The first two windows without a loop (see planAccess).
  const checks = plan.checks;
  const count = checks.length;
  const tally: Tally = { exceeded: -1, tightest: -1, tightestRemaining: 0 };
  if (count > 0) tallyWindow(tally, checks[0]!, 0, counts, headers, hide);
  if (count > 1) tallyWindow(tally, checks[1]!, 1, counts, headers, hide);
  for (let i = 2; i < count; i++) tallyWindow(tally, checks[i]!, i, counts, headers, hide);
  const { exceeded, tightest, tightestRemaining } = tally;
  const now = plan.now;
  if (tightest !== -1 && !hide) {
    const entry = checks[tightest]!;
    headers["RateLimit-Limit"] = entry.spec.limitText;
    headers["RateLimit-Remaining"] = `${tightestRemaining}`;
    headers["RateLimit-Reset"] = `${Math.max(1, Math.ceil(entry.resetAt - now))}`;
  }
  const allowed = counts.allowed ?? exceeded === -1;
  if (allowed) return { allowed: true, tier: plan.tier, responseHeaders: headers };

  // A store that decided atomically may have refused on a window our estimate (in
  // floating point) puts right at the limit: name the tightest one then.
  const index = exceeded !== -1 ? exceeded : tightest;
  const entry = plan.checks[index]!;
  const wait = retryAfter(entry, counts.current[index] ?? 0, counts.previous[index] ?? 0, plan.cost, now);
  headers["Retry-After"] = `${wait}`;
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
        window: entry.spec.window,
        limit: entry.spec.limit,
        retry_after: wait,
      },
    },
  };
}

/**
 * The counter store failed: with fault_tolerant the request passes (without
 * rate-limit headers), otherwise 503. `report` is how many failures the error log
 * should mention now (0: stay quiet, a line was written less than
 * error_log_interval ago).
 */
export function onStoreFailure(
  conf: TierLimitConfig,
  passed: AccessOutcome,
  now: number,
  prepared: PreparedTierLimit = prepare(conf),
): { outcome: AccessOutcome; report: number } {
  const report = prepared.storeErrors.occurrence(now);
  if (conf.fault_tolerant) return { outcome: passed, report };
  const rejection: Rejection = {
    status: 503,
    headers: {},
    body: { error: "rate_limit_unavailable", message: "Rate limiting is unavailable; try again later." },
  };
  return { outcome: { clearUpstream: passed.clearUpstream, rejection }, report };
}
