local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__Number = ____lualib.__TS__Number
local __TS__StringSplit = ____lualib.__TS__StringSplit
local ____exports = {}
--- Parsers the constraint operators need, written without RegExp or Date so that
-- Node and LuaJIT read a value the same way: semantic versions (semver 2.0.0,
-- strict, no leading "v"), ISO 8601 timestamps, and decimal numbers.
local function isDigit(c)
    -- plugins/feature-toggle/parse.ts:7
    return c >= "0" and c <= "9"
end
local function isSpace(c)
    -- plugins/feature-toggle/parse.ts:11
    return c == " " or c == "\t" or c == "\n" or c == "\r" or c == "\f" or c == "\v"
end
function ____exports.trim(s)
    -- plugins/feature-toggle/parse.ts:15
    local first = 0
    local last = #s
    while first < last and isSpace(__TS__StringCharAt(s, first)) do
        first = first + 1
    end
    while last > first and isSpace(__TS__StringCharAt(s, last - 1)) do
        last = last - 1
    end
    return first == 0 and last == #s and s or __TS__StringSubstring(s, first, last)
end
--- Splits on `separator` (one character), trimming each part.
function ____exports.splitTrimmed(s, separator)
    -- plugins/feature-toggle/parse.ts:24
    local parts = {}
    local start = 0
    do
        local i = 0
        while i <= #s do
            if i == #s or __TS__StringCharAt(s, i) == separator then
                parts[#parts + 1] = ____exports.trim(__TS__StringSubstring(s, start, i))
                start = i + 1
            end
            i = i + 1
        end
    end
    return parts
end
local function allDigits(s)
    -- plugins/feature-toggle/parse.ts:36
    if #s == 0 then
        return false
    end
    do
        local i = 0
        while i < #s do
            if not isDigit(__TS__StringCharAt(s, i)) then
                return false
            end
            i = i + 1
        end
    end
    return true
end
--- A number written in decimal: [+-]digits[.digits][e[+-]digits] (surrounding spaces allowed); else undefined.
function ____exports.parseDecimal(text)
    -- plugins/feature-toggle/parse.ts:43
    local s = ____exports.trim(text)
    local i = 0
    local n = #s
    if i < n and (__TS__StringCharAt(s, i) == "+" or __TS__StringCharAt(s, i) == "-") then
        i = i + 1
    end
    local digits = 0
    while i < n and isDigit(__TS__StringCharAt(s, i)) do
        i = i + 1
        digits = digits + 1
    end
    if i < n and __TS__StringCharAt(s, i) == "." then
        i = i + 1
        while i < n and isDigit(__TS__StringCharAt(s, i)) do
            i = i + 1
            digits = digits + 1
        end
    end
    if digits == 0 then
        return nil
    end
    if i < n and (__TS__StringCharAt(s, i) == "e" or __TS__StringCharAt(s, i) == "E") then
        i = i + 1
        if i < n and (__TS__StringCharAt(s, i) == "+" or __TS__StringCharAt(s, i) == "-") then
            i = i + 1
        end
        local exponentDigits = 0
        while i < n and isDigit(__TS__StringCharAt(s, i)) do
            i = i + 1
            exponentDigits = exponentDigits + 1
        end
        if exponentDigits == 0 then
            return nil
        end
    end
    if i ~= n then
        return nil
    end
    return __TS__Number(s)
end
local function numericIdentifier(s)
    -- plugins/feature-toggle/parse.ts:83
    return allDigits(s) and (#s == 1 or string.sub(s, 1, 1) ~= "0")
end
local function validIdentifier(s, numericMustBeCanonical)
    -- plugins/feature-toggle/parse.ts:87
    if #s == 0 then
        return false
    end
    do
        local i = 0
        while i < #s do
            local c = __TS__StringCharAt(s, i)
            if not (isDigit(c) or c >= "a" and c <= "z" or c >= "A" and c <= "Z" or c == "-") then
                return false
            end
            i = i + 1
        end
    end
    return not numericMustBeCanonical or not allDigits(s) or numericIdentifier(s)
end
--- A strict semver 2.0.0 version ("1.2.3", "2.0.0-alpha.1+build.5"), else undefined.
function ____exports.parseSemver(text)
    -- plugins/feature-toggle/parse.ts:97
    local s = ____exports.trim(text)
    local plus = (string.find(s, "+", nil, true) or 0) - 1
    if plus >= 0 then
        local build = __TS__StringSubstring(s, plus + 1)
        for ____, id in ipairs(__TS__StringSplit(build, ".")) do
            if not validIdentifier(id, false) then
                return nil
            end
        end
        s = __TS__StringSubstring(s, 0, plus)
    end
    local pre = {}
    local dash = (string.find(s, "-", nil, true) or 0) - 1
    if dash >= 0 then
        pre = __TS__StringSplit(
            __TS__StringSubstring(s, dash + 1),
            "."
        )
        for ____, id in ipairs(pre) do
            if not validIdentifier(id, true) then
                return nil
            end
        end
        s = __TS__StringSubstring(s, 0, dash)
    end
    local core = __TS__StringSplit(s, ".")
    if #core ~= 3 then
        return nil
    end
    for ____, part in ipairs(core) do
        if not numericIdentifier(part) then
            return nil
        end
    end
    return {
        major = __TS__Number(core[1]),
        minor = __TS__Number(core[2]),
        patch = __TS__Number(core[3]),
        pre = pre
    }
end
local function compareIdentifiers(a, b)
    -- plugins/feature-toggle/parse.ts:118
    local aNumeric = allDigits(a)
    local bNumeric = allDigits(b)
    if aNumeric and bNumeric then
        local x = __TS__Number(a)
        local y = __TS__Number(b)
        return x < y and -1 or (x > y and 1 or 0)
    end
    if aNumeric then
        return -1
    end
    if bNumeric then
        return 1
    end
    return a < b and -1 or (a > b and 1 or 0)
end
--- Semver precedence: -1, 0 or 1.
function ____exports.compareSemver(a, b)
    -- plugins/feature-toggle/parse.ts:132
    if a.major ~= b.major then
        return a.major < b.major and -1 or 1
    end
    if a.minor ~= b.minor then
        return a.minor < b.minor and -1 or 1
    end
    if a.patch ~= b.patch then
        return a.patch < b.patch and -1 or 1
    end
    if #a.pre == 0 and #b.pre == 0 then
        return 0
    end
    if #a.pre == 0 then
        return 1
    end
    if #b.pre == 0 then
        return -1
    end
    do
        local i = 0
        while i < #a.pre and i < #b.pre do
            local c = compareIdentifiers(a.pre[i + 1], b.pre[i + 1])
            if c ~= 0 then
                return c
            end
            i = i + 1
        end
    end
    return #a.pre == #b.pre and 0 or (#a.pre < #b.pre and -1 or 1)
end
--- Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
local function daysFromCivil(year, month, day)
    -- plugins/feature-toggle/parse.ts:147
    local y = month <= 2 and year - 1 or year
    local era = math.floor(y / 400)
    local yoe = y - era * 400
    local mp = (month + 9) % 12
    local doy = math.floor((153 * mp + 2) / 5) + day - 1
    local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
    return era * 146097 + doe - 719468
end
local function fixedDigits(s, at, count)
    -- plugins/feature-toggle/parse.ts:157
    if at + count > #s then
        return nil
    end
    local part = __TS__StringSubstring(s, at, at + count)
    return allDigits(part) and __TS__Number(part) or nil
end
--- Milliseconds since the epoch of an ISO 8601 timestamp: "2024-05-01",
-- "2024-05-01T10:00", "2024-05-01T10:00:00.123Z", "…+02:00". A time without an offset
-- is read as UTC (gateways run in UTC; JavaScript would use the local zone). Else undefined.
function ____exports.parseIsoTime(text)
    -- plugins/feature-toggle/parse.ts:168
    local s = ____exports.trim(text)
    local year = fixedDigits(s, 0, 4)
    local month = fixedDigits(s, 5, 2)
    local day = fixedDigits(s, 8, 2)
    if year == nil or month == nil or day == nil then
        return nil
    end
    if string.sub(s, 5, 5) ~= "-" or string.sub(s, 8, 8) ~= "-" or month < 1 or month > 12 or day < 1 or day > 31 then
        return nil
    end
    local ms = daysFromCivil(year, month, day) * 86400000
    if #s == 10 then
        return ms
    end
    local t = string.sub(s, 11, 11)
    if t ~= "T" and t ~= "t" and t ~= " " then
        return nil
    end
    local hour = fixedDigits(s, 11, 2)
    local minute = fixedDigits(s, 14, 2)
    if hour == nil or minute == nil or string.sub(s, 14, 14) ~= ":" or hour > 24 or minute > 59 then
        return nil
    end
    ms = ms + (hour * 3600000 + minute * 60000)
    local i = 16
    if __TS__StringCharAt(s, i) == ":" then
        local second = fixedDigits(s, i + 1, 2)
        if second == nil or second > 60 then
            return nil
        end
        ms = ms + second * 1000
        i = i + 3
        if __TS__StringCharAt(s, i) == "." or __TS__StringCharAt(s, i) == "," then
            i = i + 1
            local fraction = ""
            while i < #s and isDigit(__TS__StringCharAt(s, i)) do
                fraction = fraction .. __TS__StringCharAt(s, i)
                i = i + 1
            end
            if #fraction == 0 then
                return nil
            end
            ms = ms + math.floor(__TS__Number("0." .. fraction) * 1000 + 0.5)
        end
    end
    if i == #s then
        return ms
    end
    local zone = __TS__StringCharAt(s, i)
    if (zone == "Z" or zone == "z") and i + 1 == #s then
        return ms
    end
    if zone ~= "+" and zone ~= "-" then
        return nil
    end
    local offsetHours = fixedDigits(s, i + 1, 2)
    local offsetMinutes = 0
    local ____end = i + 3
    if __TS__StringCharAt(s, ____end) == ":" then
        offsetMinutes = fixedDigits(s, ____end + 1, 2)
        ____end = ____end + 3
    elseif ____end < #s then
        offsetMinutes = fixedDigits(s, ____end, 2)
        ____end = ____end + 2
    end
    if offsetHours == nil or offsetMinutes == nil or ____end ~= #s then
        return nil
    end
    local offset = (offsetHours * 60 + offsetMinutes) * 60000
    return zone == "+" and ms - offset or ms + offset
end
return ____exports
