local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
local ____decide = require("tollgate.tier_limit.decide")
local decideAccess = ____decide.decideAccess
local planAccess = ____decide.planAccess
local previousWeight = ____decide.previousWeight
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
--- Every window of the subject `facts` describe, for each method key its tier limits
-- ("GET", …, "*"; in that sorted order), shortest window first within a method, at `now`.
function ____exports.subjectWindows(conf, prepared, facts, now)
    -- plugins/tier-limit/usage.ts:39
    local probe = planAccess(conf, facts, now, prepared)
    if probe.kind == "reject" then
        local body = probe.rejection.body
        return {
            kind = "none",
            status = probe.rejection.status,
            error = tostring(body.error),
            message = tostring(body.message)
        }
    end
    local tierName = probe.tier
    local tier = prepared.tiers[tierName]
    local targets = {}
    local methods = {}
    for method in pairs(tier.byMethod) do
        methods[#methods + 1] = method
    end
    __TS__ArraySort(methods)
    for ____, method in ipairs(methods) do
        do
            local plan = planAccess(
                conf,
                __TS__ObjectAssign({}, facts, {method = method}),
                now,
                prepared
            )
            if plan.kind ~= "count" or plan.tier ~= tierName then
                goto __continue6
            end
            for ____, check in ipairs(plan.checks) do
                targets[#targets + 1] = {method = method, check = check}
            end
        end
        ::__continue6::
    end
    return {kind = "windows", tier = tierName, unlimited = tier.unlimited, targets = targets}
end
--- The usage numbers of one window from its counters' values at `now`.
function ____exports.windowUsage(target, tier, current, previous, now)
    -- plugins/tier-limit/usage.ts:81
    local check = target.check
    local limit = check.spec.limit
    local estimate = previous * previousWeight(check, now) + current
    local left = math.floor(limit - estimate)
    local used = math.ceil(estimate)
    return {
        method = target.method,
        window = check.spec.window,
        tier = tier,
        limit = limit,
        used = used > 0 and used or 0,
        remaining = left > 0 and left or 0,
        overage = used > limit and used - limit or 0,
        window_start = check.windowStart,
        reset_at = check.resetAt,
        reset_in = math.max(
            1,
            math.ceil(check.resetAt - now)
        )
    }
end
--- The usage of every target from a store's counts (same order).
function ____exports.usageOf(targets, tier, counts, now)
    -- plugins/tier-limit/usage.ts:103
    local out = {}
    do
        local i = 0
        while i < #targets do
            out[#out + 1] = ____exports.windowUsage(
                targets[i + 1],
                tier,
                counts.current[i + 1] or 0,
                counts.previous[i + 1] or 0,
                now
            )
            i = i + 1
        end
    end
    return out
end
--- usage_path's answer, which ends the request: the caller's own usage (`counts` read for
-- `found`'s targets), its refusal when the config would refuse it (401/403), or 503 when
-- the store could not be read (`counts` undefined).
function ____exports.callerAnswer(conf, found, counts, now)
    -- plugins/tier-limit/usage.ts:114
    local headers = {["Cache-Control"] = "no-store"}
    if found.kind == "none" then
        return {status = found.status, headers = headers, body = {error = found.error, message = found.message}}
    end
    if counts == nil then
        return {status = 503, headers = headers, body = {error = "usage_unavailable", message = "Usage is unavailable; try again later."}}
    end
    local body = {tier = found.tier, policy = conf.policy}
    if #found.targets == 0 then
        body.unlimited = true
    else
        body.windows = ____exports.usageOf(found.targets, found.tier, counts, now)
    end
    return {status = 200, headers = headers, body = body}
end
local MAX_CREDIT = 1000000000
--- `window` of a reset or credit: absent, or a window name (checked against the subject's windows later).
local function parseWindow(value)
    -- plugins/tier-limit/usage.ts:141
    if value == nil then
        return {}
    end
    if type(value) ~= "string" or value == "" then
        return {
            field = "window",
            message = "window: must be a window name (" .. table.concat(WINDOW_NAMES, ", ") .. ")"
        }
    end
    return {window = value}
end
--- A credit's parameters as the Admin API received them (`units` from JSON is a number,
-- from a query or form a string): a whole number from 1 to 1e9, and an optional window.
function ____exports.parseCredit(params)
    -- plugins/tier-limit/usage.ts:151
    local raw = params.units
    local units = type(raw) == "number" and raw or (type(raw) == "string" and raw ~= "" and __TS__Number(raw) or 0 / 0)
    if units ~= units then
        return {field = "units", message = "units: required, a whole number of requests to give back"}
    end
    if units ~= math.floor(units) then
        return {field = "units", message = "units: must be a whole number"}
    end
    if units < 1 or units > MAX_CREDIT then
        return {
            field = "units",
            message = "units: must be from 1 to " .. tostring(MAX_CREDIT)
        }
    end
    local window = parseWindow(params.window)
    if window.field ~= nil then
        return window
    end
    return {kind = "credit", units = units, window = window.window}
end
--- A reset's parameters: an optional window.
function ____exports.parseReset(params)
    -- plugins/tier-limit/usage.ts:164
    local window = parseWindow(params.window)
    if window.field ~= nil then
        return window
    end
    return {kind = "reset", units = 0, window = window.window}
end
--- The targets an adjustment applies to: those of its window, or all.
function ____exports.adjustedTargets(targets, adjustment)
    -- plugins/tier-limit/usage.ts:171
    local out = {}
    for ____, target in ipairs(targets) do
        if adjustment.window == nil or target.check.spec.window == adjustment.window then
            out[#out + 1] = target
        end
    end
    return out
end
--- The counts after an adjustment (what the stores apply, as arithmetic).
function ____exports.adjustedCounts(counts, adjustment)
    -- plugins/tier-limit/usage.ts:178
    local current = {}
    local previous = {}
    do
        local i = 0
        while i < #counts.current do
            current[#current + 1] = adjustment.kind == "reset" and 0 or (counts.current[i + 1] or 0) - adjustment.units
            previous[#previous + 1] = adjustment.kind == "reset" and 0 or (counts.previous[i + 1] or 0)
            i = i + 1
        end
    end
    return {current = current, previous = previous}
end
--- For test vectors, the whole arithmetic in one call: the subject of `facts` has `counts`
-- (one per window of subjectWindows, in its order); `action` ("usage", "reset" or
-- "credit" with `params` as the API takes them) is applied; then `requests` requests of
-- `facts` at `now` are decided one by one as the local store does (add the cost, refund
-- a refused one).
function ____exports.usageScenario(conf, facts, now, counts, action, params, requests)
    -- plugins/tier-limit/usage.ts:203
    local prepared = prepare(conf)
    local found = ____exports.subjectWindows(conf, prepared, facts, now)
    if found.kind == "none" then
        return {}
    end
    local state = counts
    if action ~= "usage" then
        local adjustment = action == "credit" and ____exports.parseCredit(params) or ____exports.parseReset(params)
        if adjustment.field ~= nil then
            return {tier = found.tier, problem = adjustment}
        end
        local current = {}
        local previous = {}
        do
            local i = 0
            while i < #found.targets do
                local one = {current = {counts.current[i + 1] or 0}, previous = {counts.previous[i + 1] or 0}}
                local chosen = #____exports.adjustedTargets({found.targets[i + 1]}, adjustment) == 1
                local after = chosen and ____exports.adjustedCounts(one, adjustment) or one
                current[#current + 1] = after.current[1]
                previous[#previous + 1] = after.previous[1]
                i = i + 1
            end
        end
        state = {current = current, previous = previous}
    end
    local usage = ____exports.usageOf(found.targets, found.tier, state, now)
    local byKey = {}
    do
        local i = 0
        while i < #found.targets do
            byKey[found.targets[i + 1].check.key] = i
            i = i + 1
        end
    end
    local admitted = 0
    do
        local n = 0
        while n < requests do
            local plan = planAccess(conf, facts, now, prepared)
            if plan.kind ~= "count" then
                break
            end
            local seen = {current = {}, previous = {}}
            for ____, check in ipairs(plan.checks) do
                local i = byKey[check.key]
                state.current[i + 1] = (state.current[i + 1] or 0) + plan.cost
                local ____seen_current_0 = seen.current
                ____seen_current_0[#____seen_current_0 + 1] = state.current[i + 1]
                local ____seen_previous_1 = seen.previous
                ____seen_previous_1[#____seen_previous_1 + 1] = state.previous[i + 1] or 0
            end
            if decideAccess(conf, plan, seen).allowed then
                admitted = admitted + 1
            else
                for ____, check in ipairs(plan.checks) do
                    local ____state_current_2, ____temp_3 = state.current, byKey[check.key] + 1
                    ____state_current_2[____temp_3] = ____state_current_2[____temp_3] - plan.cost
                end
            end
            n = n + 1
        end
    end
    return {tier = found.tier, usage = usage, admitted = admitted}
end
return ____exports
