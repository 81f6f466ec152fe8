/**
 * For test vectors: tier-limit's step 1 over a worker's requests with anchor source
 * entitlement, the period store being a map the case sets before each request (as
 * entitlement-check's answers and webhooks would).
 */
import type { RequestFacts } from "../core/facts";
import { planAccess, type CounterCheck } from "./decide";
import { prepare } from "./prepare";
import type { TierLimitConfig } from "./schema";

interface PeriodRequest {
  facts: RequestFacts;
  now: number;
  /** Store entries to set before this request ("bp:<subject>" → "<start> <end>"; "" removes: the Lua runner drops nulls). */
  store?: { [key: string]: string };
}

/** Per request: each window's [start, end) as "start-end", and whether the checks were remembered. */
export function planWithPeriods(conf: TierLimitConfig, requests: PeriodRequest[]): { windows: string[]; remembered: boolean }[] {
  const prepared = prepare(conf);
  const store: { [key: string]: string } = {};
  prepared.calendar.periods!.read = (_dict, key) => store[key];
  const results: { windows: string[]; remembered: boolean }[] = [];
  const earlier = new Set<CounterCheck[]>();
  for (const request of requests) {
    for (const key in request.store ?? {}) {
      const value = request.store![key]!;
      if (value === "") delete store[key];
      else store[key] = value;
    }
    const plan = planAccess(conf, request.facts, request.now, prepared);
    const checks = plan.kind === "count" ? plan.checks : [];
    const windows: string[] = [];
    for (const entry of checks) windows.push(`${entry.spec.window} ${entry.windowStart}-${entry.resetAt}`);
    results.push({ windows, remembered: checks.length > 0 && earlier.has(checks) });
    earlier.add(checks);
  }
  return results;
}
