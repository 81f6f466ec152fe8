--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixCheckSchema = ____adapter.apisixCheckSchema
local apisixRequestFacts = ____adapter.apisixRequestFacts
local applyApisixOutcome = ____adapter.applyApisixOutcome
local toJsonSchema = ____adapter.toJsonSchema
local ____access = require("tollgate.tier_limit.lua.access")
local tierLimitAccess = ____access.tierLimitAccess
local ____apisix_2Dusage_2Dapi = require("tollgate.tier_limit.lua.apisix_usage_api")
local usageApiRoutes = ____apisix_2Dusage_2Dapi.usageApiRoutes
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
    -- plugins/tier-limit/apisix.ts:15
    return apisixCheckSchema(schema, tierLimitSchema, conf)
end
local function access(conf, ctx)
    -- plugins/tier-limit/apisix.ts:19
    local prepared = prepare(conf)
    local rejection = applyApisixOutcome(
        ctx,
        tierLimitAccess(
            conf,
            apisixRequestFacts(ctx, prepared.needs),
            prepared
        )
    )
    if rejection ~= nil then
        return rejection.status, rejection.body
    end
    return
end
local ____exports = {
    version = TIER_LIMIT_VERSION,
    api = usageApiRoutes,
    priority = TIER_LIMIT_APISIX_PRIORITY,
    name = TIER_LIMIT_NAME,
    schema = schema,
    check_schema = check_schema,
    access = access
}
return ____exports
