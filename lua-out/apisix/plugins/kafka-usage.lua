--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____facts = require("tollgate.core.facts")
local pickHeaders = ____facts.pickHeaders
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixCheckSchema = ____adapter.apisixCheckSchema
local apisixConsumer = ____adapter.apisixConsumer
local toJsonSchema = ____adapter.toJsonSchema
local ____facts = require("tollgate.kafka_usage.lua.facts")
local nginxUsageFacts = ____facts.nginxUsageFacts
local ____publisher = require("tollgate.kafka_usage.lua.publisher")
local nodeStatus = ____publisher.nodeStatus
local publish = ____publisher.publish
local publishEncoded = ____publisher.publishEncoded
local ____meta = require("tollgate.kafka_usage.meta")
local KAFKA_USAGE_APISIX_PRIORITY = ____meta.KAFKA_USAGE_APISIX_PRIORITY
local KAFKA_USAGE_NAME = ____meta.KAFKA_USAGE_NAME
local KAFKA_USAGE_VERSION = ____meta.KAFKA_USAGE_VERSION
local ____schema = require("tollgate.kafka_usage.schema")
local kafkaUsageSchema = ____schema.kafkaUsageSchema
local core = require("apisix.core")
local schema = toJsonSchema(kafkaUsageSchema)
local function check_schema(conf)
    -- plugins/kafka-usage/apisix.ts:16
    return apisixCheckSchema(schema, kafkaUsageSchema, conf)
end
local function readHeader(ctx, name)
    -- plugins/kafka-usage/apisix.ts:20
    return core.request.header(ctx, name)
end
local function log(conf, ctx)
    -- plugins/kafka-usage/apisix.ts:24
    local consumer = apisixConsumer(ctx)
    local facts = nginxUsageFacts(
        ctx.var.request_method or core.request.get_method(),
        ctx.var.uri or "/",
        ngx.status,
        consumer
    )
    facts.routeId = ctx.route_id
    facts.routeName = ctx.route_name
    facts.serviceId = ctx.service_id
    facts.serviceName = ctx.service_name
    if consumer == nil and conf.anonymous == "client_ip" then
        facts.clientIp = ctx.var.remote_addr
    end
    if conf.headers ~= nil then
        facts.headers = pickHeaders(conf.headers, readHeader, ctx)
    end
    facts.tier = ctx.tollgate_tier
    facts.plan = ctx.tollgate_plan
    facts.features = ctx.tollgate_features
    facts.overage = ctx.tollgate_overage
    facts.units = ctx.tollgate_units
    publish(
        conf,
        facts,
        core.id.get()
    )
    local thresholds = ctx.tollgate_threshold_events
    if thresholds ~= nil then
        for ____, event in ipairs(thresholds) do
            publishEncoded(conf, event.key, event.value, event.timestampMs)
        end
    end
end
--- `GET /apisix/plugin/kafka-usage/status[?dict=<lua_shared_dict>]` (exposed with
-- APISIX's public-api plugin): this node's counters, total and per worker.
local function status(ctx)
    -- plugins/kafka-usage/apisix.ts:48
    local dict = ctx.var.arg_dict or "tollgate_usage"
    local figures = nodeStatus(dict)
    if figures == nil then
        return 404, {message = "no lua_shared_dict '" .. dict .. "'"}
    end
    return 200, figures
end
local function api()
    -- plugins/kafka-usage/apisix.ts:55
    return {{methods = {"GET"}, uri = "/apisix/plugin/kafka-usage/status", handler = status}}
end
local ____exports = {
    version = KAFKA_USAGE_VERSION,
    priority = KAFKA_USAGE_APISIX_PRIORITY,
    name = KAFKA_USAGE_NAME,
    schema = schema,
    check_schema = check_schema,
    log = log,
    api = api
}
return ____exports
