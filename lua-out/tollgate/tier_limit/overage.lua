--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local integer = ____schema.integer
local map = ____schema.map
local ____string = ____schema.string
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
--- The admit bound of a soft window without max_overage: beyond any count a window reaches.
____exports.OVERAGE_UNCAPPED = 1000000000000000
local MAX_OVERAGE = 1000000000
--- A tier's soft-limit fields (schema.ts puts them next to `limits`).
____exports.tierOverageFields = {
    overage = array({
        description = "Windows of this tier whose limit is soft: requests beyond it pass, marked as overage (X-RateLimit-Overage-<Window>, overage_header, the usage event), instead of the error.",
        elements = ____string({description = "A window.", oneOf = WINDOW_NAMES})
    }),
    max_overage = map({
        description = "Per overage window, how many requests beyond the limit pass; past that the error. Unset: no cap.",
        keys = ____string({description = "A window listed in overage.", oneOf = WINDOW_NAMES}),
        values = integer({description = "Requests beyond the limit.", min = 0, max = MAX_OVERAGE})
    })
}
--- The config-level soft-limit field (schema.ts puts it next to tier_header).
____exports.overageHeaderField = {overage_header = ____string({description = "Request header that tells the upstream a request is overage: the windows over their limit, e.g. month (a client-sent copy is removed first, when a tier has overage).", default = "X-API-Overage", minLength = 1})}
local function listed(list, value)
    -- plugins/tier-limit/overage.ts:45
    if list == nil then
        return false
    end
    for ____, item in ipairs(list) do
        if item == value then
            return true
        end
    end
    return false
end
--- What is wrong with a tier's overage fields, naming the field; undefined when nothing.
function ____exports.overageProblem(tier)
    -- plugins/tier-limit/overage.ts:52
    local overage = tier.overage
    local caps = tier.max_overage
    if caps ~= nil then
        for window in pairs(caps) do
            if not listed(overage, window) then
                return "max_overage." .. window .. ": '" .. window .. "' is not listed in overage"
            end
        end
    end
    if overage == nil then
        return nil
    end
    local ____tier_limits_0 = tier.limits
    if ____tier_limits_0 == nil then
        ____tier_limits_0 = {}
    end
    local limits = ____tier_limits_0
    do
        local i = 0
        while i < #overage do
            local window = overage[i + 1]
            local limited = false
            for method in pairs(limits) do
                if limits[method][window] ~= nil then
                    limited = true
                end
            end
            if not limited then
                return "overage." .. tostring(i + 1) .. ": '" .. window .. "' has no limit in this tier"
            end
            i = i + 1
        end
    end
    return nil
end
--- The soft-limit settings of `window` in a tier with `limit`, or undefined when the window is a hard limit.
function ____exports.softLimit(tier, window, limit, headerSuffix)
    -- plugins/tier-limit/overage.ts:78
    if not listed(tier.overage, window) then
        return nil
    end
    local ____opt_1 = tier.max_overage
    local cap = ____opt_1 and ____opt_1[window]
    return {admit = cap == nil and ____exports.OVERAGE_UNCAPPED or limit + cap, header = "X-RateLimit-Overage-" .. headerSuffix}
end
--- Whether any tier of the config has a soft window (then overage_header is ours to strip).
function ____exports.hasOverage(tiers)
    -- plugins/tier-limit/overage.ts:90
    for name in pairs(tiers) do
        local overage = tiers[name].overage
        if overage ~= nil and #overage > 0 then
            return true
        end
    end
    return false
end
--- How far past its limit a window's estimate is (a whole number of requests, rounded
-- up: a sliding estimate of 100.3 against 100 is one request over); 0 when within it.
function ____exports.overBy(estimate, limit)
    -- plugins/tier-limit/overage.ts:102
    return estimate > limit and math.ceil(estimate - limit) or 0
end
--- The upstream headers of an overage request on `tier`: the tier's own, plus
-- overage_header naming the windows. Built once per tier and list of windows (a
-- handful per config), never mutated.
local function overageUpstream(byTier, tierHeaders, tier, windows, overageHeader)
    -- plugins/tier-limit/overage.ts:111
    local byWindows = byTier[tier]
    if byWindows == nil then
        byWindows = {}
        byTier[tier] = byWindows
    end
    local headers = byWindows[windows]
    if headers == nil then
        headers = {}
        for name in pairs(tierHeaders) do
            headers[name] = tierHeaders[name]
        end
        headers[overageHeader] = windows
        byWindows[windows] = headers
    end
    return headers
end
--- Marks an admitted request's outcome as overage: upstream headers with overage_header,
-- and the windows for kafka-usage's event (AccessOutcome.overage, kept as
-- tollgate_overage). Shared by the Lua and kong-pdk access steps.
function ____exports.markOverage(conf, prepared, outcome, windows)
    -- plugins/tier-limit/overage.ts:138
    local tier = outcome.tier
    outcome.upstream = overageUpstream(
        prepared.overageUpstream,
        prepared.upstreamFor[tier],
        tier,
        windows,
        conf.overage_header
    )
    outcome.overage = windows
end
return ____exports
