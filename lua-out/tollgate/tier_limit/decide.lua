local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local Set = ____lualib.Set
local __TS__New = ____lualib.__TS__New
local ____exports = {}
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
local ____calendar = require("tollgate.core.calendar")
local calendarBounds = ____calendar.calendarBounds
local isCalendarWindow = ____calendar.isCalendarWindow
local longestPeriod = ____calendar.longestPeriod
local ____windows = require("tollgate.core.windows")
local fixedWindowLength = ____windows.fixedWindowLength
local ____anchor = require("tollgate.tier_limit.anchor")
local callerAnchor = ____anchor.callerAnchor
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____group = require("tollgate.tier_limit.group")
local memoKey = ____group.memoKey
local organizationScope = ____group.organizationScope
local windowPrefix = ____group.windowPrefix
local ____overage = require("tollgate.tier_limit.overage")
local overBy = ____overage.overBy
local ____resolve = require("tollgate.tier_limit.resolve")
local counterScope = ____resolve.counterScope
local counterSubject = ____resolve.counterSubject
local resolveTier = ____resolve.resolveTier
--- The weight of the previous window's count at `now`: 1 - the elapsed fraction of the
-- current window, rounded down to 6 decimals (the Redis script receives exactly this
-- number); 0 for a fixed window.
function ____exports.previousWeight(check, now)
    -- plugins/tier-limit/decide.ts:54
    if not check.sliding then
        return 0
    end
    return math.floor((1 - (now - check.windowStart) / (check.resetAt - check.windowStart)) * 1000000) / 1000000
end
local function reject(status, ____error, message)
    -- plugins/tier-limit/decide.ts:76
    return {kind = "reject", rejection = {status = status, body = {error = ____error, message = message}, headers = {}}}
end
local function check(prepared, keyPrefix, sliding, now, calendar, anchor)
    -- plugins/tier-limit/decide.ts:80
    local window = prepared.window
    local start
    local ____end
    local fixedLength = fixedWindowLength(window)
    local onCalendar = fixedLength == 0 or calendar.zone ~= nil and isCalendarWindow(window)
    if onCalendar then
        local bounds = calendarBounds(calendar.zone, window, now, anchor)
        start = bounds.start
        ____end = bounds["end"]
    else
        local second = math.floor(now)
        start = second - second % fixedLength
        ____end = start + fixedLength
    end
    local length = ____end - start
    local key = keyPrefix .. window .. ":" .. tostring(start)
    local previousKey = key
    if sliding then
        local previousStart = onCalendar and calendarBounds(calendar.zone, window, start - 1, anchor).start or start - length
        previousKey = keyPrefix .. window .. ":" .. tostring(previousStart)
    end
    local nextLength = onCalendar and longestPeriod(calendar.zone, window) or length
    return {
        key = key,
        previousKey = previousKey,
        sliding = sliding,
        windowStart = start,
        resetAt = ____end,
        keepUntil = sliding and ____end + nextLength + 1 or ____end + 1,
        spec = prepared
    }
end
local RECENT_CHECKS_MAX = 1024
local function rememberedChecks(prepared, keyPrefix, now, anchor)
    -- plugins/tier-limit/decide.ts:133
    local entry = prepared.recentChecks.byPrefix[keyPrefix]
    if entry == nil then
        return nil
    end
    return now >= entry.from and now < entry["until"] and entry.anchor == anchor and entry.checks or nil
end
local function rememberChecks(prepared, keyPrefix, checks, anchor)
    -- plugins/tier-limit/decide.ts:139
    local recent = prepared.recentChecks
    if recent.byPrefix[keyPrefix] == nil then
        if recent.size >= RECENT_CHECKS_MAX then
            recent.byPrefix = {}
            recent.size = 0
        end
        recent.size = recent.size + 1
    end
    local from = checks[1].windowStart
    local ____until = checks[1].resetAt
    do
        local i = 1
        while i < #checks do
            local entry = checks[i + 1]
            if entry.windowStart > from then
                from = entry.windowStart
            end
            if entry.resetAt < ____until then
                ____until = entry.resetAt
            end
            i = i + 1
        end
    end
    recent.byPrefix[keyPrefix] = {checks = checks, from = from, ["until"] = ____until, anchor = anchor}
end
--- Step 1: the counters this request must bump, or an immediate rejection.
function ____exports.planAccess(conf, facts, now, prepared)
    -- plugins/tier-limit/decide.ts:159
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
    if windows == nil or #windows == 0 then
        return {
            kind = "count",
            tier = tierName,
            checks = {},
            now = now,
            cost = cost
        }
    end
    local levels = prepared.levels
    local scope = levels.tag == "group" and organizationScope(counterScope(conf, facts)) or counterScope(conf, facts)
    local keyPrefix = "tl:{" .. scope .. ":" .. counterSubject(conf, facts, levels.tag) .. "}:" .. tierName .. ":" .. methodKey .. ":"
    local memo = memoKey(keyPrefix, levels, facts)
    local calendar = prepared.calendar
    local anchor = callerAnchor(calendar, facts)
    local remembered = rememberedChecks(prepared, memo, now, anchor)
    if remembered ~= nil then
        return {
            kind = "count",
            tier = tierName,
            checks = remembered,
            now = now,
            cost = cost
        }
    end
    local checks = {}
    local sliding = conf.algorithm == "sliding"
    local count = #windows
    if count > 0 then
        checks[#checks + 1] = check(
            windows[1],
            windowPrefix(keyPrefix, windows[1].limitBy, facts),
            sliding,
            now,
            calendar,
            anchor
        )
    end
    if count > 1 then
        checks[#checks + 1] = check(
            windows[2],
            windowPrefix(keyPrefix, windows[2].limitBy, facts),
            sliding,
            now,
            calendar,
            anchor
        )
    end
    do
        local i = 2
        while i < count do
            checks[#checks + 1] = check(
                windows[i + 1],
                windowPrefix(keyPrefix, windows[i + 1].limitBy, facts),
                sliding,
                now,
                calendar,
                anchor
            )
            i = i + 1
        end
    end
    rememberChecks(prepared, memo, checks, anchor)
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
    -- plugins/tier-limit/decide.ts:207
    local ____opt_1 = entry.spec.overage
    local limit = ____opt_1 and ____opt_1.admit or entry.spec.limit
    local untilEnd = entry.resetAt - now
    local weight = ____exports.previousWeight(entry, now)
    if weight == 0 or current > limit then
        if weight == 0 then
            return math.max(
                1,
                math.ceil(untilEnd)
            )
        end
        local length = entry.resetAt - entry.windowStart
        local without = current - cost
        local extra = without > limit - cost and length * (1 - (limit - cost) / without) or 0
        return math.max(
            1,
            math.ceil(untilEnd + extra)
        )
    end
    local length = entry.resetAt - entry.windowStart
    local elapsedNeeded = length * (1 - (limit - current) / previous)
    return math.max(
        1,
        math.ceil(entry.windowStart + elapsedNeeded - now)
    )
end
--- Window `i`'s estimate against its limit: updates the tally and sets its two headers (unless hidden).
local function tallyWindow(tally, entry, i, counts, now, headers, hide)
    -- plugins/tier-limit/decide.ts:241
    local current = counts.current[i + 1] or 0
    local estimate = (counts.previous[i + 1] or 0) * ____exports.previousWeight(entry, now) + current
    local left = math.floor(entry.spec.limit - estimate)
    local remaining = left > 0 and left or 0
    local soft = entry.spec.overage
    if soft == nil then
        if estimate > entry.spec.limit and tally.exceeded == -1 then
            tally.exceeded = i
        end
    else
        if estimate > soft.admit and tally.exceeded == -1 then
            tally.exceeded = i
        end
        local over = overBy(estimate, entry.spec.limit)
        if over > 0 then
            tally.overage = tally.overage == "" and entry.spec.window or tally.overage .. "," .. entry.spec.window
            if tally.overHeaders == nil then
                tally.overHeaders = {}
            end
            tally.overHeaders[soft.header] = tostring(over)
        end
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
    -- plugins/tier-limit/decide.ts:274
    if headers == nil then
        headers = {}
    end
    local hide = conf.hide_client_headers
    local checks = plan.checks
    local count = #checks
    local now = plan.now
    local tally = {exceeded = -1, tightest = -1, tightestRemaining = 0, overage = ""}
    if count > 0 then
        tallyWindow(
            tally,
            checks[1],
            0,
            counts,
            now,
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
            now,
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
                now,
                headers,
                hide
            )
            i = i + 1
        end
    end
    local exceeded = tally.exceeded
    local tightest = tally.tightest
    local tightestRemaining = tally.tightestRemaining
    if tightest ~= -1 and not hide then
        local entry = checks[tightest + 1]
        headers["RateLimit-Limit"] = entry.spec.limitText
        headers["RateLimit-Remaining"] = tostring(tightestRemaining)
        headers["RateLimit-Reset"] = tostring(math.max(
            1,
            math.ceil(entry.resetAt - now)
        ))
    end
    local ____counts_allowed_3 = counts.allowed
    if ____counts_allowed_3 == nil then
        ____counts_allowed_3 = exceeded == -1
    end
    local allowed = ____counts_allowed_3
    if allowed then
        if tally.overage ~= "" then
            if not hide then
                for name in pairs(tally.overHeaders) do
                    headers[name] = tally.overHeaders[name]
                end
            end
            return {allowed = true, tier = plan.tier, responseHeaders = headers, overage = tally.overage}
        end
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
function ____exports.onStoreFailure(conf, passed, now, prepared, logStore)
    -- plugins/tier-limit/decide.ts:336
    if prepared == nil then
        prepared = prepare(conf)
    end
    local report = prepared.storeErrors:occurrence(now, logStore)
    if conf.fault_tolerant then
        return {outcome = passed, report = report}
    end
    local rejection = {status = 503, headers = {["Retry-After"] = prepared.unavailableRetryAfter}, body = {error = "rate_limit_unavailable", message = "Rate limiting is unavailable; try again later."}}
    return {outcome = {clearUpstream = passed.clearUpstream, rejection = rejection}, report = report}
end
--- planAccess for test vectors: each check also shows its weight and TTL at `now`.
function ____exports.planAt(conf, facts, now)
    -- plugins/tier-limit/decide.ts:357
    local plan = ____exports.planAccess(conf, facts, now)
    if plan.kind == "reject" then
        return plan
    end
    local checks = {}
    for ____, entry in ipairs(plan.checks) do
        checks[#checks + 1] = __TS__ObjectAssign(
            {},
            entry,
            {
                weight = ____exports.previousWeight(entry, now),
                ttl = counterTtl(entry, now)
            }
        )
    end
    return __TS__ObjectAssign({}, plan, {checks = checks})
end
--- planAccess for test vectors over a sequence of requests that share one prepared config,
-- as a worker's requests do: per request, its counters' keys (current, previous, per
-- window) and whether it was handed checks an earlier request got (recentChecks).
function ____exports.planSequence(conf, requests)
    -- plugins/tier-limit/decide.ts:370
    local prepared = prepare(conf)
    local results = {}
    local earlier = __TS__New(Set)
    for ____, request in ipairs(requests) do
        local plan = ____exports.planAccess(conf, request.facts, request.now, prepared)
        local checks = plan.kind == "count" and plan.checks or ({})
        local keys = {}
        for ____, entry in ipairs(checks) do
            keys[#keys + 1] = entry.key
            keys[#keys + 1] = entry.previousKey
        end
        results[#results + 1] = {
            keys = keys,
            remembered = #checks > 0 and earlier:has(checks)
        }
        earlier:add(checks)
    end
    return results
end
return ____exports
