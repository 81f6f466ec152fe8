import { TOLLGATE_VERSION } from "../core/version";
/** Identity of the tier-limit plugin in every host. */
export const TIER_LIMIT_NAME = "tier-limit";
/** tollgate's version (package.json, through ../core/version.ts). */
export const TIER_LIMIT_VERSION = TOLLGATE_VERSION;
/** Below key-auth (1250) and jwt (1450), so the consumer is known; above rate-limiting (910). */
export const TIER_LIMIT_PRIORITY = 912;
/**
 * APISIX: after key-auth (2500, rewrite); above limit-count (1002). A priority no bundled
 * plugin has: APISIX sorts plugins with table.sort, so equal priorities run in no set order.
 */
export const TIER_LIMIT_APISIX_PRIORITY = 1015;
