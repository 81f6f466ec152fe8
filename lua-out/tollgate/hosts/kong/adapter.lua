--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
function ____exports.kongConsumer()
    local consumer = kong.client.get_consumer()
    if consumer == nil then
        return nil
    end
    return {id = consumer.id, username = consumer.username, custom_id = consumer.custom_id, tags = consumer.tags}
end
--- The entity a plugin config is attached to: counters and caches are kept per config.
function ____exports.kongConfigScope(conf)
    if conf.route_id ~= nil then
        return "route:" .. conf.route_id
    end
    if conf.service_id ~= nil then
        return "service:" .. conf.service_id
    end
    return "global"
end
function ____exports.kongRequestFacts(conf)
    return {
        method = kong.request.get_method(),
        consumer = ____exports.kongConsumer(),
        configScope = ____exports.kongConfigScope(conf)
    }
end
--- Applies an outcome in the access phase; a rejection ends the request.
function ____exports.applyKongOutcome(outcome)
    if outcome.warning ~= nil then
        kong.log.warn(outcome.warning)
    end
    if outcome.clearUpstream ~= nil then
        for ____, name in ipairs(outcome.clearUpstream) do
            kong.service.request.clear_header(name)
        end
    end
    local rejection = outcome.rejection
    if rejection ~= nil then
        return kong.response.exit(rejection.status, rejection.body, rejection.headers)
    end
    if outcome.upstream ~= nil then
        for name in pairs(outcome.upstream) do
            kong.service.request.set_header(name, outcome.upstream[name])
        end
    end
    if outcome.response ~= nil then
        for name in pairs(outcome.response) do
            kong.response.set_header(name, outcome.response[name])
        end
    end
end
return ____exports
