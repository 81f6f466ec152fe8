/** Kong schema of tier-limit: `kong.plugins.tier-limit.schema`, derived from ../schema.ts. */
import { kongPluginSchema } from "../../hosts/kong/schema";
import { TIER_LIMIT_NAME } from "../meta";
import { tierLimitSchema } from "../schema";

export = kongPluginSchema(TIER_LIMIT_NAME, tierLimitSchema);
