--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixCheckSchema = ____adapter.apisixCheckSchema
local apisixRequestFacts = ____adapter.apisixRequestFacts
local applyApisixOutcome = ____adapter.applyApisixOutcome
local toJsonSchema = ____adapter.toJsonSchema
local ____access = require("tollgate.tier_limit.lua.access")
local tierLimitAccess = ____access.tierLimitAccess
local ____apisix_2Dusage_2Dapi = require("tollgate.tier_limit.lua.apisix_usage_api")
local usageControlApi = ____apisix_2Dusage_2Dapi.usageControlApi
local ____cost = require("tollgate.tier_limit.lua.cost")
local costBodyFilter = ____cost.costBodyFilter
local costHeaderFilter = ____cost.costHeaderFilter
local newCostState = ____cost.newCostState
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____meta = require("tollgate.tier_limit.meta")
local TIER_LIMIT_APISIX_PRIORITY = ____meta.TIER_LIMIT_APISIX_PRIORITY
local TIER_LIMIT_NAME = ____meta.TIER_LIMIT_NAME
local TIER_LIMIT_VERSION = ____meta.TIER_LIMIT_VERSION
local ____schema = require("tollgate.tier_limit.schema")
local tierLimitSchema = ____schema.tierLimitSchema
local schema = toJsonSchema(tierLimitSchema)
local function check_schema(conf)
    -- plugins/tier-limit/apisix.ts:16
    return apisixCheckSchema(schema, tierLimitSchema, conf)
end
local function access(conf, ctx)
    -- plugins/tier-limit/apisix.ts:20
    local prepared = prepare(conf)
    local ____temp_0
    if conf.cost_from == nil then
        ____temp_0 = nil
    else
        ____temp_0 = newCostState(conf)
    end
    local cost = ____temp_0
    local rejection = applyApisixOutcome(
        ctx,
        tierLimitAccess(
            conf,
            apisixRequestFacts(ctx, prepared.needs),
            prepared,
            cost
        )
    )
    if rejection ~= nil then
        return rejection.status, rejection.body
    end
    if (cost and cost.checks) ~= nil then
        ctx.tollgate_cost = cost
    end
    return
end
local function header_filter(conf, ctx)
    -- plugins/tier-limit/apisix.ts:32
    local cost = ctx.tollgate_cost
    if cost == nil then
        return
    end
    local units = costHeaderFilter(
        conf,
        prepare(conf),
        cost
    )
    if units ~= nil then
        ctx.tollgate_units = units
    end
end
local function body_filter(conf, ctx)
    -- plugins/tier-limit/apisix.ts:39
    local cost = ctx.tollgate_cost
    if cost == nil then
        return
    end
    local units = costBodyFilter(
        conf,
        prepare(conf),
        cost
    )
    if units ~= nil then
        ctx.tollgate_units = units
    end
end
local ____exports = {
    version = TIER_LIMIT_VERSION,
    control_api = usageControlApi,
    priority = TIER_LIMIT_APISIX_PRIORITY,
    name = TIER_LIMIT_NAME,
    schema = schema,
    check_schema = check_schema,
    access = access,
    header_filter = header_filter,
    body_filter = body_filter
}
return ____exports
