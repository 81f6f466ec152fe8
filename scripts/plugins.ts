/**
 * The four plugins as the build sees them: name, schema spec (and the name it is
 * exported under, which generated Lua requires), and priorities. Read by
 * scripts/doc-pages.ts (docs/plugins/<name>.md) and scripts/kong-schema-literal.ts
 * (Kong's schema.lua files).
 */
import type { RecordSpec } from "../plugins/core/schema.ts";
import { TIER_LIMIT_APISIX_PRIORITY, TIER_LIMIT_NAME, TIER_LIMIT_PRIORITY } from "../plugins/tier-limit/meta.ts";
import { tierLimitSchema } from "../plugins/tier-limit/schema.ts";
import { ENTITLEMENT_CHECK_APISIX_PRIORITY, ENTITLEMENT_CHECK_NAME, ENTITLEMENT_CHECK_PRIORITY } from "../plugins/entitlement-check/meta.ts";
import { entitlementCheckSchema } from "../plugins/entitlement-check/schema.ts";
import { FEATURE_TOGGLE_APISIX_PRIORITY, FEATURE_TOGGLE_NAME, FEATURE_TOGGLE_PRIORITY } from "../plugins/feature-toggle/meta.ts";
import { featureToggleSchema } from "../plugins/feature-toggle/schema.ts";
import { KAFKA_USAGE_APISIX_PRIORITY, KAFKA_USAGE_NAME, KAFKA_USAGE_PRIORITY } from "../plugins/kafka-usage/meta.ts";
import { kafkaUsageSchema } from "../plugins/kafka-usage/schema.ts";

export interface PluginInfo {
  /** The plugin's name in every host, and its folder under plugins/. */
  name: string;
  spec: RecordSpec;
  /** The name plugins/<name>/schema.ts exports `spec` under. */
  specExport: string;
  kongPriority: number;
  apisixPriority: number;
}

export const PLUGINS: PluginInfo[] = [
  { name: TIER_LIMIT_NAME, spec: tierLimitSchema, specExport: "tierLimitSchema", kongPriority: TIER_LIMIT_PRIORITY, apisixPriority: TIER_LIMIT_APISIX_PRIORITY },
  { name: ENTITLEMENT_CHECK_NAME, spec: entitlementCheckSchema, specExport: "entitlementCheckSchema", kongPriority: ENTITLEMENT_CHECK_PRIORITY, apisixPriority: ENTITLEMENT_CHECK_APISIX_PRIORITY },
  { name: FEATURE_TOGGLE_NAME, spec: featureToggleSchema, specExport: "featureToggleSchema", kongPriority: FEATURE_TOGGLE_PRIORITY, apisixPriority: FEATURE_TOGGLE_APISIX_PRIORITY },
  { name: KAFKA_USAGE_NAME, spec: kafkaUsageSchema, specExport: "kafkaUsageSchema", kongPriority: KAFKA_USAGE_PRIORITY, apisixPriority: KAFKA_USAGE_APISIX_PRIORITY },
];
