/**
 * tier-limit's access step for the Lua hosts (Kong and APISIX): the pure decisions
 * of ../decide.ts around the shared-dict counters. Returns what the host adapter
 * must apply; it never touches the request or response itself.
 */
import type { RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import { incrementCounters, refundCounters } from "../../io/lua/shared-dict-counters";
import { decideAccess, planAccess } from "../decide";
import type { TierLimitConfig } from "../schema";

export function tierLimitAccess(conf: TierLimitConfig, facts: RequestFacts): AccessOutcome {
  // The tier header is ours: a client-sent copy never reaches the upstream.
  const clearUpstream = [conf.tier_header];
  const plan = planAccess(conf, facts, ngx.now());
  if (plan.kind === "reject") return { clearUpstream, rejection: plan.rejection };

  const upstream: { [name: string]: string } = {};
  upstream[conf.tier_header] = plan.tier;
  if (plan.checks.length === 0) return { clearUpstream, upstream };

  const [counts, err] = incrementCounters(conf.dict, plan.checks, 1);
  if (counts === undefined) return { clearUpstream, upstream, warning: `tier-limit counters unavailable, request allowed: ${err}` };

  const decision = decideAccess(conf, plan, counts);
  if (!decision.allowed) refundCounters(conf.dict, plan.checks, 1);
  return { clearUpstream, upstream, response: decision.responseHeaders, rejection: decision.rejection };
}
