--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.kong.adapter")
local applyKongOutcome = ____adapter.applyKongOutcome
local kongRequestFacts = ____adapter.kongRequestFacts
local ____configured = require("kong.plugins.tier-limit.configured")
local setConfigured = ____configured.setConfigured
local ____access = require("tollgate.tier_limit.lua.access")
local tierLimitAccess = ____access.tierLimitAccess
local ____cost = require("tollgate.tier_limit.lua.cost")
local costBodyFilter = ____cost.costBodyFilter
local costHeaderFilter = ____cost.costHeaderFilter
local newCostState = ____cost.newCostState
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____meta = require("tollgate.tier_limit.meta")
local TIER_LIMIT_PRIORITY = ____meta.TIER_LIMIT_PRIORITY
local TIER_LIMIT_VERSION = ____meta.TIER_LIMIT_VERSION
local TierLimitHandler = {
    PRIORITY = TIER_LIMIT_PRIORITY,
    VERSION = TIER_LIMIT_VERSION,
    configure = function(self, configs)
        -- plugins/tier-limit/kong/handler.ts:20
        setConfigured(configs)
    end,
    access = function(self, conf)
        -- plugins/tier-limit/kong/handler.ts:23
        local prepared = prepare(conf)
        if conf.cost_from == nil then
            applyKongOutcome(tierLimitAccess(
                conf,
                kongRequestFacts(conf, prepared.needs),
                prepared
            ))
            return
        end
        local cost = newCostState(conf)
        applyKongOutcome(tierLimitAccess(
            conf,
            kongRequestFacts(conf, prepared.needs),
            prepared,
            cost
        ))
        if cost.checks ~= nil then
            kong.ctx.plugin.tollgate_cost = cost
        end
    end,
    header_filter = function(self, conf)
        -- plugins/tier-limit/kong/handler.ts:33
        local cost = kong.ctx.plugin.tollgate_cost
        if cost == nil then
            return
        end
        local units = costHeaderFilter(
            conf,
            prepare(conf),
            cost
        )
        if units ~= nil then
            kong.ctx.shared.tollgate_units = units
        end
    end,
    body_filter = function(self, conf)
        -- plugins/tier-limit/kong/handler.ts:39
        local cost = kong.ctx.plugin.tollgate_cost
        if cost == nil then
            return
        end
        local units = costBodyFilter(
            conf,
            prepare(conf),
            cost
        )
        if units ~= nil then
            kong.ctx.shared.tollgate_units = units
        end
    end
}
local ____exports = TierLimitHandler
return ____exports
