local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringTrim = ____lualib.__TS__StringTrim
local __TS__Number = ____lualib.__TS__Number
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__StringStartsWith = ____lualib.__TS__StringStartsWith
local __TS__StringSplit = ____lualib.__TS__StringSplit
local __TS__StringIncludes = ____lualib.__TS__StringIncludes
local ____exports = {}
local skipEvent
local ____digits = require("tollgate.core.digits")
local isDigit = ____digits.isAsciiDigit
function skipEvent(reader)
    -- plugins/core/usage-cost.ts:262
    reader.parts = {}
    reader.held = 0
    reader.skipping = true
    if reader.units == nil then
        reader.problem = "oversize"
    end
end
--- Largest cost taken from an upstream (tier-limit's largest limit).
____exports.MAX_UNITS = 1000000000
--- A number's text as an upstream sent it, checked: whole units (a fraction is rounded up).
local function unitsOf(value, negative)
    -- plugins/core/usage-cost.ts:35
    if value == nil then
        return {problem = "not_a_number"}
    end
    if negative and value ~= 0 then
        return {problem = "negative"}
    end
    local units = math.ceil(value)
    if units > ____exports.MAX_UNITS then
        return {problem = "too_large"}
    end
    return {units = units}
end
--- The end (exclusive) of a JSON number starting at `at`, or -1 when none starts there.
-- Strict JSON grammar, so Number() and Lua's tonumber agree on every text accepted.
local function numberEnd(text, at)
    -- plugins/core/usage-cost.ts:47
    local i = at
    if __TS__StringCharCodeAt(text, i) == 45 then
        i = i + 1
    end
    local digits = i
    while isDigit(__TS__StringCharCodeAt(text, i)) do
        i = i + 1
    end
    if i == digits then
        return -1
    end
    if __TS__StringCharCodeAt(text, i) == 46 then
        i = i + 1
        local fraction = i
        while isDigit(__TS__StringCharCodeAt(text, i)) do
            i = i + 1
        end
        if i == fraction then
            return -1
        end
    end
    local e = __TS__StringCharCodeAt(text, i)
    if e == 101 or e == 69 then
        i = i + 1
        local sign = __TS__StringCharCodeAt(text, i)
        if sign == 43 or sign == 45 then
            i = i + 1
        end
        local exponent = i
        while isDigit(__TS__StringCharCodeAt(text, i)) do
            i = i + 1
        end
        if i == exponent then
            return -1
        end
    end
    return i
end
--- A header's cost: a non-negative decimal number, spaces around allowed.
function ____exports.costFromHeader(value)
    -- plugins/core/usage-cost.ts:73
    if value == nil then
        return {problem = "missing"}
    end
    local text = __TS__StringTrim(value)
    if text == "" then
        return {problem = "missing"}
    end
    local ____end = numberEnd(text, 0)
    if ____end ~= #text then
        return {problem = "not_a_number"}
    end
    return unitsOf(
        __TS__Number(text),
        (string.byte(text, 1) or 0 / 0) == 45
    )
end
local function skipSpace(text, at)
    -- plugins/core/usage-cost.ts:82
    local i = at
    do
        while true do
            local c = __TS__StringCharCodeAt(text, i)
            if c ~= 32 and c ~= 10 and c ~= 13 and c ~= 9 then
                return i
            end
            i = i + 1
        end
    end
end
--- The index after the string whose opening quote is at `at`, or -1 when it is not closed.
local function stringEnd(text, at)
    -- plugins/core/usage-cost.ts:92
    local i = at + 1
    do
        while true do
            local quote = (string.find(
                text,
                "\"",
                math.max(i + 1, 1),
                true
            ) or 0) - 1
            if quote == -1 then
                return -1
            end
            local slashes = 0
            while __TS__StringCharCodeAt(text, quote - 1 - slashes) == 92 do
                slashes = slashes + 1
            end
            if slashes % 2 == 0 then
                return quote + 1
            end
            i = quote + 1
        end
    end
end
--- The index after the JSON value at `at` (objects and arrays by bracket depth), or -1.
local function valueEnd(text, at)
    -- plugins/core/usage-cost.ts:106
    local first = __TS__StringCharCodeAt(text, at)
    if first == 34 then
        return stringEnd(text, at)
    end
    if first ~= 123 and first ~= 91 then
        local i = at
        do
            while true do
                local c = __TS__StringCharCodeAt(text, i)
                if c ~= c or c == 44 or c == 125 or c == 93 or c == 32 or c == 10 or c == 13 or c == 9 then
                    break
                end
                i = i + 1
            end
        end
        return i > at and i or -1
    end
    local depth = 0
    local i = at
    do
        while true do
            do
                local c = __TS__StringCharCodeAt(text, i)
                if c ~= c then
                    return -1
                end
                if c == 34 then
                    i = stringEnd(text, i)
                    if i == -1 then
                        return -1
                    end
                    goto __continue38
                end
                if c == 123 or c == 91 then
                    depth = depth + 1
                elseif c == 125 or c == 93 then
                    depth = depth - 1
                    if depth == 0 then
                        return i + 1
                    end
                end
                i = i + 1
            end
            ::__continue38::
        end
    end
end
--- The reading of the number at `path` (object keys) in the JSON text from `at`:
-- "missing" when a key is absent or a value on the way is not an object (OpenAI's
-- `"usage": null` in a stream's earlier chunks), "not_json" when the text breaks off.
local function readPath(text, at, path, depth)
    -- plugins/core/usage-cost.ts:143
    local i = skipSpace(text, at)
    if __TS__StringCharCodeAt(text, i) ~= 123 then
        return {problem = depth == 0 and "not_json" or "missing"}
    end
    i = skipSpace(text, i + 1)
    if __TS__StringCharCodeAt(text, i) == 125 then
        return {problem = "missing"}
    end
    local wanted = "\"" .. tostring(path[depth + 1]) .. "\""
    do
        while true do
            if __TS__StringCharCodeAt(text, i) ~= 34 then
                return {problem = "not_json"}
            end
            local keyEnd = stringEnd(text, i)
            if keyEnd == -1 then
                return {problem = "not_json"}
            end
            local matches = keyEnd - i == #wanted and __TS__StringSubstring(text, i, keyEnd) == wanted
            i = skipSpace(text, keyEnd)
            if __TS__StringCharCodeAt(text, i) ~= 58 then
                return {problem = "not_json"}
            end
            i = skipSpace(text, i + 1)
            if matches then
                if depth + 1 < #path then
                    return readPath(text, i, path, depth + 1)
                end
                local ____end = numberEnd(text, i)
                if ____end == -1 then
                    return {problem = __TS__StringStartsWith(text, "null", i) and "missing" or "not_a_number"}
                end
                return unitsOf(
                    __TS__Number(__TS__StringSubstring(text, i, ____end)),
                    __TS__StringCharCodeAt(text, i) == 45
                )
            end
            local ____end = valueEnd(text, i)
            if ____end == -1 then
                return {problem = "not_json"}
            end
            i = skipSpace(text, ____end)
            local c = __TS__StringCharCodeAt(text, i)
            if c == 125 then
                return {problem = "missing"}
            end
            if c ~= 44 then
                return {problem = "not_json"}
            end
            i = skipSpace(text, i + 1)
        end
    end
end
--- The number at a dotted path (`usage.total_tokens`) of a JSON document.
function ____exports.costFromJson(text, path)
    -- plugins/core/usage-cost.ts:174
    return readPath(
        text,
        0,
        __TS__StringSplit(path, "."),
        0
    )
end
--- A reader for a response with these Content-Type and Content-Encoding headers: SSE for
-- text/event-stream, JSON for a JSON type or none; other types are not read. A
-- compressed body cannot be read (nginx passes the upstream's bytes as they are).
function ____exports.newCostReader(spec, contentType, contentEncoding)
    -- plugins/core/usage-cost.ts:209
    local encoded = contentEncoding ~= nil and contentEncoding ~= "" and string.lower(contentEncoding) ~= "identity"
    local ____type = contentType == nil and "" or string.lower(contentType)
    local sse = __TS__StringIncludes(____type, "text/event-stream")
    local other = not sse and ____type ~= "" and not __TS__StringIncludes(____type, "json")
    return {
        path = __TS__StringSplit(spec.path, "."),
        maxBytes = spec.maxBytes,
        mode = (encoded or other) and "off" or (sse and "sse" or "json"),
        parts = {},
        held = 0,
        line = "",
        skipping = false,
        problem = encoded and not other and "compressed" or nil
    }
end
--- Reads one SSE event's data (its `data:` lines joined by newlines).
local function readEvent(reader)
    -- plugins/core/usage-cost.ts:228
    local count = #reader.parts
    if count == 0 then
        return
    end
    local data = table.concat(reader.parts, "\n")
    reader.parts = {}
    reader.held = 0
    if data == "[DONE]" then
        return
    end
    local reading = readPath(data, 0, reader.path, 0)
    if reading.units ~= nil then
        reader.units = reading.units
        reader.problem = nil
    elseif reading.problem ~= "missing" and reader.units == nil then
        reader.problem = reading.problem
    end
end
--- One complete SSE line (without its end of line).
local function sseLine(reader, line)
    -- plugins/core/usage-cost.ts:245
    if line == "" then
        if reader.skipping then
            reader.skipping = false
        else
            readEvent(reader)
        end
        return
    end
    if reader.skipping or not __TS__StringStartsWith(line, "data:") then
        return
    end
    local value = (string.byte(line, 6) or 0 / 0) == 32 and __TS__StringSubstring(line, 6) or __TS__StringSubstring(line, 5)
    if reader.held + #value > reader.maxBytes then
        skipEvent(reader)
        return
    end
    reader.parts[#reader.parts + 1] = value
    reader.held = reader.held + (#value + 1)
end
local function feedSse(reader, chunk)
    -- plugins/core/usage-cost.ts:269
    local start = 0
    local text = chunk
    if reader.line ~= "" then
        text = reader.line .. chunk
        reader.line = ""
    end
    do
        while true do
            local newline = (string.find(
                text,
                "\n",
                math.max(start + 1, 1),
                true
            ) or 0) - 1
            if newline == -1 then
                break
            end
            local ____end = newline > start and __TS__StringCharCodeAt(text, newline - 1) == 13 and newline - 1 or newline
            sseLine(
                reader,
                __TS__StringSubstring(text, start, ____end)
            )
            start = newline + 1
        end
    end
    local rest = #text - start
    if rest == 0 then
        return
    end
    if rest + reader.held > reader.maxBytes then
        if not reader.skipping then
            skipEvent(reader)
        end
        reader.line = __TS__StringCharCodeAt(text, #text - 1) == 13 and "\r" or ""
        return
    end
    reader.line = __TS__StringSubstring(text, start)
end
--- Feeds one chunk of the body, as it passes.
function ____exports.feedCost(reader, chunk)
    -- plugins/core/usage-cost.ts:296
    if chunk == "" or reader.mode == "off" then
        return
    end
    if reader.mode == "sse" then
        return feedSse(reader, chunk)
    end
    if reader.held + #chunk > reader.maxBytes then
        reader.mode = "off"
        reader.parts = {}
        reader.held = 0
        reader.problem = "oversize"
        return
    end
    reader.parts[#reader.parts + 1] = chunk
    reader.held = reader.held + #chunk
end
--- The reading at the end of the body.
function ____exports.finishCost(reader)
    -- plugins/core/usage-cost.ts:311
    if reader.mode == "json" then
        if reader.held == 0 then
            reader.mode = "off"
            return {problem = "missing"}
        end
        local reading = ____exports.costFromJson(
            table.concat(reader.parts, ""),
            table.concat(reader.path, ".")
        )
        reader.parts = {}
        reader.held = 0
        reader.mode = "off"
        return reading
    end
    if reader.mode == "sse" then
        if reader.line ~= "" and reader.line ~= "\r" then
            sseLine(reader, reader.line)
        end
        reader.line = ""
        if not reader.skipping then
            readEvent(reader)
        end
        reader.mode = "off"
    end
    if reader.units ~= nil then
        return {units = reader.units}
    end
    return {problem = reader.problem or "missing"}
end
--- For test vectors: a body fed in these chunks, with these response headers.
function ____exports.costFromChunks(spec, headers, chunks)
    -- plugins/core/usage-cost.ts:336
    local reader = ____exports.newCostReader(spec, headers.type, headers.encoding)
    for ____, chunk in ipairs(chunks) do
        ____exports.feedCost(reader, chunk)
    end
    return ____exports.finishCost(reader)
end
--- For test vectors: the body split in two at every position, and fed byte by byte; the
-- reading when all agree, else the first split position that reads differently.
function ____exports.costAtEverySplit(spec, headers, body)
    -- plugins/core/usage-cost.ts:346
    local whole = ____exports.costFromChunks(spec, headers, {body})
    local bytes = {}
    do
        local i = 0
        while i < #body do
            bytes[i + 1] = __TS__StringSubstring(body, i, i + 1)
            i = i + 1
        end
    end
    local single = ____exports.costFromChunks(spec, headers, bytes)
    if single.units ~= whole.units or single.problem ~= whole.problem then
        return {differsAt = -1}
    end
    do
        local at = 1
        while at < #body do
            local split = ____exports.costFromChunks(
                spec,
                headers,
                {
                    __TS__StringSubstring(body, 0, at),
                    __TS__StringSubstring(body, at)
                }
            )
            if split.units ~= whole.units or split.problem ~= whole.problem then
                return {differsAt = at}
            end
            at = at + 1
        end
    end
    return whole
end
return ____exports
