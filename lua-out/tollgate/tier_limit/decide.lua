--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____windows = require("tollgate.core.windows")
local fixedWindowLength = ____windows.fixedWindowLength
local windowBounds = ____windows.windowBounds
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____resolve = require("tollgate.tier_limit.resolve")
local counterScope = ____resolve.counterScope
local counterSubject = ____resolve.counterSubject
local resolveTier = ____resolve.resolveTier
local MONTH_MAX_SECONDS = 31 * 86400
local function reject(status, ____error, message)
    return {kind = "reject", rejection = {status = status, body = {error = ____error, message = message}, headers = {}}}
end
local function check(prepared, keyPrefix, sliding, now)
    local window = prepared.window
    local second = math.floor(now)
    local start
    local ____end
    local fixedLength = fixedWindowLength(window)
    if fixedLength == 0 then
        local bounds = windowBounds(window, now)
        start = bounds.start
        ____end = bounds["end"]
    else
        start = second - second % fixedLength
        ____end = start + fixedLength
    end
    local length = ____end - start
    local key = keyPrefix .. window .. ":" .. tostring(start)
    local previousKey = key
    if sliding then
        local previousStart = window == "month" and windowBounds("month", start - 1).start or start - length
        previousKey = keyPrefix .. window .. ":" .. tostring(previousStart)
    end
    local nextLength = window == "month" and MONTH_MAX_SECONDS or length
    return {
        key = key,
        previousKey = previousKey,
        weight = sliding and math.floor((1 - (now - start) / length) * 1000000) / 1000000 or 0,
        ttl = sliding and ____end - second + nextLength + 1 or ____end - second + 1,
        windowStart = start,
        resetAt = ____end,
        spec = prepared
    }
end
--- Step 1: the counters this request must bump, or an immediate rejection.
function ____exports.planAccess(conf, facts, now, prepared)
    if prepared == nil then
        prepared = prepare(conf)
    end
    local ____resolveTier_result_0 = resolveTier(conf, prepared, facts)
    local tierName = ____resolveTier_result_0.tier
    if tierName == nil then
        return facts.consumer == nil and reject(401, "unauthenticated", "This API requires credentials.") or reject(403, "no_tier", "No tier is assigned to this consumer.")
    end
    local tier = prepared.tiers[tierName]
    if tier == nil then
        return reject(403, "unknown_tier", "Tier '" .. tierName .. "' is not configured.")
    end
    local cost = conf.cost
    if tier.unlimited then
        return {
            kind = "count",
            tier = tierName,
            checks = {},
            now = now,
            cost = cost
        }
    end
    local methodKey = facts.method
    local windows = tier.byMethod[methodKey]
    if windows == nil then
        methodKey = "*"
        windows = tier.byMethod["*"]
    end
    local checks = {}
    if windows == nil then
        return {
            kind = "count",
            tier = tierName,
            checks = checks,
            now = now,
            cost = cost
        }
    end
    local keyPrefix = "tl:{" .. counterScope(conf, facts) .. ":" .. counterSubject(conf, facts) .. "}:" .. tierName .. ":" .. methodKey .. ":"
    local sliding = conf.algorithm == "sliding"
    local count = #windows
    if count > 0 then
        checks[#checks + 1] = check(windows[1], keyPrefix, sliding, now)
    end
    if count > 1 then
        checks[#checks + 1] = check(windows[2], keyPrefix, sliding, now)
    end
    do
        local i = 2
        while i < count do
            checks[#checks + 1] = check(windows[i + 1], keyPrefix, sliding, now)
            i = i + 1
        end
    end
    return {
        kind = "count",
        tier = tierName,
        checks = checks,
        now = now,
        cost = cost
    }
end
--- Seconds until a refused request would be allowed in this window, if nothing else arrives.
local function retryAfter(entry, current, previous, cost, now)
    local untilEnd = entry.resetAt - now
    if entry.weight == 0 or current > entry.spec.limit then
        if entry.weight == 0 then
            return math.max(
                1,
                math.ceil(untilEnd)
            )
        end
        local length = entry.resetAt - entry.windowStart
        local without = current - cost
        local extra = without > entry.spec.limit - cost and length * (1 - (entry.spec.limit - cost) / without) or 0
        return math.max(
            1,
            math.ceil(untilEnd + extra)
        )
    end
    local length = entry.resetAt - entry.windowStart
    local elapsedNeeded = length * (1 - (entry.spec.limit - current) / previous)
    return math.max(
        1,
        math.ceil(entry.windowStart + elapsedNeeded - now)
    )
end
--- Window `i`'s estimate against its limit: updates the tally and sets its two headers (unless hidden).
local function tallyWindow(tally, entry, i, counts, headers, hide)
    local current = counts.current[i + 1] or 0
    local estimate = (counts.previous[i + 1] or 0) * entry.weight + current
    local left = math.floor(entry.spec.limit - estimate)
    local remaining = left > 0 and left or 0
    if estimate > entry.spec.limit and tally.exceeded == -1 then
        tally.exceeded = i
    end
    if not hide then
        headers[entry.spec.limitHeader] = entry.spec.limitText
        headers[entry.spec.remainingHeader] = tostring(remaining)
    end
    if tally.tightest == -1 or remaining < tally.tightestRemaining then
        tally.tightest = i
        tally.tightestRemaining = remaining
    end
end
--- Step 3: allow or reject from the store's counts, and build the headers into
-- `headers` (empty; the Lua access step passes one with room for them, see
-- hosts/lua/tables.ts).
function ____exports.decideAccess(conf, plan, counts, headers)
    if headers == nil then
        headers = {}
    end
    local hide = conf.hide_client_headers
    local checks = plan.checks
    local count = #checks
    local tally = {exceeded = -1, tightest = -1, tightestRemaining = 0}
    if count > 0 then
        tallyWindow(
            tally,
            checks[1],
            0,
            counts,
            headers,
            hide
        )
    end
    if count > 1 then
        tallyWindow(
            tally,
            checks[2],
            1,
            counts,
            headers,
            hide
        )
    end
    do
        local i = 2
        while i < count do
            tallyWindow(
                tally,
                checks[i + 1],
                i,
                counts,
                headers,
                hide
            )
            i = i + 1
        end
    end
    local exceeded = tally.exceeded
    local tightest = tally.tightest
    local tightestRemaining = tally.tightestRemaining
    local now = plan.now
    if tightest ~= -1 and not hide then
        local entry = checks[tightest + 1]
        headers["RateLimit-Limit"] = entry.spec.limitText
        headers["RateLimit-Remaining"] = tostring(tightestRemaining)
        headers["RateLimit-Reset"] = tostring(math.max(
            1,
            math.ceil(entry.resetAt - now)
        ))
    end
    local ____counts_allowed_1 = counts.allowed
    if ____counts_allowed_1 == nil then
        ____counts_allowed_1 = exceeded == -1
    end
    local allowed = ____counts_allowed_1
    if allowed then
        return {allowed = true, tier = plan.tier, responseHeaders = headers}
    end
    local index = exceeded ~= -1 and exceeded or tightest
    local entry = plan.checks[index + 1]
    local wait = retryAfter(
        entry,
        counts.current[index + 1] or 0,
        counts.previous[index + 1] or 0,
        plan.cost,
        now
    )
    headers["Retry-After"] = tostring(wait)
    return {allowed = false, tier = plan.tier, responseHeaders = headers, rejection = {status = conf.error_code, headers = headers, body = {
        error = "rate_limited",
        message = conf.error_message,
        tier = plan.tier,
        window = entry.spec.window,
        limit = entry.spec.limit,
        retry_after = wait
    }}}
end
--- The counter store failed: with fault_tolerant the request passes (without
-- rate-limit headers), otherwise 503. `report` is how many failures the error log
-- should mention now (0: stay quiet, a line was written less than
-- error_log_interval ago).
function ____exports.onStoreFailure(conf, passed, now, prepared)
    if prepared == nil then
        prepared = prepare(conf)
    end
    local report = prepared.storeErrors:occurrence(now)
    if conf.fault_tolerant then
        return {outcome = passed, report = report}
    end
    local rejection = {status = 503, headers = {}, body = {error = "rate_limit_unavailable", message = "Rate limiting is unavailable; try again later."}}
    return {outcome = {clearUpstream = passed.clearUpstream, rejection = rejection}, report = report}
end
return ____exports
