/**
 * APISIX plugin module of feature-toggle: `apisix.plugins.feature-toggle`.
 * Runs in access (key-auth, priority 2500, has set ctx.consumer in rewrite), after
 * tier-limit (1010) and above limit-count (1002).
 */
import { apisixCheckSchema, apisixRequestFacts, applyApisixOutcome, toJsonSchema } from "../hosts/apisix/adapter";
import { featureToggleAccess, featureToggleNeeds, rememberedFeatures } from "./lua/access";
import { FEATURE_TOGGLE_APISIX_PRIORITY, FEATURE_TOGGLE_NAME, FEATURE_TOGGLE_VERSION } from "./meta";
import { featureToggleSchema, type FeatureToggleConfig } from "./schema";

const schema = toJsonSchema(featureToggleSchema);

function check_schema(conf: unknown): LuaMultiReturn<[boolean, string | undefined]> {
  return apisixCheckSchema(schema, featureToggleSchema, conf);
}

function access(conf: FeatureToggleConfig, ctx: ApisixCtx): LuaMultiReturn<[number, object] | []> {
  const outcome =
    rememberedFeatures(conf, ctx.consumer, ctx.tollgate_tier) ?? featureToggleAccess(conf, apisixRequestFacts(ctx, featureToggleNeeds(conf)), ctx.consumer);
  const rejection = applyApisixOutcome(ctx, outcome);
  if (rejection !== undefined) return $multi(rejection.status, rejection.body);
  return $multi();
}

export = {
  version: FEATURE_TOGGLE_VERSION,
  priority: FEATURE_TOGGLE_APISIX_PRIORITY,
  name: FEATURE_TOGGLE_NAME,
  schema,
  check_schema,
  access,
};
