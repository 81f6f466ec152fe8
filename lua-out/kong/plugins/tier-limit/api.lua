--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____facts = require("tollgate.core.facts")
local consumerAttributes = ____facts.consumerAttributes
local ____adapter = require("tollgate.hosts.kong.adapter")
local kongConfigScope = ____adapter.kongConfigScope
local ____usage_2Dapi = require("tollgate.tier_limit.lua.usage_api")
local usageApi = ____usage_2Dapi.usageApi
local ____configured = require("kong.plugins.tier-limit.configured")
local configuredConfigs = ____configured.configuredConfigs
local UUID = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$"
--- The consumer by id (a UUID) or username, as kong/api/endpoints.lua select_entity reads an endpoint_key.
local function findConsumer(name)
    -- plugins/tier-limit/kong/api.ts:23
    local found
    local err
    if (string.match(name, UUID)) ~= nil then
        found, err = kong.db.consumers:select({id = name})
    end
    if found == nil and err == nil then
        found, err = kong.db.consumers:select_by_username(name)
    end
    if found == nil then
        return nil, err
    end
    local facts = {id = found.id, username = found.username, custom_id = found.custom_id, tags = found.tags}
    facts.attributes = consumerAttributes(facts)
    return facts, nil
end
local function answer(action, ____self)
    -- plugins/tier-limit/kong/api.ts:34
    local raw = ____self.params.consumer
    local subject = type(raw) == "string" and ngx.unescape_uri(raw) or ""
    local configs = configuredConfigs()
    if configs == nil then
        return kong.response.exit(404, {error = "unknown_config", message = "No tier-limit config is enabled on this node (or Kong is older than 3.4, which has no configure phase)."})
    end
    local consumer, err = findConsumer(subject)
    if err ~= nil then
        return kong.response.exit(500, {error = "store_failed", message = err})
    end
    local entries = {}
    for ____, conf in ipairs(configs) do
        entries[#entries + 1] = {
            conf = conf,
            id = conf.__plugin_id or kongConfigScope(conf),
            scope = kongConfigScope(conf)
        }
    end
    local ____usageApi_result_0 = usageApi(
        action,
        subject,
        consumer,
        entries,
        ____self.params,
        ngx.now()
    )
    local status = ____usageApi_result_0.status
    local body = ____usageApi_result_0.body
    return kong.response.exit(status, body)
end
local function getUsage(____self)
    -- plugins/tier-limit/kong/api.ts:50
    return answer("usage", ____self)
end
local function postReset(____self)
    -- plugins/tier-limit/kong/api.ts:53
    return answer("reset", ____self)
end
local function postCredit(____self)
    -- plugins/tier-limit/kong/api.ts:56
    return answer("credit", ____self)
end
local ____exports = {["/tier-limit/usage/:consumer"] = {GET = getUsage}, ["/tier-limit/usage/:consumer/reset"] = {POST = postReset}, ["/tier-limit/usage/:consumer/credit"] = {POST = postCredit}}
return ____exports
