--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____tzif = require("tollgate.core.tzif")
local daysInMonth = ____tzif.daysInMonth
local instantOfLocal = ____tzif.instantOfLocal
local offsetAt = ____tzif.offsetAt
local ____windows = require("tollgate.core.windows")
local civilFromDays = ____windows.civilFromDays
local daysFromCivil = ____windows.daysFromCivil
--- Windows whose bounds depend on the calendar (and zone); the others are fixed lengths from the epoch.
function ____exports.isCalendarWindow(window)
    -- plugins/core/calendar.ts:22
    return window == "day" or window == "week" or window == "month" or window == "year"
end
--- Whether a billing anchor moves this window's periods.
function ____exports.isAnchoredWindow(window)
    -- plugins/core/calendar.ts:27
    return window == "month" or window == "year"
end
--- Upper bound of a calendar window's length in seconds: 31 days for a month, … on UTC;
-- with a zone, plus the hour a daylight-saving change can add (Lord Howe's half hour fits).
function ____exports.longestPeriod(zone, window)
    -- plugins/core/calendar.ts:35
    local shift = zone == nil and 0 or 3600
    if window == "day" then
        return 86400 + shift
    end
    if window == "week" then
        return 7 * 86400 + shift
    end
    if window == "month" then
        return 31 * 86400 + shift
    end
    return 366 * 86400 + shift
end
local function floorMod(a, b)
    -- plugins/core/calendar.ts:43
    return (a % b + b) % b
end
--- The local day number (days since 1970-01-01 on the zone's clock) that starts at local midnight `day`.
local function dayStart(zone, day)
    -- plugins/core/calendar.ts:48
    return instantOfLocal(zone, day * 86400)
end
--- The local day number of the period of `window` numbered `index` from the epoch's (day, week, month, year).
local function firstDayOf(window, index)
    -- plugins/core/calendar.ts:53
    if window == "day" then
        return index
    end
    if window == "week" then
        return index * 7 - 3
    end
    if window == "month" then
        local year = 1970 + math.floor(index / 12)
        return daysFromCivil(
            year,
            floorMod(index, 12) + 1,
            1
        )
    end
    return daysFromCivil(1970 + index, 1, 1)
end
--- The index (see firstDayOf) of the calendar period of `window` holding local day `day`.
local function periodIndex(window, day)
    -- plugins/core/calendar.ts:65
    if window == "day" then
        return day
    end
    if window == "week" then
        return math.floor((day + 3) / 7)
    end
    local ____civilFromDays_result_0 = civilFromDays(day)
    local year = ____civilFromDays_result_0.year
    local month = ____civilFromDays_result_0.month
    if window == "month" then
        return (year - 1970) * 12 + month - 1
    end
    return year - 1970
end
function ____exports.localAnchor(zone, instant)
    -- plugins/core/calendar.ts:85
    local second = math.floor(instant)
    local ____local = second + offsetAt(zone, second)
    local days = math.floor(____local / 86400)
    local ____civilFromDays_result_1 = civilFromDays(days)
    local year = ____civilFromDays_result_1.year
    local month = ____civilFromDays_result_1.month
    return {
        instant = second,
        year = year,
        month = month,
        day = days - daysFromCivil(year, month, 1) + 1,
        secondOfDay = ____local - days * 86400
    }
end
--- Start of the anchored period `index` (months, or years when `yearly`) after the anchor's: day clamped to the month's length.
local function anchoredStart(zone, anchor, index, yearly)
    -- plugins/core/calendar.ts:94
    local months = anchor.year * 12 + anchor.month - 1 + (yearly and index * 12 or index)
    local year = math.floor(months / 12)
    local month = floorMod(months, 12) + 1
    local length = daysInMonth(year, month)
    local day = anchor.day < length and anchor.day or length
    return instantOfLocal(
        zone,
        daysFromCivil(year, month, day) * 86400 + anchor.secondOfDay
    )
end
local function anchoredBounds(zone, anchor, yearly, second)
    -- plugins/core/calendar.ts:103
    local ____local = second + offsetAt(zone, second)
    local ____civilFromDays_result_2 = civilFromDays(math.floor(____local / 86400))
    local year = ____civilFromDays_result_2.year
    local month = ____civilFromDays_result_2.month
    local monthsSince = year * 12 + month - (anchor.year * 12 + anchor.month)
    local index = yearly and math.floor(monthsSince / 12) or monthsSince
    local start = anchoredStart(zone, anchor, index, yearly)
    while start > second do
        index = index - 1
        start = anchoredStart(zone, anchor, index, yearly)
    end
    local ____end = anchoredStart(zone, anchor, index + 1, yearly)
    while ____end <= second do
        index = index + 1
        start = ____end
        ____end = anchoredStart(zone, anchor, index + 1, yearly)
    end
    return {start = start, ["end"] = ____end}
end
--- The period of calendar window `window` (day, week, month, year) that contains `now`
-- on `zone`'s clock; month and year run on `anchor` when one is given.
function ____exports.calendarBounds(zone, window, now, anchor)
    -- plugins/core/calendar.ts:127
    local second = math.floor(now)
    if anchor ~= nil and ____exports.isAnchoredWindow(window) then
        return anchoredBounds(zone, anchor, window == "year", second)
    end
    local day = math.floor((second + offsetAt(zone, second)) / 86400)
    local index = periodIndex(window, day)
    local start = dayStart(
        zone,
        firstDayOf(window, index)
    )
    while start > second do
        index = index - 1
        start = dayStart(
            zone,
            firstDayOf(window, index)
        )
    end
    local ____end = dayStart(
        zone,
        firstDayOf(window, index + 1)
    )
    while ____end <= second do
        index = index + 1
        start = ____end
        ____end = dayStart(
            zone,
            firstDayOf(window, index + 1)
        )
    end
    return {start = start, ["end"] = ____end}
end
return ____exports
