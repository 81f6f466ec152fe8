local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
local windowBounds = ____windows.windowBounds
local function reject(status, ____error, message)
    return {kind = "reject", rejection = {status = status, body = {error = ____error, message = message}, headers = {}}}
end
--- The tier of the caller: the consumer's own tier, else the configured default.
function ____exports.resolveTier(conf, facts)
    local consumer = facts.consumer
    if consumer ~= nil then
        local own = consumerAttribute(consumer, "tier")
        if own ~= nil then
            return own
        end
    end
    return conf.default_tier
end
--- Step 1: the counters this request must bump, or an immediate rejection.
function ____exports.planAccess(conf, facts, now)
    local tierName = ____exports.resolveTier(conf, facts)
    if tierName == nil then
        return facts.consumer == nil and reject(401, "unauthenticated", "This API requires an API key.") or reject(403, "no_tier", "No tier is assigned to this consumer.")
    end
    local tier = conf.tiers[tierName]
    if tier == nil then
        return reject(403, "unknown_tier", ("Tier '" .. tierName) .. "' is not configured.")
    end
    if tier.unlimited then
        return {kind = "count", tier = tierName, checks = {}, now = now}
    end
    local limits = tier.limits
    local methodKey = facts.method
    local windows = limits and limits[methodKey]
    if windows == nil then
        methodKey = "*"
        windows = limits and limits["*"]
    end
    if windows == nil then
        return {kind = "count", tier = tierName, checks = {}, now = now}
    end
    local subject = facts.consumer == nil and "anonymous" or facts.consumer.id
    local scope = facts.configScope or "global"
    local checks = {}
    for ____, window in ipairs(WINDOW_NAMES) do
        do
            local limit = windows[window]
            if limit == nil then
                goto __continue12
            end
            local bounds = windowBounds(window, now)
            checks[#checks + 1] = {
                key = (((((((((("tl:" .. scope) .. ":") .. tierName) .. ":") .. subject) .. ":") .. methodKey) .. ":") .. window) .. ":") .. tostring(bounds.start),
                limit = limit,
                window = window,
                resetAt = bounds["end"],
                ttl = bounds["end"] - math.floor(now) + 1
            }
        end
        ::__continue12::
    end
    return {kind = "count", tier = tierName, checks = checks, now = now}
end
local function capitalized(window)
    return string.upper(__TS__StringSubstring(window, 0, 1)) .. __TS__StringSubstring(window, 1)
end
--- Step 3: given each counter's value after this request's increment (same order as
-- plan.checks), allow or reject and build the headers.
function ____exports.decideAccess(conf, plan, counts)
    local headers = {}
    local exceeded
    local tightest
    local tightestRemaining = 0
    do
        local i = 0
        while i < #plan.checks do
            local check = plan.checks[i + 1]
            local count = counts[i + 1] or 0
            local remaining = check.limit - count > 0 and check.limit - count or 0
            if count > check.limit and exceeded == nil then
                exceeded = check
            end
            if not conf.hide_client_headers then
                headers["X-RateLimit-Limit-" .. capitalized(check.window)] = tostring(check.limit)
                headers["X-RateLimit-Remaining-" .. capitalized(check.window)] = tostring(remaining)
            end
            if tightest == nil or remaining < tightestRemaining then
                tightest = check
                tightestRemaining = remaining
            end
            i = i + 1
        end
    end
    local now = math.floor(plan.now)
    if tightest ~= nil and not conf.hide_client_headers then
        headers["RateLimit-Limit"] = tostring(tightest.limit)
        headers["RateLimit-Remaining"] = tostring(tightestRemaining)
        headers["RateLimit-Reset"] = tostring(tightest.resetAt - now)
    end
    if exceeded == nil then
        return {allowed = true, tier = plan.tier, responseHeaders = headers}
    end
    local retryAfter = exceeded.resetAt - now
    headers["Retry-After"] = tostring(retryAfter)
    return {allowed = false, tier = plan.tier, responseHeaders = headers, rejection = {status = conf.error_code, headers = headers, body = {
        error = "rate_limited",
        message = conf.error_message,
        tier = plan.tier,
        window = exceeded.window,
        limit = exceeded.limit,
        retry_after = retryAfter
    }}}
end
return ____exports
