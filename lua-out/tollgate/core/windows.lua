--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Every window, shortest first: the order limits are checked and reported in.
____exports.WINDOW_NAMES = {
    "second",
    "minute",
    "hour",
    "day",
    "week",
    "month",
    "year"
}
--- Length in seconds of a window of fixed length from the epoch; 0 for week, month and year (calendar-aligned).
function ____exports.fixedWindowLength(name)
    -- plugins/core/windows.ts:18
    if name == "second" then
        return 1
    end
    if name == "minute" then
        return 60
    end
    if name == "hour" then
        return 3600
    end
    if name == "day" then
        return 86400
    end
    return 0
end
--- Days since 1970-01-01 of a civil date (proleptic Gregorian); month 1–12.
function ____exports.daysFromCivil(year, month, day)
    -- plugins/core/windows.ts:34
    local y = month <= 2 and year - 1 or year
    local era = math.floor(y / 400)
    local yearOfEra = y - era * 400
    local shiftedMonth = month > 2 and month - 3 or month + 9
    local dayOfYear = math.floor((153 * shiftedMonth + 2) / 5) + day - 1
    local dayOfEra = yearOfEra * 365 + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100) + dayOfYear
    return era * 146097 + dayOfEra - 719468
end
--- Civil year and month (1–12) of a day count since 1970-01-01.
function ____exports.civilFromDays(days)
    -- plugins/core/windows.ts:45
    local z = days + 719468
    local era = math.floor(z / 146097)
    local dayOfEra = z - era * 146097
    local yearOfEra = math.floor((dayOfEra - math.floor(dayOfEra / 1460) + math.floor(dayOfEra / 36524) - math.floor(dayOfEra / 146096)) / 365)
    local dayOfYear = dayOfEra - (365 * yearOfEra + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100))
    local shiftedMonth = math.floor((5 * dayOfYear + 2) / 153)
    local month = shiftedMonth < 10 and shiftedMonth + 3 or shiftedMonth - 9
    local year = yearOfEra + era * 400 + (month <= 2 and 1 or 0)
    return {year = year, month = month}
end
--- The window of kind `name` that contains `now` (epoch seconds, fractions allowed).
function ____exports.windowBounds(name, now)
    -- plugins/core/windows.ts:60
    local second = math.floor(now)
    if name == "week" then
        local days = math.floor(second / 86400)
        local start = (days - ((days + 3) % 7 + 7) % 7) * 86400
        return {start = start, ["end"] = start + 7 * 86400}
    end
    if name == "year" then
        local ____exports_civilFromDays_result_0 = ____exports.civilFromDays(math.floor(second / 86400))
        local year = ____exports_civilFromDays_result_0.year
        return {
            start = ____exports.daysFromCivil(year, 1, 1) * 86400,
            ["end"] = ____exports.daysFromCivil(year + 1, 1, 1) * 86400
        }
    end
    if name == "month" then
        local ____exports_civilFromDays_result_1 = ____exports.civilFromDays(math.floor(second / 86400))
        local year = ____exports_civilFromDays_result_1.year
        local month = ____exports_civilFromDays_result_1.month
        local start = ____exports.daysFromCivil(year, month, 1) * 86400
        local ____end = month == 12 and ____exports.daysFromCivil(year + 1, 1, 1) * 86400 or ____exports.daysFromCivil(year, month + 1, 1) * 86400
        return {start = start, ["end"] = ____end}
    end
    local length = ____exports.fixedWindowLength(name)
    local start = second - second % length
    return {start = start, ["end"] = start + length}
end
return ____exports
