/**
 * Kong handler of feature-toggle: `kong.plugins.feature-toggle.handler`.
 * Runs in access below the auth plugins (key-auth 1250, jwt 1450) and tier-limit
 * (912), so the consumer and its tier are known.
 */
import { applyKongOutcome, kongRequestFacts, type KongConfigIdentity } from "../../hosts/kong/adapter";
import { featureToggleAccess, featureToggleNeeds, rememberedFeatures } from "../lua/access";
import { FEATURE_TOGGLE_PRIORITY, FEATURE_TOGGLE_VERSION } from "../meta";
import type { FeatureToggleConfig } from "../schema";

const FeatureToggleHandler = {
  PRIORITY: FEATURE_TOGGLE_PRIORITY,
  VERSION: FEATURE_TOGGLE_VERSION,
  access(this: unknown, conf: FeatureToggleConfig & KongConfigIdentity): void {
    const consumer = kong.client.get_consumer();
    const remembered = rememberedFeatures(conf, consumer, kong.ctx.shared["tollgate_tier"] as string | undefined);
    if (remembered !== undefined) return applyKongOutcome(remembered);
    applyKongOutcome(featureToggleAccess(conf, kongRequestFacts(conf, featureToggleNeeds(conf)), consumer));
  },
};

export = FeatureToggleHandler;
