--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixCheckSchema = ____adapter.apisixCheckSchema
local apisixRequestFacts = ____adapter.apisixRequestFacts
local applyApisixOutcome = ____adapter.applyApisixOutcome
local toJsonSchema = ____adapter.toJsonSchema
local ____access = require("tollgate.feature_toggle.lua.access")
local featureToggleAccess = ____access.featureToggleAccess
local featureToggleNeeds = ____access.featureToggleNeeds
local rememberedFeatures = ____access.rememberedFeatures
local ____meta = require("tollgate.feature_toggle.meta")
local FEATURE_TOGGLE_APISIX_PRIORITY = ____meta.FEATURE_TOGGLE_APISIX_PRIORITY
local FEATURE_TOGGLE_NAME = ____meta.FEATURE_TOGGLE_NAME
local FEATURE_TOGGLE_VERSION = ____meta.FEATURE_TOGGLE_VERSION
local ____schema = require("tollgate.feature_toggle.schema")
local featureToggleSchema = ____schema.featureToggleSchema
local schema = toJsonSchema(featureToggleSchema)
local function check_schema(conf)
    -- plugins/feature-toggle/apisix.ts:13
    return apisixCheckSchema(schema, featureToggleSchema, conf)
end
local function access(conf, ctx)
    -- plugins/feature-toggle/apisix.ts:17
    local outcome = rememberedFeatures(conf, ctx.consumer, ctx.tollgate_tier) or featureToggleAccess(
        conf,
        apisixRequestFacts(
            ctx,
            featureToggleNeeds(conf)
        ),
        ctx.consumer
    )
    local rejection = applyApisixOutcome(ctx, outcome)
    if rejection ~= nil then
        return rejection.status, rejection.body
    end
    return
end
local ____exports = {
    version = FEATURE_TOGGLE_VERSION,
    priority = FEATURE_TOGGLE_APISIX_PRIORITY,
    name = FEATURE_TOGGLE_NAME,
    schema = schema,
    check_schema = check_schema,
    access = access
}
return ____exports
