/** Kong schema of entitlement-check: `kong.plugins.entitlement-check.schema`, derived from ../schema.ts. */
import { kongPluginSchema } from "../../hosts/kong/schema";
import { ENTITLEMENT_CHECK_NAME } from "../meta";
import { entitlementCheckSchema } from "../schema";

export = kongPluginSchema(ENTITLEMENT_CHECK_NAME, entitlementCheckSchema);
