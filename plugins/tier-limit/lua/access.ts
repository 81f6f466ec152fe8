/**
 * tier-limit's access step for the Lua hosts (Kong and APISIX): the pure decisions
 * of ../decide.ts around the counter stores. Returns what the host adapter must
 * apply; it never touches the request or response itself.
 */
import type { RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import { newTable } from "../../hosts/lua/tables";
import type { WindowCounts } from "../../io/counter";
import { runScript, scriptSha1, type RedisScript } from "../../io/lua/redis";
import { logGate } from "../../io/lua/log-gate";
import { incrementCounters, refundCounters } from "../../io/lua/shared-dict-counters";
import { decideAccess, onStoreFailure, planAccess, type CounterCheck } from "../decide";
import { markOverage } from "../overage";
import { prepare, type PreparedTierLimit } from "../prepare";
import { callerUsage } from "./usage-api";
import { countsFromReply, scriptKeysAndArgs, TIER_LIMIT_SCRIPT } from "../redis-script";
import type { TierLimitConfig } from "../schema";
import { findCrossings } from "../thresholds";
import { emitThresholds } from "./thresholds";
import { addPending, awaitPendingCosts, refundInRedis, type CostState } from "./cost";

const script: RedisScript = { source: TIER_LIMIT_SCRIPT, sha1: scriptSha1(TIER_LIMIT_SCRIPT) };

function countInRedis(
  prepared: PreparedTierLimit,
  checks: CounterCheck[],
  cost: number,
  now: number,
): LuaMultiReturn<[WindowCounts | undefined, string | undefined]> {
  const { keys, args } = scriptKeysAndArgs(checks, cost, now);
  const [reply, err] = runScript(prepared.redis!, script, keys, args);
  if (err !== undefined) return $multi(undefined, err);
  const counts = countsFromReply(reply, checks.length);
  if (counts === undefined) return $multi(undefined, "unexpected reply from the tier-limit script");
  return $multi(counts, undefined);
}

/**
 * `cost` (cost_from configs only): filled with what an admitted request was counted in,
 * for the response's cost to be added later (./cost.ts).
 */
export function tierLimitAccess(
  conf: TierLimitConfig,
  facts: RequestFacts,
  prepared: PreparedTierLimit = prepare(conf),
  cost?: Partial<CostState>,
): AccessOutcome {
  // The tier header is ours: a client-sent copy never reaches the upstream.
  const clearUpstream = prepared.clearUpstream;
  if (facts.path !== undefined && facts.path === conf.usage_path) return { clearUpstream, rejection: callerUsage(conf, prepared, facts, ngx.now()) };
  const plan = planAccess(conf, facts, ngx.now(), prepared);
  if (plan.kind === "reject") return { clearUpstream, rejection: plan.rejection };

  const upstream = prepared.upstreamFor[plan.tier]!;
  if (plan.checks.length === 0) {
    if (cost !== undefined) cost.checks = plan.checks;
    return { clearUpstream, upstream, tier: plan.tier };
  }

  const local = conf.policy === "local";
  // A charge of this caller still on its way to Redis (cost_from, ./cost.ts) lands first.
  const pending = cost !== undefined && !local ? awaitPendingCosts(conf, plan.checks) : undefined;
  let counts: WindowCounts | undefined;
  let err: string | undefined;
  if (local) [counts, err] = incrementCounters(conf.dict, plan.checks, plan.cost, plan.now);
  else [counts, err] = countInRedis(prepared, plan.checks, plan.cost, plan.now);
  if (counts === undefined) {
    const passed: AccessOutcome = { clearUpstream, upstream, tier: plan.tier };
    const { outcome, report } = onStoreFailure(conf, passed, ngx.now(), prepared, logGate(conf.dict));
    if (report > 0) ngx.log(ngx.ERR, `[tier-limit] counter store (policy ${conf.policy}) failed ${report} time(s) since the last report: ${err}`);
    return outcome;
  }

  // Room for every header decideAccess may set: two per window, three RateLimit-*, Retry-After.
  const headers = newTable<{ [name: string]: string }>(0, 2 * plan.checks.length + 4);
  const applied = counts.allowed;
  if (pending !== undefined) addPending(counts, pending);
  const decision = decideAccess(conf, plan, counts, headers);
  if (!decision.allowed && local) refundCounters(conf.dict, plan.checks, plan.cost);
  if (!decision.allowed && applied === true) refundInRedis(conf, prepared, plan.checks, plan.cost);
  if (decision.allowed && cost !== undefined) cost.checks = plan.checks;
  // Four fields, and the rejection only when there is one: a literal with an undefined
  // fifth field would size an admitted request's table at twice the hash part.
  const outcome: AccessOutcome = { clearUpstream, upstream, response: decision.responseHeaders, tier: plan.tier };
  if (decision.rejection !== undefined) outcome.rejection = decision.rejection;
  else if (prepared.thresholds.length > 0) {
    const crossings = findCrossings(prepared.thresholds, plan.checks, counts, plan.cost, plan.now);
    if (crossings !== undefined) outcome.thresholdEvents = emitThresholds(conf, prepared, crossings, facts, plan.tier, plan.now);
  }
  if (decision.overage !== undefined) markOverage(conf, prepared, outcome, decision.overage);
  return outcome;
}
