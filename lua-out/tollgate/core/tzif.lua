local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local digits, abbreviation, hms, ruleDate
local ____windows = require("tollgate.core.windows")
local daysFromCivil = ____windows.daysFromCivil
function digits(c)
    -- plugins/core/tzif.ts:134
    local from = c.at
    while c.at < #c.text do
        local code = __TS__StringCharCodeAt(c.text, c.at)
        if code < 48 or code > 57 then
            break
        end
        c.at = c.at + 1
    end
    local ____temp_0
    if c.at == from then
        ____temp_0 = nil
    else
        ____temp_0 = __TS__Number(__TS__StringSubstring(c.text, from, c.at))
    end
    return ____temp_0
end
function abbreviation(c)
    -- plugins/core/tzif.ts:145
    if __TS__StringCharAt(c.text, c.at) == "<" then
        local close = (string.find(
            c.text,
            ">",
            math.max(c.at + 1, 1),
            true
        ) or 0) - 1
        if close == -1 then
            return false
        end
        c.at = close + 1
        return true
    end
    local from = c.at
    while c.at < #c.text do
        local ch = __TS__StringCharAt(c.text, c.at)
        if not (ch >= "A" and ch <= "Z" or ch >= "a" and ch <= "z") then
            break
        end
        c.at = c.at + 1
    end
    return c.at - from >= 3
end
function hms(c)
    -- plugins/core/tzif.ts:162
    local sign = 1
    local ch = __TS__StringCharAt(c.text, c.at)
    if ch == "+" or ch == "-" then
        if ch == "-" then
            sign = -1
        end
        c.at = c.at + 1
    end
    local hours = digits(c)
    if hours == nil or hours > 167 then
        return nil
    end
    local seconds = hours * 3600
    for ____, unit in ipairs({60, 1}) do
        if __TS__StringCharAt(c.text, c.at) ~= ":" then
            break
        end
        c.at = c.at + 1
        local part = digits(c)
        if part == nil or part > 59 then
            return nil
        end
        seconds = seconds + part * unit
    end
    return sign * seconds
end
function ruleDate(c)
    -- plugins/core/tzif.ts:182
    local date = {
        kind = "N",
        month = 0,
        week = 0,
        weekday = 0,
        day = 0,
        time = 7200
    }
    local ch = __TS__StringCharAt(c.text, c.at)
    if ch == "M" then
        c.at = c.at + 1
        local month = digits(c)
        if month == nil or month < 1 or month > 12 or __TS__StringCharAt(c.text, c.at) ~= "." then
            return nil
        end
        c.at = c.at + 1
        local week = digits(c)
        if week == nil or week < 1 or week > 5 or __TS__StringCharAt(c.text, c.at) ~= "." then
            return nil
        end
        c.at = c.at + 1
        local weekday = digits(c)
        if weekday == nil or weekday > 6 then
            return nil
        end
        date.kind = "M"
        date.month = month
        date.week = week
        date.weekday = weekday
    else
        if ch == "J" then
            c.at = c.at + 1
            date.kind = "J"
        end
        local day = digits(c)
        if day == nil or day > 365 or date.kind == "J" and day < 1 then
            return nil
        end
        date.day = day
    end
    if __TS__StringCharAt(c.text, c.at) == "/" then
        c.at = c.at + 1
        local time = hms(c)
        if time == nil then
            return nil
        end
        date.time = time
    end
    return date
end
--- A POSIX TZ string's rule, or undefined when it is not one (RFC 8536 section 3.3.1 extensions included).
function ____exports.parsePosixTz(text)
    -- plugins/core/tzif.ts:218
    local c = {text = text, at = 0}
    if not abbreviation(c) then
        return nil
    end
    local std = hms(c)
    if std == nil then
        return nil
    end
    local rule = {std = -std}
    if c.at == #text then
        return rule
    end
    if not abbreviation(c) then
        return nil
    end
    rule.dst = rule.std + 3600
    local next = __TS__StringCharAt(text, c.at)
    if next ~= "," and c.at < #text then
        local dst = hms(c)
        if dst == nil then
            return nil
        end
        rule.dst = -dst
    end
    if c.at == #text then
        return ____exports.parsePosixTz(text .. ",M3.2.0,M11.1.0")
    end
    if __TS__StringCharAt(text, c.at) ~= "," then
        return nil
    end
    c.at = c.at + 1
    local start = ruleDate(c)
    if start == nil or __TS__StringCharAt(text, c.at) ~= "," then
        return nil
    end
    c.at = c.at + 1
    local ____end = ruleDate(c)
    if ____end == nil or c.at ~= #text then
        return nil
    end
    rule.start = start
    rule["end"] = ____end
    return rule
end
local TWO_32 = 4294967296
local function u8(bytes, at)
    -- plugins/core/tzif.ts:46
    return __TS__StringCharCodeAt(bytes, at)
end
local function u32(bytes, at)
    -- plugins/core/tzif.ts:50
    return ((u8(bytes, at) * 256 + u8(bytes, at + 1)) * 256 + u8(bytes, at + 2)) * 256 + u8(bytes, at + 3)
end
local function i32(bytes, at)
    -- plugins/core/tzif.ts:54
    local value = u32(bytes, at)
    return value >= 2147483648 and value - TWO_32 or value
end
--- A big-endian two's-complement 64-bit integer; exact for tzdata's values (|t| < 2^53).
local function i64(bytes, at)
    -- plugins/core/tzif.ts:60
    return i32(bytes, at) * TWO_32 + u32(bytes, at + 4)
end
local function header(bytes, at)
    -- plugins/core/tzif.ts:74
    if #bytes < at + 44 or __TS__StringSubstring(bytes, at, at + 4) ~= "TZif" then
        return nil
    end
    local v = u8(bytes, at + 4)
    return {
        version = v == 0 and 1 or v - 48,
        isutcnt = u32(bytes, at + 20),
        isstdcnt = u32(bytes, at + 24),
        leapcnt = u32(bytes, at + 28),
        timecnt = u32(bytes, at + 32),
        typecnt = u32(bytes, at + 36),
        charcnt = u32(bytes, at + 40)
    }
end
local function blockLength(h, timeSize)
    -- plugins/core/tzif.ts:88
    return h.timecnt * timeSize + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt
end
--- A TZif file's rules, or a sentence saying why the bytes are not one (version 1 files included: they lack 64-bit data).
function ____exports.parseTzif(bytes)
    -- plugins/core/tzif.ts:93
    local first = header(bytes, 0)
    if first == nil then
        return "not a TZif file"
    end
    if first.version < 2 then
        return "TZif version 1 (no 64-bit data)"
    end
    local at = 44 + blockLength(first, 4)
    local h = header(bytes, at)
    if h == nil then
        return "TZif file without its version 2 header"
    end
    local data = at + 44
    local ____end = data + blockLength(h, 8)
    if h.typecnt == 0 or #bytes < ____end then
        return "TZif file is truncated"
    end
    local typeAt = data + h.timecnt * 9
    local typeOffsets = {}
    do
        local i = 0
        while i < h.typecnt do
            typeOffsets[#typeOffsets + 1] = i32(bytes, typeAt + i * 6)
            i = i + 1
        end
    end
    local times = {}
    local offsets = {}
    do
        local i = 0
        while i < h.timecnt do
            local ____type = u8(bytes, data + h.timecnt * 8 + i)
            if ____type >= h.typecnt then
                return "TZif transition names a missing type"
            end
            times[#times + 1] = i64(bytes, data + i * 8)
            offsets[#offsets + 1] = typeOffsets[____type + 1]
            i = i + 1
        end
    end
    local zone = {times = times, offsets = offsets, initial = typeOffsets[1]}
    if __TS__StringCharAt(bytes, ____end) == "\n" then
        local close = (string.find(
            bytes,
            "\n",
            math.max(____end + 1 + 1, 1),
            true
        ) or 0) - 1
        local text = close == -1 and "" or __TS__StringSubstring(bytes, ____end + 1, close)
        if text ~= "" then
            local rule = ____exports.parsePosixTz(text)
            if rule == nil then
                return "TZif footer '" .. text .. "' is not a POSIX TZ string"
            end
            zone.rule = rule
        end
    end
    return zone
end
local function isLeap(year)
    -- plugins/core/tzif.ts:250
    return year % 4 == 0 and year % 100 ~= 0 or year % 400 == 0
end
local MONTH_DAYS = {
    31,
    28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31
}
--- Days in a civil month (1–12).
function ____exports.daysInMonth(year, month)
    -- plugins/core/tzif.ts:257
    return month == 2 and isLeap(year) and 29 or MONTH_DAYS[month]
end
--- Local seconds (epoch-based wall clock) at which a rule date falls in `year`.
local function ruleLocalTime(date, year)
    -- plugins/core/tzif.ts:262
    local days
    if date.kind == "M" then
        local first = daysFromCivil(year, date.month, 1)
        local firstWeekday = ((first + 4) % 7 + 7) % 7
        local day = 1 + (date.weekday - firstWeekday + 7) % 7 + (date.week - 1) * 7
        local length = ____exports.daysInMonth(year, date.month)
        while day > length do
            day = day - 7
        end
        days = first + day - 1
    elseif date.kind == "J" then
        days = daysFromCivil(year, 1, 1) + date.day - 1 + (isLeap(year) and date.day >= 60 and 1 or 0)
    else
        days = daysFromCivil(year, 1, 1) + date.day
    end
    return days * 86400 + date.time
end
--- The civil year of local seconds.
local function yearOf(localSeconds)
    -- plugins/core/tzif.ts:281
    local year = 1970 + math.floor(localSeconds / 31556952)
    if daysFromCivil(year, 1, 1) * 86400 > localSeconds then
        year = year - 1
    elseif daysFromCivil(year + 1, 1, 1) * 86400 <= localSeconds then
        year = year + 1
    end
    return year
end
local function ruleOffset(rule, t)
    -- plugins/core/tzif.ts:289
    local dst = rule.dst
    local start = rule.start
    local ____end = rule["end"]
    if dst == nil or start == nil or ____end == nil then
        return rule.std
    end
    local year = yearOf(t + rule.std)
    local from = ruleLocalTime(start, year) - rule.std
    local ____until = ruleLocalTime(____end, year) - dst
    if from < ____until then
        return t >= from and t < ____until and dst or rule.std
    end
    return t >= ____until and t < from and rule.std or dst
end
--- UT offset (seconds east) in `zone` at instant `t` (epoch seconds); undefined zone: UTC.
function ____exports.offsetAt(zone, t)
    -- plugins/core/tzif.ts:304
    if zone == nil then
        return 0
    end
    local times = zone.times
    local count = #times
    if count == 0 or t < times[1] then
        if count == 0 and zone.rule ~= nil then
            return ruleOffset(zone.rule, t)
        end
        return zone.initial
    end
    if t >= times[count] then
        return zone.rule ~= nil and ruleOffset(zone.rule, t) or zone.offsets[count]
    end
    local low = 0
    local high = count - 1
    while high - low > 1 do
        local middle = math.floor((low + high) / 2)
        if times[middle + 1] <= t then
            low = middle
        else
            high = middle
        end
    end
    return zone.offsets[low + 1]
end
--- The first instant at which the local clock of `zone` reads `local` (epoch-based wall
-- seconds) or later: the instant itself normally; the earlier one when the clock passes
-- `local` twice (a fall-back overlap); the end of the gap when it skips it (spring
-- forward). Offsets near `local` are read a day either side: tzdata has no two
-- transitions less than two days apart in the zones in use today.
function ____exports.instantOfLocal(zone, ____local)
    -- plugins/core/tzif.ts:331
    if zone == nil then
        return ____local
    end
    local before = ____exports.offsetAt(zone, ____local - 86400)
    local after = ____exports.offsetAt(zone, ____local + 86400)
    local early = ____local - before
    local late = ____local - after
    local earlyFits = ____exports.offsetAt(zone, early) == before
    local lateFits = ____exports.offsetAt(zone, late) == after
    if earlyFits and lateFits then
        return early < late and early or late
    end
    if earlyFits then
        return early
    end
    if lateFits then
        return late
    end
    local low = late < early and late or early
    local high = late < early and early or late
    local lowOffset = ____exports.offsetAt(zone, low)
    while high - low > 1 do
        local middle = math.floor((low + high) / 2)
        if ____exports.offsetAt(zone, middle) == lowOffset then
            low = middle
        else
            high = middle
        end
    end
    return high
end
return ____exports
