/**
 * APISIX plugin module of tier-limit: `apisix.plugins.tier-limit`.
 * Runs in access (key-auth, priority 2500, has set ctx.consumer in rewrite), above
 * limit-count (1002) so the tier is decided first.
 */
import { apisixCheckSchema, apisixRequestFacts, applyApisixOutcome, toJsonSchema } from "../hosts/apisix/adapter";
import { tierLimitAccess } from "./lua/access";
import { usageControlApi } from "./lua/apisix-usage-api";
import { costBodyFilter, costHeaderFilter, newCostState, type CostState } from "./lua/cost";
import { prepare } from "./prepare";
import { TIER_LIMIT_APISIX_PRIORITY, TIER_LIMIT_NAME, TIER_LIMIT_VERSION } from "./meta";
import { tierLimitSchema, type TierLimitConfig } from "./schema";

const schema = toJsonSchema(tierLimitSchema);

function check_schema(conf: unknown): LuaMultiReturn<[boolean, string | undefined]> {
  return apisixCheckSchema(schema, tierLimitSchema, conf);
}

function access(conf: TierLimitConfig, ctx: ApisixCtx): LuaMultiReturn<[number, object] | []> {
  const prepared = prepare(conf);
  // cost_from: what the request was counted in, kept for the filters below.
  const cost = conf.cost_from === undefined ? undefined : newCostState(conf);
  const rejection = applyApisixOutcome(ctx, tierLimitAccess(conf, apisixRequestFacts(ctx, prepared.needs), prepared, cost));
  if (rejection !== undefined) return $multi(rejection.status, rejection.body);
  if (cost?.checks !== undefined) ctx.tollgate_cost = cost;
  return $multi();
}

// The upstream's cost (cost_from, ./lua/cost.ts): APISIX runs every plugin's
// header_filter(conf, ctx) and body_filter(conf, ctx) (apisix/plugin.lua run_plugin, 3.18.0).
function header_filter(conf: TierLimitConfig, ctx: ApisixCtx): void {
  const cost = ctx.tollgate_cost as CostState | undefined;
  if (cost === undefined) return;
  const units = costHeaderFilter(conf, prepare(conf), cost);
  if (units !== undefined) ctx.tollgate_units = units;
}

function body_filter(conf: TierLimitConfig, ctx: ApisixCtx): void {
  const cost = ctx.tollgate_cost as CostState | undefined;
  if (cost === undefined) return;
  const units = costBodyFilter(conf, prepare(conf), cost);
  if (units !== undefined) ctx.tollgate_units = units;
}

export = {
  version: TIER_LIMIT_VERSION,
  // The operator usage API: on the control server, not api() (public-api, the proxy port).
  control_api: usageControlApi,
  priority: TIER_LIMIT_APISIX_PRIORITY,
  name: TIER_LIMIT_NAME,
  schema,
  check_schema,
  access,
  header_filter,
  body_filter,
};
