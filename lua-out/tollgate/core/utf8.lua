local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local __TS__ArrayIsArray = ____lualib.__TS__ArrayIsArray
local ____exports = {}
--- True where strings are byte strings (LuaJIT): see io/kafka/bytes.ts.
local LUA = #"é" == 2
--- A byte ≥ 0x80 (a Lua pattern; built with fromCharCode, which tstl makes string.char).
local NON_ASCII = "[" .. string.char(128) .. "-" .. string.char(255) .. "]"
--- U+FFFD as UTF-8 bytes.
local REPLACEMENT = string.char(239) .. string.char(191) .. string.char(189)
--- The byte at 0-based `i` of a byte string.
local byteAt = LUA and (function(s, i)
    -- plugins/core/utf8.ts:55
    return string.byte(s, i + 1)
end) or (function(s, i)
    -- plugins/core/utf8.ts:55
    return __TS__StringCharCodeAt(s, i)
end)
--- The 0-based index of the first byte ≥ 0x80 at or after `from`, or -1.
local nextNonAscii = LUA and (function(s, from)
    -- plugins/core/utf8.ts:59
    local found = string.find(s, NON_ASCII, from + 1)
    return found == nil and -1 or found - 1
end) or (function(s, from)
    -- plugins/core/utf8.ts:63
    do
        local i = from
        while i < #s do
            if __TS__StringCharCodeAt(s, i) >= 128 then
                return i
            end
            i = i + 1
        end
    end
    return -1
end)
--- The length of the well-formed sequence that starts at `i` (a byte ≥ 0x80), or minus the
-- length of its maximal subpart (-1 … -3): the bytes one U+FFFD replaces. Table 3-7 of the
-- Unicode Standard (well-formed UTF-8 byte sequences) is the rule: the second byte's range
-- depends on the first (no overlongs, no surrogates, nothing above U+10FFFF).
local function sequenceAt(s, i, length)
    -- plugins/core/utf8.ts:74
    local first = byteAt(s, i)
    local need
    local lower = 128
    local upper = 191
    if first >= 194 and first <= 223 then
        need = 1
    elseif first >= 224 and first <= 239 then
        need = 2
        if first == 224 then
            lower = 160
        elseif first == 237 then
            upper = 159
        end
    elseif first >= 240 and first <= 244 then
        need = 3
        if first == 240 then
            lower = 144
        elseif first == 244 then
            upper = 143
        end
    else
        return -1
    end
    local j = i + 1
    do
        local k = 0
        while k < need do
            if j >= length then
                return i - j
            end
            local next = byteAt(s, j)
            if next < lower or next > upper then
                return i - j
            end
            lower = 128
            upper = 191
            j = j + 1
            k = k + 1
        end
    end
    return j - i
end
--- A byte string as valid UTF-8: every ill-formed sequence replaced by U+FFFD, one per
-- maximal subpart (what TextDecoder does). The string itself when it is valid already.
function ____exports.repairUtf8(bytes)
    -- plugins/core/utf8.ts:107
    local length = #bytes
    local i = nextNonAscii(bytes, 0)
    local out
    local copiedTo = 0
    while i >= 0 do
        do
            local size = sequenceAt(bytes, i, length)
            if size > 0 then
                i = nextNonAscii(bytes, i + size)
                goto __continue23
            end
            if out == nil then
                out = {}
            end
            __TS__ArrayPush(
                out,
                __TS__StringSubstring(bytes, copiedTo, i),
                REPLACEMENT
            )
            copiedTo = i - size
            i = nextNonAscii(bytes, copiedTo)
        end
        ::__continue23::
    end
    if out == nil then
        return bytes
    end
    out[#out + 1] = __TS__StringSubstring(bytes, copiedTo)
    return table.concat(out, "")
end
--- A UTF-16 string with each lone surrogate replaced by U+FFFD; the string itself when there is none.
local function wellFormedUtf16(text)
    -- plugins/core/utf8.ts:130
    local out
    local copiedTo = 0
    do
        local i = 0
        while i < #text do
            do
                local code = __TS__StringCharCodeAt(text, i)
                if code < 55296 or code > 57343 then
                    goto __continue28
                end
                if code <= 56319 and i + 1 < #text then
                    local low = __TS__StringCharCodeAt(text, i + 1)
                    if low >= 56320 and low <= 57343 then
                        i = i + 1
                        goto __continue28
                    end
                end
                out = (out or "") .. __TS__StringSubstring(text, copiedTo, i) .. "�"
                copiedTo = i + 1
            end
            ::__continue28::
            i = i + 1
        end
    end
    return out == nil and text or out .. __TS__StringSubstring(text, copiedTo)
end
--- Client-derived text made safe for JSON (see the top of this file): valid UTF-8 in LuaJIT,
-- well-formed UTF-16 in Node. The text itself when it is already.
____exports.jsonText = LUA and ____exports.repairUtf8 or wellFormedUtf16
--- A rejection body (core/outcome.ts) with jsonText applied to its strings, in place, and to
-- those of its lists (plan names): bodies may echo what a request named (an unknown tier from
-- a trusted header, a plan from a JWT claim or the entitlement service). Only values that
-- change are written, so bodies built once and shared stay as they are.
function ____exports.repairJsonBody(body)
    -- plugins/core/utf8.ts:161
    for key in pairs(body) do
        local value = body[key]
        if type(value) == "string" then
            local repaired = ____exports.jsonText(value)
            if repaired ~= value then
                body[key] = repaired
            end
        elseif __TS__ArrayIsArray(value) then
            local list = value
            do
                local i = 0
                while i < #list do
                    do
                        local item = list[i + 1]
                        if type(item) ~= "string" then
                            goto __continue38
                        end
                        local repaired = ____exports.jsonText(item)
                        if repaired ~= item then
                            list[i + 1] = repaired
                        end
                    end
                    ::__continue38::
                    i = i + 1
                end
            end
        end
    end
    return body
end
return ____exports
