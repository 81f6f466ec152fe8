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
import type { ThrottleStore } from "../core/log-throttle";
import type { AccessOutcome, Rejection } from "../core/outcome";
import { counterTtl, type WindowCounter, type WindowCounts } from "../io/counter";
import { calendarBounds, isCalendarWindow, longestPeriod, type LocalAnchor } from "../core/calendar";
import { fixedWindowLength } from "../core/windows";
import { callerAnchor, type PreparedCalendar } from "./anchor";
import { prepare, type PreparedTierLimit, type PreparedWindow } from "./prepare";
import { memoKey, organizationScope, windowPrefix } from "./group";
import { overBy } from "./overage";
import { counterScope, counterSubject, resolveTier } from "./resolve";
import type { TierLimitConfig } from "./schema";

/**
 * One window a request is counted in: its counters as the stores see them (WindowCounter:
 * keys, sliding or not, how long a new counter lives), its bounds, and the window's
 * prepared settings (limit, header names) by reference. What it holds changes only when the window
 * does, so planAccess hands the same checks to every request of a caller within its
 * shortest window (see recentChecks); what changes per request — the previous
 * window's weight, a new counter's TTL — is computed from it at `now`
 * (previousWeight; counterTtl in io/counter.ts). Never modified once made: requests
 * waiting on Redis share it.
 */
export interface CounterCheck extends WindowCounter {
  windowStart: number;
  /** Epoch second at which the current window ends. */
  resetAt: number;
  /** The window's limit and header names, from the prepared config. */
  spec: PreparedWindow;
}

/**
 * The weight of the previous window's count at `now`: 1 - the elapsed fraction of the
 * current window, rounded down to 6 decimals (the Redis script receives exactly this
 * number); 0 for a fixed window.
 */
export function previousWeight(check: CounterCheck, now: number): number {
  if (!check.sliding) return 0;
  return Math.floor((1 - (now - check.windowStart) / (check.resetAt - check.windowStart)) * 1e6) / 1e6;
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
  /** An admitted request past a soft limit: the windows over it, e.g. "month" or "minute,month" (overage.ts). */
  overage?: string;
}

function reject(status: number, error: string, message: string): AccessPlan {
  return { kind: "reject", rejection: { status, body: { error, message }, headers: {} } };
}

function check(prepared: PreparedWindow, keyPrefix: string, sliding: boolean, now: number, calendar: PreparedCalendar, anchor: LocalAnchor | undefined): CounterCheck {
  const window = prepared.window;
  let start: number;
  let end: number;
  const fixedLength = fixedWindowLength(window);
  // Day, week, month and year on the calendar (local midnight, or the billing anchor): core/calendar.ts.
  const onCalendar = fixedLength === 0 || (calendar.zone !== undefined && isCalendarWindow(window));
  if (onCalendar) {
    const bounds = calendarBounds(calendar.zone, window, now, anchor);
    start = bounds.start;
    end = bounds.end;
  } else {
    // Computed here rather than through windowBounds: no bounds table per window.
    const second = Math.floor(now);
    start = second - (second % fixedLength);
    end = start + fixedLength;
  }
  const length = end - start;
  const key = `${keyPrefix}${window}:${start}`;
  let previousKey = key;
  if (sliding) {
    const previousStart = onCalendar ? calendarBounds(calendar.zone, window, start - 1, anchor).start : start - length;
    previousKey = `${keyPrefix}${window}:${previousStart}`;
  }
  const nextLength = onCalendar ? longestPeriod(calendar.zone, window) : length;
  return {
    key,
    // Fixed windows never read the previous counter; the Redis script still gets two keys per window.
    previousKey,
    sliding,
    windowStart: start,
    resetAt: end,
    keepUntil: sliding ? end + nextLength + 1 : end + 1,
    spec: prepared,
  };
}

/*
 * A caller's checks are remembered per key prefix (scope, subject, tier, method: which
 * fixes the windows too) while all its windows last, for the billing anchor they were
 * built with: building them means two key strings and a table per window on every
 * request (and, for local-time and anchored windows, the calendar arithmetic), and a
 * rate-limited caller sends many requests per window. The memo holds the latest start
 * and the earliest end of its windows: on the UTC calendar that is the shortest window,
 * but a local day (Lord Howe's starts at :30 UTC) or an anchored month (at the anchor's
 * second) need not start on a boundary of a shorter window. A changed anchor (an
 * upgrade mid-cycle) builds new checks, whose keys hold the new period's start. At most RECENT_CHECKS_MAX callers per prepared config and worker; past
 * that the memo starts over. Not two generations as hosts/lua/consumer-memo.ts keeps:
 * a check serves only until its shortest window ends (a second, mostly), so a caller
 * dropped with the rest is rebuilt once, where a longer-lived decision is worth keeping.
 */
const RECENT_CHECKS_MAX = 1024;

function rememberedChecks(prepared: PreparedTierLimit, keyPrefix: string, now: number, anchor: LocalAnchor | undefined): CounterCheck[] | undefined {
  const entry = prepared.recentChecks.byPrefix[keyPrefix];
  if (entry === undefined) return undefined;
  return now >= entry.from && now < entry.until && entry.anchor === anchor ? entry.checks : undefined;
}

function rememberChecks(prepared: PreparedTierLimit, keyPrefix: string, checks: CounterCheck[], anchor: LocalAnchor | undefined): void {
  const recent = prepared.recentChecks;
  if (recent.byPrefix[keyPrefix] === undefined) {
    if (recent.size >= RECENT_CHECKS_MAX) {
      recent.byPrefix = {};
      recent.size = 0;
    }
    recent.size++;
  }
  let from = checks[0]!.windowStart;
  let until = checks[0]!.resetAt;
  for (let i = 1; i < checks.length; i++) {
    const entry = checks[i]!;
    if (entry.windowStart > from) from = entry.windowStart;
    if (entry.resetAt < until) until = entry.resetAt;
  }
  recent.byPrefix[keyPrefix] = { checks, from, until, anchor };
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
  if (windows === undefined || windows.length === 0) return { kind: "count", tier: tierName, checks: [], now, cost };

  // The hash tag {scope:subject} puts all of one caller's windows in one Redis Cluster slot.
  const levels = prepared.levels;
  const scope = levels.tag === "group" ? organizationScope(counterScope(conf, facts)) : counterScope(conf, facts);
  const keyPrefix = `tl:{${scope}:${counterSubject(conf, facts, levels.tag)}}:${tierName}:${methodKey}:`;
  // Windows counted at another level than the prefix's (group.ts) add their subject to their keys.
  const memo = memoKey(keyPrefix, levels, facts);
  const calendar = prepared.calendar;
  const anchor = callerAnchor(calendar, facts);
  const remembered = rememberedChecks(prepared, memo, now, anchor);
  if (remembered !== undefined) return { kind: "count", tier: tierName, checks: remembered, now, cost };
  const checks: CounterCheck[] = [];
  const sliding = conf.algorithm === "sliding";
  // The first two windows without a loop (a tier has one to five): a loop that runs once
  // or twice per request costs LuaJIT its traces (see hosts/lua/each.ts).
  const count = windows.length;
  if (count > 0) checks.push(check(windows[0]!, windowPrefix(keyPrefix, windows[0]!.limitBy, facts), sliding, now, calendar, anchor));
  if (count > 1) checks.push(check(windows[1]!, windowPrefix(keyPrefix, windows[1]!.limitBy, facts), sliding, now, calendar, anchor));
  for (let i = 2; i < count; i++) checks.push(check(windows[i]!, windowPrefix(keyPrefix, windows[i]!.limitBy, facts), sliding, now, calendar, anchor));
  rememberChecks(prepared, memo, checks, anchor);
  return { kind: "count", tier: tierName, checks, now, cost };
}

/** Seconds until a refused request would be allowed in this window, if nothing else arrives. */
function retryAfter(entry: CounterCheck, current: number, previous: number, cost: number, now: number): number {
  // What the window admits up to: its limit, or with overage limit + max_overage.
  const limit = entry.spec.overage?.admit ?? entry.spec.limit;
  const untilEnd = entry.resetAt - now;
  const weight = previousWeight(entry, now);
  if (weight === 0 || current > limit) {
    if (weight === 0) return Math.max(1, Math.ceil(untilEnd));
    // Current window alone is over: wait for the next window, then for this window's
    // weight (as the next one's "previous") to fall enough.
    const length = entry.resetAt - entry.windowStart;
    const without = current - cost;
    const extra = without > limit - cost ? length * (1 - (limit - cost) / without) : 0;
    return Math.max(1, Math.ceil(untilEnd + extra));
  }
  // The previous window's weight must fall until previous * weight + current <= limit.
  const length = entry.resetAt - entry.windowStart;
  const elapsedNeeded = length * (1 - (limit - current) / previous);
  return Math.max(1, Math.ceil(entry.windowStart + elapsedNeeded - now));
}

/** decideAccess's running result over the windows. */
interface Tally {
  /** The first window over its limit, or -1. */
  exceeded: number;
  /** The window with the least remaining (the first of equals), or -1. */
  tightest: number;
  tightestRemaining: number;
  /** The soft windows past their limit, comma-separated (overage.ts), or "". */
  overage: string;
  /** Their client headers (X-RateLimit-Overage-<Window>: how many over), made only when one is over. */
  overHeaders?: { [name: string]: string };
}

/** Window `i`'s estimate against its limit: updates the tally and sets its two headers (unless hidden). */
function tallyWindow(tally: Tally, entry: CounterCheck, i: number, counts: Counts, now: number, headers: { [name: string]: string }, hide: boolean): void {
  const current = counts.current[i] ?? 0;
  const estimate = (counts.previous[i] ?? 0) * previousWeight(entry, now) + current;
  const left = Math.floor(entry.spec.limit - estimate);
  const remaining = left > 0 ? left : 0;
  const soft = entry.spec.overage;
  if (soft === undefined) {
    if (estimate > entry.spec.limit && tally.exceeded === -1) tally.exceeded = i;
  } else {
    if (estimate > soft.admit && tally.exceeded === -1) tally.exceeded = i;
    const over = overBy(estimate, entry.spec.limit);
    if (over > 0) {
      tally.overage = tally.overage === "" ? entry.spec.window : `${tally.overage},${entry.spec.window}`;
      // Told the client only if the request is admitted (decideAccess): a refusal is not overage.
      tally.overHeaders ??= {};
      tally.overHeaders[soft.header] = `${over}`;
    }
  }
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
  const now = plan.now;
  const tally: Tally = { exceeded: -1, tightest: -1, tightestRemaining: 0, overage: "" };
  if (count > 0) tallyWindow(tally, checks[0]!, 0, counts, now, headers, hide);
  if (count > 1) tallyWindow(tally, checks[1]!, 1, counts, now, headers, hide);
  for (let i = 2; i < count; i++) tallyWindow(tally, checks[i]!, i, counts, now, headers, hide);
  const { exceeded, tightest, tightestRemaining } = tally;
  if (tightest !== -1 && !hide) {
    const entry = checks[tightest]!;
    headers["RateLimit-Limit"] = entry.spec.limitText;
    headers["RateLimit-Remaining"] = `${tightestRemaining}`;
    headers["RateLimit-Reset"] = `${Math.max(1, Math.ceil(entry.resetAt - now))}`;
  }
  const allowed = counts.allowed ?? exceeded === -1;
  if (allowed) {
    if (tally.overage !== "") {
      if (!hide) for (const name in tally.overHeaders!) headers[name] = tally.overHeaders![name]!;
      return { allowed: true, tier: plan.tier, responseHeaders: headers, overage: tally.overage };
    }
    return { allowed: true, tier: plan.tier, responseHeaders: headers };
  }

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
  logStore?: ThrottleStore,
): { outcome: AccessOutcome; report: number } {
  const report = prepared.storeErrors.occurrence(now, logStore);
  if (conf.fault_tolerant) return { outcome: passed, report };
  const rejection: Rejection = {
    status: 503,
    headers: { "Retry-After": prepared.unavailableRetryAfter },
    body: { error: "rate_limit_unavailable", message: "Rate limiting is unavailable; try again later." },
  };
  return { outcome: { clearUpstream: passed.clearUpstream, rejection }, report };
}

/** A check as test vectors show it: with the weight and TTL a request at its plan's `now` derives from it. */
export type TimedCheck = CounterCheck & { weight: number; ttl: number };

/** planAccess for test vectors: each check also shows its weight and TTL at `now`. */
export function planAt(conf: TierLimitConfig, facts: RequestFacts, now: number): AccessPlan {
  const plan = planAccess(conf, facts, now);
  if (plan.kind === "reject") return plan;
  const checks: TimedCheck[] = [];
  for (const entry of plan.checks) checks.push({ ...entry, weight: previousWeight(entry, now), ttl: counterTtl(entry, now) });
  return { ...plan, checks };
}

/**
 * planAccess for test vectors over a sequence of requests that share one prepared config,
 * as a worker's requests do: per request, its counters' keys (current, previous, per
 * window) and whether it was handed checks an earlier request got (recentChecks).
 */
export function planSequence(conf: TierLimitConfig, requests: { facts: RequestFacts; now: number }[]): { keys: string[]; remembered: boolean }[] {
  const prepared = prepare(conf);
  const results: { keys: string[]; remembered: boolean }[] = [];
  const earlier = new Set<CounterCheck[]>();
  for (const request of requests) {
    const plan = planAccess(conf, request.facts, request.now, prepared);
    const checks = plan.kind === "count" ? plan.checks : [];
    const keys: string[] = [];
    for (const entry of checks) {
      keys.push(entry.key);
      keys.push(entry.previousKey);
    }
    results.push({ keys, remembered: checks.length > 0 && earlier.has(checks) });
    earlier.add(checks);
  }
  return results;
}
