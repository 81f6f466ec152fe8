--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.kong.adapter")
local applyKongOutcome = ____adapter.applyKongOutcome
local kongRequestFacts = ____adapter.kongRequestFacts
local ____configured = require("kong.plugins.tier-limit.configured")
local setConfigured = ____configured.setConfigured
local ____access = require("tollgate.tier_limit.lua.access")
local tierLimitAccess = ____access.tierLimitAccess
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____meta = require("tollgate.tier_limit.meta")
local TIER_LIMIT_PRIORITY = ____meta.TIER_LIMIT_PRIORITY
local TIER_LIMIT_VERSION = ____meta.TIER_LIMIT_VERSION
local TierLimitHandler = {
    PRIORITY = TIER_LIMIT_PRIORITY,
    VERSION = TIER_LIMIT_VERSION,
    configure = function(self, configs)
        -- plugins/tier-limit/kong/handler.ts:17
        setConfigured(configs)
    end,
    access = function(self, conf)
        -- plugins/tier-limit/kong/handler.ts:20
        local prepared = prepare(conf)
        applyKongOutcome(tierLimitAccess(
            conf,
            kongRequestFacts(conf, prepared.needs),
            prepared
        ))
    end
}
local ____exports = TierLimitHandler
return ____exports
