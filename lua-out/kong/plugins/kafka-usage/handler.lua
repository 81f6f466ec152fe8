--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.kong.adapter")
local kongConsumer = ____adapter.kongConsumer
local ____facts = require("tollgate.core.facts")
local pickHeaders = ____facts.pickHeaders
local ____facts = require("tollgate.kafka_usage.lua.facts")
local nginxUsageFacts = ____facts.nginxUsageFacts
local ____publisher = require("tollgate.kafka_usage.lua.publisher")
local publish = ____publisher.publish
local publishEncoded = ____publisher.publishEncoded
local ____meta = require("tollgate.kafka_usage.meta")
local KAFKA_USAGE_PRIORITY = ____meta.KAFKA_USAGE_PRIORITY
local KAFKA_USAGE_VERSION = ____meta.KAFKA_USAGE_VERSION
local function readHeader(_context, name)
    -- plugins/kafka-usage/kong/handler.ts:13
    return kong.request.get_header(name)
end
local KafkaUsageHandler = {
    PRIORITY = KAFKA_USAGE_PRIORITY,
    VERSION = KAFKA_USAGE_VERSION,
    log = function(self, conf)
        -- plugins/kafka-usage/kong/handler.ts:20
        local consumer = kongConsumer()
        local facts = nginxUsageFacts(
            kong.request.get_method(),
            kong.request.get_path(),
            kong.response.get_status(),
            consumer
        )
        local route = kong.router.get_route()
        local service = kong.router.get_service()
        facts.routeId = route and route.id
        facts.routeName = route and route.name
        facts.serviceId = service and service.id
        facts.serviceName = service and service.name
        if consumer == nil and conf.anonymous == "client_ip" then
            facts.clientIp = kong.client.get_forwarded_ip()
        end
        if conf.headers ~= nil then
            facts.headers = pickHeaders(conf.headers, readHeader, nil)
        end
        local shared = kong.ctx.shared
        facts.tier = shared.tollgate_tier
        facts.plan = shared.tollgate_plan
        facts.features = shared.tollgate_features
        facts.overage = shared.tollgate_overage
        facts.units = shared.tollgate_units
        publish(
            conf,
            facts,
            kong.node.get_id()
        )
        local thresholds = shared.tollgate_threshold_events
        if thresholds ~= nil then
            for ____, event in ipairs(thresholds) do
                publishEncoded(conf, event.key, event.value, event.timestampMs)
            end
        end
    end
}
local ____exports = KafkaUsageHandler
return ____exports
