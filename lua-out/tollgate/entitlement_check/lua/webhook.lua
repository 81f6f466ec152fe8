local ____lualib = require("tollgate.lualib_bundle")
local __TS__New = ____lualib.__TS__New
local ____exports = {}
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____cache = require("tollgate.io.lua.cache")
local invalidateSubject = ____cache.invalidateSubject
local ____log_2Dgate = require("tollgate.io.lua.log_gate")
local logGate = ____log_2Dgate.logGate
local ____webhook_2Dplatform = require("tollgate.io.lua.webhook_platform")
local LUA_WEBHOOK_PLATFORM = ____webhook_2Dplatform.LUA_WEBHOOK_PLATFORM
local ____webhook = require("tollgate.entitlement_check.webhook")
local handleWebhook = ____webhook.handleWebhook
local SIGNATURE_HEADERS = ____webhook.SIGNATURE_HEADERS
local ____access = require("tollgate.entitlement_check.lua.access")
local storeServiceAnswer = ____access.storeServiceAnswer
local throttles = setmetatable({}, {__mode = "k"})
local function throttleFor(conf)
    -- plugins/entitlement-check/lua/webhook.ts:24
    local throttle = throttles[conf]
    if throttle == nil then
        throttle = __TS__New(LogThrottle, conf.error_log_interval, "entitlement-check:webhook:" .. conf.webhook.provider)
        throttles[conf] = throttle
    end
    return throttle
end
--- The body, or undefined; `oversized` when it is over `max` bytes.
local function readBody(max)
    -- plugins/entitlement-check/lua/webhook.ts:34
    local declared = tonumber(ngx.var.content_length or "")
    if declared ~= nil and declared > max then
        return nil, true
    end
    ngx.req.read_body()
    local body = ngx.req.get_body_data()
    if body == nil then
        local path = ngx.req.get_body_file()
        if path == nil then
            return nil, false
        end
        local file = io.open(path, "rb")
        if file == nil then
            return nil, false
        end
        body = file:read(max + 1)
        file:close()
    end
    if body ~= nil and #body > max then
        return nil, true
    end
    return body, false
end
--- Drops or sets the subjects' answers; undefined when done, else why not.
local function apply(conf, subjects, answer)
    -- plugins/entitlement-check/lua/webhook.ts:52
    for ____, subject in ipairs(subjects) do
        local ok, err = unpack(
            answer == nil and ({invalidateSubject(conf.cache.dict, subject)}) or ({storeServiceAnswer(conf, subject, answer)}),
            1,
            2
        )
        if not ok then
            return err or "cache update failed"
        end
    end
    return nil
end
--- Answers a webhook request on a route whose config has `webhook`: status and JSON body.
function ____exports.webhookResponse(conf)
    -- plugins/entitlement-check/lua/webhook.ts:61
    local webhook = conf.webhook
    local dict = ngx.shared[conf.cache.dict]
    if dict == nil then
        return 500, {error = "misconfigured", message = "lua_shared_dict '" .. conf.cache.dict .. "' is not declared"}
    end
    local header = "http_" .. (string.gsub(
        string.lower(SIGNATURE_HEADERS[webhook.provider]),
        "-",
        "_"
    ))
    local body, oversized = readBody(webhook.max_body_bytes)
    local request = {
        method = ngx.req.get_method(),
        signature = ngx.var[header],
        body = body,
        oversized = oversized
    }
    local replay = {remember = function(id, ttl)
        -- plugins/entitlement-check/lua/webhook.ts:69
        local added = dict:add("w:" .. id, true, ttl)
        return added
    end}
    local result = handleWebhook(
        webhook,
        LUA_WEBHOOK_PLATFORM,
        request,
        ngx.now(),
        replay
    )
    if result.refused ~= nil then
        local report = throttleFor(conf):occurrence(
            ngx.now(),
            logGate(conf.cache.dict)
        )
        if report > 0 then
            ngx.log(
                ngx.WARN,
                "[entitlement-check] webhook (" .. webhook.provider .. ") refused " .. tostring(report) .. " request(s) since the last report; latest: " .. result.refused
            )
        end
        return result.status, result.body
    end
    local failed = apply(conf, result.subjects, result.answer)
    if failed ~= nil then
        if result.replayKey ~= nil then
            dict:delete("w:" .. result.replayKey)
        end
        ngx.log(ngx.ERR, "[entitlement-check] webhook (" .. webhook.provider .. ") could not update the cache: " .. failed)
        return 500, {error = "cache_update_failed", message = "The event could not be applied; retry later"}
    end
    return result.status, result.body
end
return ____exports
