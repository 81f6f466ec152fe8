import { TOLLGATE_VERSION } from "../core/version";
/** Identity of the feature-toggle plugin in every host. */
export const FEATURE_TOGGLE_NAME = "feature-toggle";
/** tollgate's version (package.json, through ../core/version.ts). */
export const FEATURE_TOGGLE_VERSION = TOLLGATE_VERSION;
/**
 * Kong: below key-auth (1250), jwt (1450) and tier-limit (912), so the consumer and
 * its tier are known and an over-limit request is refused before flags are evaluated;
 * above Kong's rate-limiting (910).
 */
export const FEATURE_TOGGLE_PRIORITY = 911;
/** APISIX: after key-auth (2500, rewrite) and tier-limit (1015); no bundled plugin's priority. */
export const FEATURE_TOGGLE_APISIX_PRIORITY = 1014;
