import { TOLLGATE_VERSION } from "../core/version";
/** Identity of the entitlement-check plugin in every host. */
export const ENTITLEMENT_CHECK_NAME = "entitlement-check";
/** tollgate's version (package.json, through ../core/version.ts). */
export const ENTITLEMENT_CHECK_VERSION = TOLLGATE_VERSION;
/** Below key-auth (1250), jwt (1450) and acl (950), so the consumer is known; below tier-limit (912). */
export const ENTITLEMENT_CHECK_PRIORITY = 905;
/** APISIX: after key-auth (2500, rewrite); below feature-toggle (1014); no bundled plugin's priority. */
export const ENTITLEMENT_CHECK_APISIX_PRIORITY = 1013;
