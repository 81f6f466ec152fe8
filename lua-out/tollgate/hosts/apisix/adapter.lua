--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local clearUpstreamHeader, setUpstreamHeader, setResponseHeader, core
local ____facts = require("tollgate.core.facts")
local pickHeaders = ____facts.pickHeaders
local ____outcome = require("tollgate.core.outcome")
local headersToClear = ____outcome.headersToClear
local ____utf8 = require("tollgate.core.utf8")
local jsonText = ____utf8.jsonText
local repairJsonBody = ____utf8.repairJsonBody
local ____json_2Dschema = require("tollgate.core.json_schema")
local toJsonSchema = ____json_2Dschema.toJsonSchema
local ____validate = require("tollgate.core.validate")
local validateConfig = ____validate.validateConfig
local ____each = require("tollgate.hosts.lua.each")
local eachHeader = ____each.eachHeader
local eachName = ____each.eachName
--- ConsumerFacts of an APISIX consumer (ctx.consumer, or an item of apisix.consumer's list).
function ____exports.apisixConsumerFacts(consumer)
    -- plugins/hosts/apisix/adapter.ts:21
    local ____consumer_username_2 = consumer.username
    local ____consumer_username_3 = consumer.username
    local ____opt_0 = consumer.labels
    return {
        id = ____consumer_username_2,
        username = ____consumer_username_3,
        custom_id = ____opt_0 and ____opt_0.custom_id,
        labels = consumer.labels,
        group = consumer.group_id
    }
end
function clearUpstreamHeader(ctx, name)
    -- plugins/hosts/apisix/adapter.ts:88
    core.request.set_header(ctx, name, nil)
end
function setUpstreamHeader(ctx, name, value)
    -- plugins/hosts/apisix/adapter.ts:92
    core.request.set_header(ctx, name, value)
end
function setResponseHeader(_context, name, value)
    -- plugins/hosts/apisix/adapter.ts:96
    core.response.set_header(name, value)
end
core = require("apisix.core")
function ____exports.apisixConsumer(ctx)
    -- plugins/hosts/apisix/adapter.ts:14
    local consumer = ctx.consumer
    if consumer == nil then
        return nil
    end
    return ____exports.apisixConsumerFacts(consumer)
end
--- A request header (module level: see pickHeaders for why no closure).
local function readHeader(ctx, name)
    -- plugins/hosts/apisix/adapter.ts:32
    return core.request.header(ctx, name)
end
--- Reads the facts a plugin config needs (see FactNeeds) from APISIX's ctx.
function ____exports.apisixRequestFacts(ctx, needs)
    -- plugins/hosts/apisix/adapter.ts:37
    local consumer = ____exports.apisixConsumer(ctx)
    local facts = {
        method = ctx.var.request_method or core.request.get_method(),
        consumer = consumer,
        configScope = ctx.conf_type ~= nil and ctx.conf_type .. ":" .. (ctx.conf_id or "") or "global"
    }
    if needs.clientIp or consumer == nil then
        facts.clientIp = ctx.var.remote_addr
    end
    if needs.credential then
        local ____opt_4 = ctx.consumer
        facts.credentialId = ____opt_4 and ____opt_4.credential_id
    end
    if needs.jwtClaims then
        facts.jwtClaims = ctx.jwt_auth_payload
    end
    if needs.routeAndService then
        facts.routeId = ctx.route_id
        facts.serviceId = ctx.service_id
    end
    if needs.path == true then
        facts.path = ctx.var.uri
    end
    if needs.decided == true then
        facts.decidedTier = ctx.tollgate_tier
    end
    if #needs.headers > 0 then
        facts.headers = pickHeaders(needs.headers, readHeader, ctx)
    end
    return facts
end
--- Applies an outcome in the access phase. Returns the rejection, which the plugin's
-- phase function returns to APISIX as `code, body` (APISIX then ends the request).
function ____exports.applyApisixOutcome(ctx, outcome)
    -- plugins/hosts/apisix/adapter.ts:63
    if outcome.warning ~= nil then
        core.log.warn(jsonText(outcome.warning))
    end
    if outcome.tier ~= nil then
        ctx.tollgate_tier = outcome.tier
    end
    if outcome.plan ~= nil then
        ctx.tollgate_plan = outcome.plan
    end
    if outcome.features ~= nil then
        ctx.tollgate_features = outcome.features
    end
    if outcome.thresholdEvents ~= nil then
        ctx.tollgate_threshold_events = outcome.thresholdEvents
    end
    if outcome.overage ~= nil then
        ctx.tollgate_overage = outcome.overage
    end
    local rejection = outcome.rejection
    local upstream = outcome.upstream
    eachName(
        headersToClear(outcome),
        clearUpstreamHeader,
        ctx
    )
    if rejection ~= nil then
        core.response.set_header("Content-Type", "application/json")
        eachHeader(rejection.headers, setResponseHeader, nil)
        repairJsonBody(rejection.body)
        return rejection
    end
    if upstream ~= nil then
        eachHeader(upstream, setUpstreamHeader, ctx)
    end
    if outcome.response ~= nil then
        eachHeader(outcome.response, setResponseHeader, nil)
    end
    return nil
end
--- What APISIX hands check_schema (apisix/plugin.lua check_single_plugin_schema, 3.18.0):
-- the conf as configured, so `$env://` / `$secret://` references still unresolved
-- (plugin.lua resolves them before the phases run), and `_meta`, which APISIX injects
-- into every plugin's schema (core.schema.plugin_injected_schema) and interprets
-- itself (priority, filter, disable, error_response, pre_function).
local APISIX_VALIDATION = {references = "apisix", gatewayKeys = {"_meta"}}
--- `check_schema` for an APISIX plugin: tollgate's validator first, whose message names
-- the field by its full path (`config.tiers.free.limits.GET.minute: …`), then APISIX's
-- own JSON-schema check, which accepts everything the validator accepts.
function ____exports.apisixCheckSchema(jsonSchema, spec, conf)
    -- plugins/hosts/apisix/adapter.ts:114
    local problem = validateConfig(spec, conf, APISIX_VALIDATION)
    if problem ~= nil then
        return false, problem
    end
    return core.schema.check(jsonSchema, conf)
end
____exports.toJsonSchema = toJsonSchema
return ____exports
