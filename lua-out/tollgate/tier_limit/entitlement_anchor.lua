--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____calendar = require("tollgate.core.calendar")
local calendarBounds = ____calendar.calendarBounds
local localAnchor = ____calendar.localAnchor
local longestPeriod = ____calendar.longestPeriod
local ____billing_2Dperiod = require("tollgate.core.billing_period")
local consumerSubject = ____billing_2Dperiod.consumerSubject
local decodePeriod = ____billing_2Dperiod.decodePeriod
local periodKey = ____billing_2Dperiod.periodKey
local ____billing_2Dperiods = require("tollgate.io.billing_periods")
local periodStore = ____billing_2Dperiods.periodStore
--- Seconds a worker keeps a caller's period before reading the store again.
____exports.PERIOD_RECHECK_S = 1
local PERIODS_MAX = 4096
function ____exports.prepareEntitlementPeriods(dict, subjectField)
    -- plugins/tier-limit/entitlement-anchor.ts:50
    return {
        dict = dict,
        subjectField = subjectField,
        read = periodStore().get,
        bySubject = {},
        size = 0
    }
end
local function toAnchor(zone, text)
    -- plugins/tier-limit/entitlement-anchor.ts:54
    local period = decodePeriod(text)
    if period == nil then
        return false
    end
    local ____local = localAnchor(zone, period.start)
    ____local["end"] = period["end"]
    ____local.periodWindow = period["end"] ~= nil and period["end"] - period.start > longestPeriod(zone, "month") and "year" or "month"
    if period["end"] ~= nil then
        local whole = calendarBounds(zone, ____local.periodWindow, period.start, ____local)["end"] == period["end"]
        ____local.rollFrom = whole and ____local or localAnchor(zone, period["end"])
    end
    return ____local
end
--- The caller's recorded period as an anchor, or undefined. The same recorded text
-- gives the same object, so tier-limit's per-caller memo (decide.ts) compares by identity.
function ____exports.entitlementAnchor(periods, zone, facts, now)
    -- plugins/tier-limit/entitlement-anchor.ts:71
    local consumer = facts.consumer
    if consumer == nil then
        return nil
    end
    local subject = consumerSubject(consumer, periods.subjectField)
    if subject == nil then
        return nil
    end
    local known = periods.bySubject[subject]
    if known == nil or now >= known["until"] then
        local text = periods.read(
            periods.dict,
            periodKey(subject)
        )
        local ____temp_1
        if known ~= nil and known.text == text then
            ____temp_1 = known.anchor
        else
            local ____temp_0
            if text == nil then
                ____temp_0 = false
            else
                ____temp_0 = toAnchor(zone, text)
            end
            ____temp_1 = ____temp_0
        end
        local anchor = ____temp_1
        if known == nil then
            if periods.size >= PERIODS_MAX then
                periods.bySubject = {}
                periods.size = 0
            end
            periods.size = periods.size + 1
        end
        known = {anchor = anchor, text = text, ["until"] = now + ____exports.PERIOD_RECHECK_S}
        periods.bySubject[subject] = known
    end
    local ____temp_2
    if known.anchor == false then
        ____temp_2 = nil
    else
        ____temp_2 = known.anchor
    end
    return ____temp_2
end
--- The period of calendar window `window` holding `now` for a caller anchored at
-- `anchor`: a recorded period's own bounds while they hold `now` (see the header),
-- else core/calendar.ts.
function ____exports.callerBounds(zone, window, now, anchor)
    -- plugins/tier-limit/entitlement-anchor.ts:99
    local period = anchor
    if period ~= nil and period["end"] ~= nil and period.periodWindow == window and now >= period.instant then
        if now < period["end"] then
            return {start = period.instant, ["end"] = period["end"]}
        end
        return calendarBounds(zone, window, now, period.rollFrom)
    end
    return calendarBounds(zone, window, now, anchor)
end
return ____exports
