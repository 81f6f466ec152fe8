/**
 * For test vectors: a sequence of requests against one config, counted in a plain table
 * as the local store counts them (the cost added first, taken back when the request is
 * refused), so both runtimes show what each request was told: admitted or not, overage
 * or not, and its headers.
 */
import type { RequestFacts } from "../core/facts";
import { decideAccess, planAccess, type Counts } from "./decide";
import { prepare } from "./prepare";
import type { TierLimitConfig } from "./schema";

export interface SequenceStep {
  status: number;
  overage?: string;
  headers: { [name: string]: string };
}

export function admitSequence(conf: TierLimitConfig, requests: { facts: RequestFacts; now: number }[]): SequenceStep[] {
  const prepared = prepare(conf);
  const counters: { [key: string]: number } = {};
  const steps: SequenceStep[] = [];
  for (const request of requests) {
    const plan = planAccess(conf, request.facts, request.now, prepared);
    if (plan.kind === "reject") {
      steps.push({ status: plan.rejection.status, headers: {} });
      continue;
    }
    const counts: Counts = { current: [], previous: [] };
    for (let i = 0; i < plan.checks.length; i++) {
      const check = plan.checks[i]!;
      counters[check.key] = (counters[check.key] ?? 0) + plan.cost;
      counts.current[i] = counters[check.key]!;
      counts.previous[i] = check.sliding ? (counters[check.previousKey] ?? 0) : 0;
    }
    const decision = decideAccess(conf, plan, counts);
    if (!decision.allowed) for (const check of plan.checks) counters[check.key] = counters[check.key]! - plan.cost;
    const step: SequenceStep = { status: decision.allowed ? 200 : decision.rejection!.status, headers: decision.responseHeaders };
    if (decision.overage !== undefined) step.overage = decision.overage;
    steps.push(step);
  }
  return steps;
}
