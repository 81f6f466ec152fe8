/**
 * tier-limit's usage view, sans IO: which counters a subject has under one config, the
 * numbers a usage answer shows for them, and what a reset or a credit does to them.
 *
 * The counters are found exactly as a request finds them (decide.ts planAccess), once
 * per method key of the subject's tier, so the usage API and the rate-limit headers read
 * the same keys; the numbers use decideAccess's arithmetic (tallyWindow), so `remaining`
 * is the X-RateLimit-Remaining-<Window> a request would have been told at the same
 * counts and time.
 *
 * A credit of n takes n off the current window's counter (which may go below zero): the
 * estimate `previous * weight + current` then falls by exactly n, so n more requests of
 * cost 1 fit before the limit, in a fixed or a sliding window. A reset sets the current
 * and previous counters to 0, so the next request is admitted.
 */
import type { RequestFacts } from "../core/facts";
import type { Rejection } from "../core/outcome";
import { WINDOW_NAMES } from "../core/windows";
import type { WindowCounts } from "../io/counter";
import { decideAccess, planAccess, previousWeight, type CounterCheck } from "./decide";
import { prepare, type PreparedTierLimit } from "./prepare";
import type { TierLimitConfig } from "./schema";

/** One window a subject is counted in: its method key (a tier's limits are per method) and counters. */
export interface UsageTarget {
  method: string;
  check: CounterCheck;
}

/** The subject's windows under one config, or why there are none (a rejection's status and error). */
export type SubjectWindows =
  | { kind: "windows"; tier: string; unlimited: boolean; targets: UsageTarget[] }
  | { kind: "none"; status: number; error: string; message: string };

/**
 * Every window of the subject `facts` describe, for each method key its tier limits
 * ("GET", …, "*"; in that sorted order), shortest window first within a method, at `now`.
 */
export function subjectWindows(conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts, now: number): SubjectWindows {
  // planAccess resolves the tier as a request would (and says 401/403 as it would).
  const probe = planAccess(conf, facts, now, prepared);
  if (probe.kind === "reject") {
    const body = probe.rejection.body;
    return { kind: "none", status: probe.rejection.status, error: `${body["error"]}`, message: `${body["message"]}` };
  }
  const tierName = probe.tier;
  const tier = prepared.tiers[tierName]!;
  const targets: UsageTarget[] = [];
  const methods: string[] = [];
  for (const method in tier.byMethod) methods.push(method);
  methods.sort();
  for (const method of methods) {
    // planAccess with the method key itself as the method: it picks exactly that key's windows.
    const plan = planAccess(conf, { ...facts, method }, now, prepared);
    if (plan.kind !== "count" || plan.tier !== tierName) continue;
    for (const check of plan.checks) targets.push({ method, check });
  }
  return { kind: "windows", tier: tierName, unlimited: tier.unlimited, targets };
}

/** One window as the usage API shows it. */
export interface WindowUsage {
  method: string;
  window: string;
  tier: string;
  limit: number;
  /** Requests counted in the window (the sliding estimate, rounded up), never below 0. */
  used: number;
  /** As X-RateLimit-Remaining-<Window>: floor(limit - estimate), never below 0. */
  remaining: number;
  /** How far the count is past the limit (0 unless requests were admitted beyond it). */
  overage: number;
  /** Epoch seconds: the window's first second, and the second it resets at. */
  window_start: number;
  reset_at: number;
  /** As RateLimit-Reset: whole seconds until reset_at, at least 1. */
  reset_in: number;
}

/** The usage numbers of one window from its counters' values at `now`. */
export function windowUsage(target: UsageTarget, tier: string, current: number, previous: number, now: number): WindowUsage {
  const check = target.check;
  const limit = check.spec.limit;
  const estimate = previous * previousWeight(check, now) + current;
  // decide.ts tallyWindow's arithmetic, so the answer equals the headers.
  const left = Math.floor(limit - estimate);
  const used = Math.ceil(estimate);
  return {
    method: target.method,
    window: check.spec.window,
    tier,
    limit,
    used: used > 0 ? used : 0,
    remaining: left > 0 ? left : 0,
    overage: used > limit ? used - limit : 0,
    window_start: check.windowStart,
    reset_at: check.resetAt,
    reset_in: Math.max(1, Math.ceil(check.resetAt - now)),
  };
}

/** The usage of every target from a store's counts (same order). */
export function usageOf(targets: readonly UsageTarget[], tier: string, counts: WindowCounts, now: number): WindowUsage[] {
  const out: WindowUsage[] = [];
  for (let i = 0; i < targets.length; i++) out.push(windowUsage(targets[i]!, tier, counts.current[i] ?? 0, counts.previous[i] ?? 0, now));
  return out;
}

/**
 * usage_path's answer, which ends the request: the caller's own usage (`counts` read for
 * `found`'s targets), its refusal when the config would refuse it (401/403), or 503 when
 * the store could not be read (`counts` undefined).
 */
export function callerAnswer(conf: TierLimitConfig, found: SubjectWindows, counts: WindowCounts | undefined, now: number): Rejection {
  const headers = { "Cache-Control": "no-store" };
  if (found.kind === "none") return { status: found.status, headers, body: { error: found.error, message: found.message } };
  if (counts === undefined) return { status: 503, headers, body: { error: "usage_unavailable", message: "Usage is unavailable; try again later." } };
  const body: { [key: string]: unknown } = { tier: found.tier, policy: conf.policy };
  // An empty list would be encoded as a JSON object in Lua: an unlimited tier says so instead.
  if (found.targets.length === 0) body["unlimited"] = true;
  else body["windows"] = usageOf(found.targets, found.tier, counts, now);
  return { status: 200, headers, body };
}

/** An operator's adjustment: a reset, or a credit of `units`, to the windows named (all when `window` is unset). */
export interface Adjustment {
  kind: "reset" | "credit";
  units: number;
  window?: string;
}

/** A refused adjustment: 400 with the field named. */
export interface AdjustmentProblem {
  field: string;
  message: string;
}

const MAX_CREDIT = 1_000_000_000;

/** `window` of a reset or credit: absent, or a window name (checked against the subject's windows later). */
function parseWindow(value: unknown): { window?: string } | AdjustmentProblem {
  if (value === undefined) return {};
  if (typeof value !== "string" || value === "") return { field: "window", message: `window: must be a window name (${WINDOW_NAMES.join(", ")})` };
  return { window: value };
}

/**
 * A credit's parameters as the Admin API received them (`units` from JSON is a number,
 * from a query or form a string): a whole number from 1 to 1e9, and an optional window.
 */
export function parseCredit(params: { readonly [name: string]: unknown }): Adjustment | AdjustmentProblem {
  const raw = params["units"];
  // Number() is tonumber() in Lua: both read "50", "-5", "2.5"; NaN (nil in Lua) for the rest.
  const units = typeof raw === "number" ? raw : typeof raw === "string" && raw !== "" ? Number(raw) : NaN;
  if (units !== units) return { field: "units", message: "units: required, a whole number of requests to give back" };
  if (units !== Math.floor(units)) return { field: "units", message: "units: must be a whole number" };
  if (units < 1 || units > MAX_CREDIT) return { field: "units", message: `units: must be from 1 to ${MAX_CREDIT}` };
  const window = parseWindow(params["window"]);
  if ("field" in window) return window;
  return { kind: "credit", units, window: window.window };
}

/** A reset's parameters: an optional window. */
export function parseReset(params: { readonly [name: string]: unknown }): Adjustment | AdjustmentProblem {
  const window = parseWindow(params["window"]);
  if ("field" in window) return window;
  return { kind: "reset", units: 0, window: window.window };
}

/** The targets an adjustment applies to: those of its window, or all. */
export function adjustedTargets(targets: readonly UsageTarget[], adjustment: Adjustment): UsageTarget[] {
  const out: UsageTarget[] = [];
  for (const target of targets) if (adjustment.window === undefined || target.check.spec.window === adjustment.window) out.push(target);
  return out;
}

/** The counts after an adjustment (what the stores apply, as arithmetic). */
export function adjustedCounts(counts: WindowCounts, adjustment: Adjustment): WindowCounts {
  const current: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < counts.current.length; i++) {
    current.push(adjustment.kind === "reset" ? 0 : (counts.current[i] ?? 0) - adjustment.units);
    previous.push(adjustment.kind === "reset" ? 0 : (counts.previous[i] ?? 0));
  }
  return { current, previous };
}

/** What usageScenario reports: the usage after the step, and how many of the requests that follow were admitted. */
export interface UsageScenarioResult {
  tier?: string;
  problem?: AdjustmentProblem;
  usage?: WindowUsage[];
  admitted?: number;
}

/**
 * For test vectors, the whole arithmetic in one call: the subject of `facts` has `counts`
 * (one per window of subjectWindows, in its order); `action` ("usage", "reset" or
 * "credit" with `params` as the API takes them) is applied; then `requests` requests of
 * `facts` at `now` are decided one by one as the local store does (add the cost, refund
 * a refused one).
 */
export function usageScenario(
  conf: TierLimitConfig,
  facts: RequestFacts,
  now: number,
  counts: WindowCounts,
  action: "usage" | "reset" | "credit",
  params: { [name: string]: unknown },
  requests: number,
): UsageScenarioResult {
  const prepared = prepare(conf);
  const found = subjectWindows(conf, prepared, facts, now);
  if (found.kind === "none") return {};
  let state = counts;
  if (action !== "usage") {
    const adjustment = action === "credit" ? parseCredit(params) : parseReset(params);
    if ("field" in adjustment) return { tier: found.tier, problem: adjustment };
    const current: number[] = [];
    const previous: number[] = [];
    for (let i = 0; i < found.targets.length; i++) {
      const one = { current: [counts.current[i] ?? 0], previous: [counts.previous[i] ?? 0] };
      const chosen = adjustedTargets([found.targets[i]!], adjustment).length === 1;
      const after = chosen ? adjustedCounts(one, adjustment) : one;
      current.push(after.current[0]!);
      previous.push(after.previous[0]!);
    }
    state = { current, previous };
  }
  const usage = usageOf(found.targets, found.tier, state, now);
  const byKey: { [key: string]: number } = {};
  for (let i = 0; i < found.targets.length; i++) byKey[found.targets[i]!.check.key] = i;
  let admitted = 0;
  for (let n = 0; n < requests; n++) {
    const plan = planAccess(conf, facts, now, prepared);
    if (plan.kind !== "count") break;
    const seen: WindowCounts = { current: [], previous: [] };
    for (const check of plan.checks) {
      const i = byKey[check.key]!;
      state.current[i] = (state.current[i] ?? 0) + plan.cost;
      seen.current.push(state.current[i]!);
      seen.previous.push(state.previous[i] ?? 0);
    }
    if (decideAccess(conf, plan, seen).allowed) admitted++;
    else for (const check of plan.checks) state.current[byKey[check.key]!]! -= plan.cost;
  }
  return { tier: found.tier, usage, admitted };
}
