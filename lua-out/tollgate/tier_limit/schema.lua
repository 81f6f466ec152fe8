--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local boolean = ____schema.boolean
local integer = ____schema.integer
local map = ____schema.map
local record = ____schema.record
local ____string = ____schema.string
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
--- HTTP methods a tier can limit separately; "*" covers every method not listed.
____exports.LIMITED_METHODS = {
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "*"
}
local MAX_LIMIT = 1000000000
local function windowLimit(window)
    return integer({description = ("Requests allowed per " .. window) .. ".", min = 0, max = MAX_LIMIT})
end
local windowLimits = record({
    description = "Limits of one tier for one method, by window; at least one window.",
    fields = {
        second = windowLimit("second"),
        minute = windowLimit("minute"),
        hour = windowLimit("hour"),
        day = windowLimit("day"),
        month = windowLimit("month")
    },
    check = function(limits)
        for ____, window in ipairs(WINDOW_NAMES) do
            if limits[window] ~= nil then
                return nil
            end
        end
        return table.concat(WINDOW_NAMES, "|") .. ": at least one window must have a limit"
    end
})
local tier = record({
    description = "One tier: its limits per HTTP method, or unlimited.",
    fields = {
        unlimited = boolean({description = "No limit at all for this tier.", default = false}),
        limits = map({
            description = "Limits by HTTP method; \"*\" applies to methods not listed.",
            keys = ____string({description = "An HTTP method or *.", oneOf = ____exports.LIMITED_METHODS}),
            values = windowLimits
        })
    },
    check = function(value)
        if value.unlimited == true then
            return nil
        end
        local limits = value.limits
        if limits ~= nil then
            for _method in pairs(limits) do
                return nil
            end
        end
        return "limits: a tier that is not unlimited needs limits"
    end
})
____exports.tierLimitSchema = record({
    description = "Per-tier, per-method rate limits.",
    fields = {
        tiers = map({
            description = "Tiers by name (free, premium, enterprise, …).",
            required = true,
            keys = ____string({description = "Tier name.", minLength = 1}),
            values = tier
        }),
        default_tier = ____string({description = "Tier of a consumer that has none. Unset: such a consumer gets 403 and an anonymous caller 401."}),
        tier_header = ____string({description = "Request header that carries the resolved tier upstream (a client-sent copy is removed first).", default = "X-API-Tier", minLength = 1}),
        policy = ____string({description = "Where counters live.", oneOf = {"local"}, default = "local"}),
        dict = ____string({description = "lua_shared_dict that holds the counters for policy local.", default = "tollgate_tier_limit", minLength = 1}),
        hide_client_headers = boolean({description = "Do not send rate-limit headers to the client.", default = false}),
        error_code = integer({description = "Status of a rejected request.", default = 429, min = 400, max = 599}),
        error_message = ____string({description = "Message of a rejected request.", default = "API rate limit exceeded"})
    },
    check = function(conf)
        local defaultTier = conf.default_tier
        local tiers = conf.tiers
        if type(defaultTier) == "string" and tiers[defaultTier] == nil then
            return ("default_tier: '" .. defaultTier) .. "' is not one of the configured tiers"
        end
        return nil
    end
})
return ____exports
