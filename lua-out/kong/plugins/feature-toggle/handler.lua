--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.kong.adapter")
local applyKongOutcome = ____adapter.applyKongOutcome
local kongRequestFacts = ____adapter.kongRequestFacts
local ____access = require("tollgate.feature_toggle.lua.access")
local featureToggleAccess = ____access.featureToggleAccess
local featureToggleNeeds = ____access.featureToggleNeeds
local rememberedFeatures = ____access.rememberedFeatures
local ____meta = require("tollgate.feature_toggle.meta")
local FEATURE_TOGGLE_PRIORITY = ____meta.FEATURE_TOGGLE_PRIORITY
local FEATURE_TOGGLE_VERSION = ____meta.FEATURE_TOGGLE_VERSION
local FeatureToggleHandler = {
    PRIORITY = FEATURE_TOGGLE_PRIORITY,
    VERSION = FEATURE_TOGGLE_VERSION,
    access = function(self, conf)
        -- plugins/feature-toggle/kong/handler.ts:14
        local consumer = kong.client.get_consumer()
        local remembered = rememberedFeatures(conf, consumer, kong.ctx.shared.tollgate_tier)
        if remembered ~= nil then
            return applyKongOutcome(remembered)
        end
        applyKongOutcome(featureToggleAccess(
            conf,
            kongRequestFacts(
                conf,
                featureToggleNeeds(conf)
            ),
            consumer
        ))
    end
}
local ____exports = FeatureToggleHandler
return ____exports
