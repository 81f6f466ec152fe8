/** Kong schema of feature-toggle: `kong.plugins.feature-toggle.schema`, derived from ../schema.ts. */
import { kongPluginSchema } from "../../hosts/kong/schema";
import { FEATURE_TOGGLE_NAME } from "../meta";
import { featureToggleSchema } from "../schema";

export = kongPluginSchema(FEATURE_TOGGLE_NAME, featureToggleSchema);
