local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__Number = ____lualib.__TS__Number
local __TS__NumberIsFinite = ____lualib.__TS__NumberIsFinite
local ____exports = {}
local ____values = require("tollgate.core.values")
local isNull = ____values.isNull
--- The store key of `subject`'s period.
function ____exports.periodKey(subject)
    -- plugins/core/billing-period.ts:21
    return "bp:" .. subject
end
function ____exports.encodePeriod(period)
    -- plugins/core/billing-period.ts:25
    return period["end"] == nil and tostring(period.start) or tostring(period.start) .. " " .. tostring(period["end"])
end
--- The period `text` holds, or undefined when it is not "<start>" or "<start> <end>" with end > start.
function ____exports.decodePeriod(text)
    -- plugins/core/billing-period.ts:30
    local space = (string.find(text, " ", nil, true) or 0) - 1
    local start = __TS__Number(space == -1 and text or __TS__StringSubstring(text, 0, space))
    if not __TS__NumberIsFinite(start) or text == "" then
        return nil
    end
    if space == -1 then
        return {start = math.floor(start)}
    end
    local ____end = __TS__Number(__TS__StringSubstring(text, space + 1))
    if not __TS__NumberIsFinite(____end) or ____end <= start then
        return nil
    end
    return {
        start = math.floor(start),
        ["end"] = math.floor(____end)
    }
end
--- Epoch seconds a period may carry: a finite number from 1970 on (and below 2^40).
function ____exports.isPeriodInstant(value)
    -- plugins/core/billing-period.ts:41
    return type(value) == "number" and value >= 0 and value < 1099511627776 and math.floor(value) == value
end
--- The period from a start and an end as a source gave them (numbers or absent), or undefined when they do not make one.
function ____exports.periodOf(start, ____end)
    -- plugins/core/billing-period.ts:46
    if not ____exports.isPeriodInstant(start) then
        return nil
    end
    if isNull(____end) then
        return {start = start}
    end
    if not ____exports.isPeriodInstant(____end) or ____end <= start then
        return nil
    end
    return {start = start, ["end"] = ____end}
end
--- Which consumer field names a subscriber: entitlement-check's service.subject, tier-limit's entitlement_subject.
function ____exports.consumerSubject(consumer, field)
    -- plugins/core/billing-period.ts:54
    if field == "custom_id" then
        return consumer.custom_id
    end
    if field == "id" then
        return consumer.id
    end
    return consumer.username or consumer.id
end
return ____exports
