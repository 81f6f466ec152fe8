local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local ____exports = {}
local ____parse = require("tollgate.feature_toggle.parse")
local parseIsoTime = ____parse.parseIsoTime
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local ____string = ____schema.string
local ____zoneinfo = require("tollgate.io.zoneinfo")
local zoneProblem = ____zoneinfo.zoneProblem
--- Where a caller's billing anchor can come from, tried in the configured order.
____exports.ANCHOR_SOURCES = {"consumer", "config"}
____exports.CALENDAR_FIELDS = {
    timezone = ____string({description = "IANA time zone (America/New_York, Europe/Berlin, …) whose local midnight starts day, week, month and year windows, across daylight-saving changes; read from the gateway's /usr/share/zoneinfo at config load. Unset: UTC.", minLength = 1}),
    anchor_sources = array({
        description = "Where a caller's billing anchor comes from, first hit wins: consumer (Kong tag billing_anchor:<RFC 3339>, APISIX label billing_anchor), config (billing_anchor). With an anchor, month and year windows run from it (Stripe's billing_cycle_anchor: the 31st renews on the last day of shorter months); without one, on the calendar. Unset: calendar only.",
        elements = ____string({description = "An anchor source.", oneOf = ____exports.ANCHOR_SOURCES})
    }),
    billing_anchor = ____string({description = "Billing anchor of every caller (source config), RFC 3339, e.g. 2026-01-31T09:30:00Z.", minLength = 1})
}
--- An RFC 3339 date-time as epoch seconds: date, time and offset all required (a date
-- alone or a time without its offset would depend on a zone); else undefined.
function ____exports.parseAnchor(text)
    -- plugins/tier-limit/calendar-fields.ts:35
    if #text < 20 then
        return nil
    end
    local ms = parseIsoTime(text)
    if ms == nil then
        return nil
    end
    local last = __TS__StringCharAt(text, #text - 1)
    local hasOffset = last == "Z" or last == "z" or __TS__StringCharAt(text, #text - 6) == "+" or __TS__StringCharAt(text, #text - 6) == "-"
    return hasOffset and math.floor(ms / 1000) or nil
end
--- The calendar fields' cross-field rules, for the schema's check.
function ____exports.calendarProblem(conf)
    -- plugins/tier-limit/calendar-fields.ts:45
    local zone = conf.timezone
    if type(zone) == "string" then
        local problem = zoneProblem(zone)
        if problem ~= nil then
            return "timezone: " .. problem
        end
    end
    local anchor = conf.billing_anchor
    if type(anchor) == "string" and ____exports.parseAnchor(anchor) == nil then
        return "billing_anchor: '" .. anchor .. "' is not an RFC 3339 date-time with an offset"
    end
    local sources = conf.anchor_sources or ({})
    for ____, source in ipairs(sources) do
        if source == "config" and anchor == nil then
            return "billing_anchor: required when anchor_sources has config"
        end
    end
    return nil
end
return ____exports
