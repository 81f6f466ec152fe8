--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixCheckSchema = ____adapter.apisixCheckSchema
local apisixRequestFacts = ____adapter.apisixRequestFacts
local applyApisixOutcome = ____adapter.applyApisixOutcome
local toJsonSchema = ____adapter.toJsonSchema
local ____cache = require("tollgate.io.lua.cache")
local invalidateSubject = ____cache.invalidateSubject
local ____webhook = require("tollgate.entitlement_check.lua.webhook")
local webhookResponse = ____webhook.webhookResponse
local ____access = require("tollgate.entitlement_check.lua.access")
local entitlementAccess = ____access.entitlementAccess
local entitlementNeeds = ____access.entitlementNeeds
local rememberedEntitlement = ____access.rememberedEntitlement
local ____meta = require("tollgate.entitlement_check.meta")
local ENTITLEMENT_CHECK_APISIX_PRIORITY = ____meta.ENTITLEMENT_CHECK_APISIX_PRIORITY
local ENTITLEMENT_CHECK_NAME = ____meta.ENTITLEMENT_CHECK_NAME
local ENTITLEMENT_CHECK_VERSION = ____meta.ENTITLEMENT_CHECK_VERSION
local ____schema = require("tollgate.entitlement_check.schema")
local entitlementCheckSchema = ____schema.entitlementCheckSchema
local core = require("apisix.core")
local schema = toJsonSchema(entitlementCheckSchema)
local function check_schema(conf)
    -- plugins/entitlement-check/apisix.ts:17
    return apisixCheckSchema(schema, entitlementCheckSchema, conf)
end
local function access(conf, ctx)
    -- plugins/entitlement-check/apisix.ts:21
    if conf.webhook ~= nil then
        local status, body = webhookResponse(conf)
        core.response.set_header("Content-Type", "application/json")
        return status, body
    end
    local outcome = rememberedEntitlement(conf, ctx.consumer) or entitlementAccess(
        conf,
        apisixRequestFacts(
            ctx,
            entitlementNeeds(conf)
        ),
        ctx.consumer
    )
    local rejection = applyApisixOutcome(ctx, outcome)
    if rejection ~= nil then
        return rejection.status, rejection.body
    end
    return
end
--- `DELETE /apisix/plugin/entitlement-check/cache/{subject}[?dict=<lua_shared_dict>]`
-- (exposed with APISIX's public-api plugin): forgets every cached entitlement answer
-- about `subject` in this APISIX node, all workers. Answers 204. The subject is read
-- from the uri public-api matched (ctx.var.uri), as apisix/api_router.lua does.
local function invalidate(ctx)
    -- plugins/entitlement-check/apisix.ts:40
    local uri = ctx.var.uri or ""
    local subject = string.match(uri, "/cache/([^/]+)$")
    if subject == nil then
        return 400, {message = "subject is required"}
    end
    local ok, err = invalidateSubject(
        ctx.var.arg_dict or "tollgate_cache",
        ngx.unescape_uri(subject)
    )
    if not ok then
        return 500, {message = err}
    end
    return 204, nil
end
local function api()
    -- plugins/entitlement-check/apisix.ts:49
    return {{methods = {"DELETE"}, uri = "/apisix/plugin/entitlement-check/cache/*", handler = invalidate}}
end
local ____exports = {
    version = ENTITLEMENT_CHECK_VERSION,
    api = api,
    priority = ENTITLEMENT_CHECK_APISIX_PRIORITY,
    name = ENTITLEMENT_CHECK_NAME,
    schema = schema,
    check_schema = check_schema,
    access = access
}
return ____exports
