local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local consumerScope
local ____adapter = require("tollgate.hosts.apisix.adapter")
local apisixConsumerFacts = ____adapter.apisixConsumerFacts
local ____usage_2Dapi = require("tollgate.tier_limit.lua.usage_api")
local usageApi = ____usage_2Dapi.usageApi
function consumerScope(____type, confId, consumer)
    -- plugins/tier-limit/lua/apisix-usage-api.ts:58
    local scopeType = ____type .. "&consumer"
    local scopeId = confId .. "&" .. consumer.id
    if consumer.group ~= nil then
        scopeType = scopeType .. "&consumer_group"
        scopeId = scopeId .. "&" .. consumer.group
    end
    return scopeType .. ":" .. scopeId
end
local core = require("apisix.core")
local PREFIX = "/v1/plugin/tier-limit/usage/"
local function routerModule()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:30
    return require("apisix.router")
end
local function consumerModule()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:33
    return require("apisix.consumer")
end
--- The tier-limit confs of the routes, with the scope their requests have (as ctx.conf_type:conf_id).
local function routeConfigs()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:38
    local out = {}
    local routes = routerModule().http_routes()
    for ____, item in ipairs(routes or ({})) do
        do
            local route = item.value
            local ____opt_0 = route.plugins
            local conf = ____opt_0 and ____opt_0["tier-limit"]
            if conf == nil then
                goto __continue5
            end
            local id = "route:" .. tostring(route.id)
            local ____type, confId = unpack(
                route.service_id == nil and ({
                    "route",
                    tostring(route.id)
                }) or ({
                    "route&service",
                    tostring(route.id) .. "&" .. tostring(route.service_id)
                }),
                1,
                2
            )
            out[#out + 1] = {
                conf = conf,
                id = id,
                scope = ____type .. ":" .. confId,
                scopeFor = function(consumer)
                    -- plugins/tier-limit/lua/apisix-usage-api.ts:48
                    return consumerScope(____type, confId, consumer)
                end
            }
        end
        ::__continue5::
    end
    return out
end
local function findConsumer(name)
    -- plugins/tier-limit/lua/apisix-usage-api.ts:68
    local consumers = consumerModule().consumers()
    for ____, item in ipairs(consumers or ({})) do
        if item.value.username == name then
            return apisixConsumerFacts(item.value)
        end
    end
    return nil
end
--- The request's parameters: query args, then a JSON body's fields (as Kong's lapis merges them).
local function params()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:75
    local out = {}
    local args = ngx.req.get_uri_args()
    for name, value in pairs(args) do
        if type(value) == "string" then
            out[name] = value
        end
    end
    ngx.req.read_body()
    local body = ngx.req.get_body_data()
    if body ~= nil and body ~= "" then
        local json = core.json.decode(body)
        if type(json) ~= "table" or json == nil then
            return {__bad_json = true}
        end
        for name in pairs(json) do
            out[name] = json[name]
        end
    end
    return out
end
local function handle()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:89
    local uri = ngx.var.uri or ""
    local rest = __TS__StringSubstring(uri, #PREFIX)
    local method = ngx.req.get_method()
    local action
    local name = rest
    if method == "GET" then
        action = "usage"
    else
        local subject, verb = string.match(rest, "^(.+)/([a-z]+)$")
        name = subject
        if verb == "reset" then
            action = "reset"
        elseif verb == "credit" then
            action = "credit"
        end
    end
    if name == nil or name == "" or action == nil then
        return 404, {error = "not_found", message = "Not found"}
    end
    local given = params()
    if given.__bad_json == true then
        return 400, {error = "invalid_request", message = "the body is not a JSON object"}
    end
    local ____usageApi_result_2 = usageApi(
        action,
        name,
        findConsumer(name),
        routeConfigs(),
        given,
        ngx.now()
    )
    local status = ____usageApi_result_2.status
    local body = ____usageApi_result_2.body
    return status, body
end
--- tier-limit's control_api(): one prefix route; the handler tells usage, reset and credit apart.
function ____exports.usageControlApi()
    -- plugins/tier-limit/lua/apisix-usage-api.ts:112
    return {{methods = {"GET", "POST"}, uris = {PREFIX .. "*"}, handler = handle}}
end
return ____exports
