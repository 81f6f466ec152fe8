--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local clearUpstreamHeader, setUpstreamHeader, setResponseHeader, scopeByConfig
local ____facts = require("tollgate.core.facts")
local consumerAttributes = ____facts.consumerAttributes
local pickHeaders = ____facts.pickHeaders
local ____outcome = require("tollgate.core.outcome")
local headersToClear = ____outcome.headersToClear
local ____path = require("tollgate.core.path")
local normalizePath = ____path.normalizePath
local ____utf8 = require("tollgate.core.utf8")
local jsonText = ____utf8.jsonText
local repairJsonBody = ____utf8.repairJsonBody
local ____jwt = require("tollgate.io.lua.jwt")
local verifiedJwtClaims = ____jwt.verifiedJwtClaims
local ____each = require("tollgate.hosts.lua.each")
local eachHeader = ____each.eachHeader
local eachName = ____each.eachName
function clearUpstreamHeader(_context, name)
    -- plugins/hosts/kong/adapter.ts:134
    kong.service.request.clear_header(name)
end
function setUpstreamHeader(_context, name, value)
    -- plugins/hosts/kong/adapter.ts:138
    kong.service.request.set_header(name, value)
end
function setResponseHeader(_context, name, value)
    -- plugins/hosts/kong/adapter.ts:142
    kong.response.set_header(name, value)
end
--- The entity a plugin config is attached to: counters and caches are kept per config.
function ____exports.kongConfigScope(conf)
    -- plugins/hosts/kong/adapter.ts:19
    local scope = scopeByConfig[conf]
    if scope == nil then
        if conf.route_id ~= nil then
            scope = "route:" .. conf.route_id
        elseif conf.service_id ~= nil then
            scope = "service:" .. conf.service_id
        else
            scope = "global"
        end
        scopeByConfig[conf] = scope
    end
    return scope
end
--- Per config table (Kong hands the same table to every request until the config changes).
scopeByConfig = setmetatable({}, {__mode = "k"})
--- ConsumerFacts per Kong consumer entity. Kong hands out the same cached entity
-- table on every request of a consumer, so its facts are built once (weak keys: a
-- consumer evicted from Kong's cache is dropped here too).
local consumerFacts = setmetatable({}, {__mode = "k"})
function ____exports.kongConsumer()
    -- plugins/hosts/kong/adapter.ts:45
    local consumer = kong.client.get_consumer()
    if consumer == nil then
        return nil
    end
    local facts = consumerFacts[consumer]
    if facts == nil then
        facts = {id = consumer.id, username = consumer.username, custom_id = consumer.custom_id, tags = consumer.tags}
        facts.attributes = consumerAttributes(facts)
        consumerFacts[consumer] = facts
    end
    return facts
end
--- The first of the consumer's consumer groups, by name, where Kong has them: Kong
-- Enterprise's kong.client.get_consumer_groups(). OSS Kong 3.9.3 has no consumer_groups
-- entity and no such PDK function (kong/pdk/client.lua), so there this answers undefined
-- and tier-limit reads the tag group:<id> (tier-limit/group.ts).
local function kongConsumerGroup()
    -- plugins/hosts/kong/adapter.ts:63
    local client = kong.client
    local ____opt_0 = client.get_consumer_groups
    local groups = ____opt_0 and ____opt_0()
    local first = groups and groups[1]
    local ____temp_4
    if first == nil then
        ____temp_4 = nil
    else
        ____temp_4 = first.name or first.id
    end
    return ____temp_4
end
--- A request header (module level: see pickHeaders for why no closure).
local function readHeader(_context, name)
    -- plugins/hosts/kong/adapter.ts:72
    return kong.request.get_header(name)
end
--- Whether this Kong hands plugins the raw path: Kong 2.x's get_path() is request_uri
-- cut at "?", 3.x normalises it (kong/pdk/request.lua of 2.8.5 and 3.9.3). Read on
-- first use, when the PDK is certainly set up.
local rawPaths
--- The request path as Kong 3.x gives it, on any Kong (see core/path.ts).
local function kongPath()
    -- plugins/hosts/kong/adapter.ts:84
    if rawPaths == nil then
        rawPaths = kong.version_num < 3000000
    end
    local path = kong.request.get_path()
    return rawPaths and normalizePath(path) or path
end
--- Reads the facts a plugin config needs (see FactNeeds) from Kong's PDK.
function ____exports.kongRequestFacts(conf, needs)
    -- plugins/hosts/kong/adapter.ts:91
    local consumer = ____exports.kongConsumer()
    local facts = {
        method = kong.request.get_method(),
        consumer = consumer,
        configScope = ____exports.kongConfigScope(conf)
    }
    if needs.clientIp or consumer == nil then
        facts.clientIp = kong.client.get_forwarded_ip()
    end
    if needs.credential then
        local ____opt_5 = kong.client.get_credential()
        facts.credentialId = ____opt_5 and ____opt_5.id
    end
    if needs.jwtClaims then
        facts.jwtClaims = verifiedJwtClaims(kong.ctx.shared.authenticated_jwt_token)
    end
    if needs.routeAndService then
        local ____opt_7 = kong.router.get_route()
        facts.routeId = ____opt_7 and ____opt_7.id
        local ____opt_9 = kong.router.get_service()
        facts.serviceId = ____opt_9 and ____opt_9.id
    end
    if needs.path == true then
        facts.path = kongPath()
    end
    if needs.decided == true then
        facts.decidedTier = kong.ctx.shared.tollgate_tier
    end
    if needs.group == true and consumer ~= nil then
        facts.consumerGroup = kongConsumerGroup()
    end
    if #needs.headers > 0 then
        facts.headers = pickHeaders(needs.headers, readHeader, nil)
    end
    return facts
end
--- Keeps what the plugin decided for kafka-usage's event of this request (see AccessOutcome).
local function recordUsage(outcome)
    -- plugins/hosts/kong/adapter.ts:110
    local shared = kong.ctx.shared
    if outcome.tier ~= nil then
        shared.tollgate_tier = outcome.tier
    end
    if outcome.plan ~= nil then
        shared.tollgate_plan = outcome.plan
    end
    if outcome.features ~= nil then
        shared.tollgate_features = outcome.features
    end
    if outcome.overage ~= nil then
        shared.tollgate_overage = outcome.overage
    end
end
--- Applies an outcome in the access phase; a rejection ends the request.
function ____exports.applyKongOutcome(outcome)
    -- plugins/hosts/kong/adapter.ts:119
    if outcome.warning ~= nil then
        kong.log.warn(jsonText(outcome.warning))
    end
    if outcome.tier ~= nil or outcome.plan ~= nil or outcome.features ~= nil or outcome.overage ~= nil then
        recordUsage(outcome)
    end
    local rejection = outcome.rejection
    local upstream = outcome.upstream
    eachName(
        headersToClear(outcome),
        clearUpstreamHeader,
        nil
    )
    if rejection ~= nil then
        return kong.response.exit(
            rejection.status,
            repairJsonBody(rejection.body),
            rejection.headers
        )
    end
    if upstream ~= nil then
        eachHeader(upstream, setUpstreamHeader, nil)
    end
    if outcome.response ~= nil then
        eachHeader(outcome.response, setResponseHeader, nil)
    end
end
return ____exports
