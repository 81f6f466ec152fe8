/**
 * APISIX plugin module of tier-limit: `apisix.plugins.tier-limit`.
 * Runs in access (key-auth, priority 2500, has set ctx.consumer in rewrite), above
 * limit-count (1002) so the tier is decided first.
 */
import { apisixCheckSchema, apisixRequestFacts, applyApisixOutcome, toJsonSchema } from "../hosts/apisix/adapter";
import { tierLimitAccess } from "./lua/access";
import { usageApiRoutes } from "./lua/apisix-usage-api";
import { prepare } from "./prepare";
import { TIER_LIMIT_APISIX_PRIORITY, TIER_LIMIT_NAME, TIER_LIMIT_VERSION } from "./meta";
import { tierLimitSchema, type TierLimitConfig } from "./schema";

const schema = toJsonSchema(tierLimitSchema);

function check_schema(conf: unknown): LuaMultiReturn<[boolean, string | undefined]> {
  return apisixCheckSchema(schema, tierLimitSchema, conf);
}

function access(conf: TierLimitConfig, ctx: ApisixCtx): LuaMultiReturn<[number, object] | []> {
  const prepared = prepare(conf);
  const rejection = applyApisixOutcome(ctx, tierLimitAccess(conf, apisixRequestFacts(ctx, prepared.needs), prepared));
  if (rejection !== undefined) return $multi(rejection.status, rejection.body);
  return $multi();
}

export = {
  version: TIER_LIMIT_VERSION,
  api: usageApiRoutes,
  priority: TIER_LIMIT_APISIX_PRIORITY,
  name: TIER_LIMIT_NAME,
  schema,
  check_schema,
  access,
};
