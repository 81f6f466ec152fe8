local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSplit = ____lualib.__TS__StringSplit
local __TS__Number = ____lualib.__TS__Number
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringIncludes = ____lualib.__TS__StringIncludes
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local ____digits = require("tollgate.core.digits")
local allAsciiDigits = ____digits.allAsciiDigits
local function parseIpv4(text)
    -- plugins/core/cidr.ts:15
    local parts = __TS__StringSplit(text, ".")
    if #parts ~= 4 then
        return nil
    end
    local bytes = {}
    for ____, part in ipairs(parts) do
        if #part == 0 or #part > 3 then
            return nil
        end
        if not allAsciiDigits(part) then
            return nil
        end
        local value = __TS__Number(part)
        if value > 255 then
            return nil
        end
        bytes[#bytes + 1] = value
    end
    return bytes
end
local function parseHexGroup(group)
    -- plugins/core/cidr.ts:29
    if #group == 0 or #group > 4 then
        return nil
    end
    local value = 0
    do
        local i = 0
        while i < #group do
            local code = __TS__StringCharCodeAt(group, i)
            local digit
            if code >= 48 and code <= 57 then
                digit = code - 48
            elseif code >= 97 and code <= 102 then
                digit = code - 87
            elseif code >= 65 and code <= 70 then
                digit = code - 55
            else
                return nil
            end
            value = value * 16 + digit
            i = i + 1
        end
    end
    return value
end
--- Groups of one side of "::" (or of a whole address), with a trailing dotted IPv4 allowed.
local function parseGroups(text, allowIpv4Tail)
    -- plugins/core/cidr.ts:45
    if text == "" then
        return {}
    end
    local parts = __TS__StringSplit(text, ":")
    local words = {}
    do
        local i = 0
        while i < #parts do
            local part = parts[i + 1]
            if allowIpv4Tail and i == #parts - 1 and __TS__StringIncludes(part, ".") then
                local v4 = parseIpv4(part)
                if v4 == nil then
                    return nil
                end
                __TS__ArrayPush(words, v4[1] * 256 + v4[2], v4[3] * 256 + v4[4])
            else
                local word = parseHexGroup(part)
                if word == nil then
                    return nil
                end
                words[#words + 1] = word
            end
            i = i + 1
        end
    end
    return words
end
local function parseIpv6(text)
    -- plugins/core/cidr.ts:64
    local gap = (string.find(text, "::", nil, true) or 0) - 1
    local words
    if gap == -1 then
        words = parseGroups(text, true)
        if words == nil or #words ~= 8 then
            return nil
        end
    else
        if (string.find(
            text,
            "::",
            math.max(gap + 1 + 1, 1),
            true
        ) or 0) - 1 ~= -1 then
            return nil
        end
        local head = parseGroups(
            __TS__StringSubstring(text, 0, gap),
            false
        )
        local tail = parseGroups(
            __TS__StringSubstring(text, gap + 2),
            true
        )
        if head == nil or tail == nil or #head + #tail > 7 then
            return nil
        end
        words = {unpack(head)}
        do
            local i = #head + #tail
            while i < 8 do
                words[#words + 1] = 0
                i = i + 1
            end
        end
        for ____, word in ipairs(tail) do
            words[#words + 1] = word
        end
    end
    local bytes = {}
    for ____, word in ipairs(words) do
        __TS__ArrayPush(
            bytes,
            math.floor(word / 256),
            word % 256
        )
    end
    return bytes
end
--- An address as bytes (4 for IPv4, 16 for IPv6), or undefined if it is not one.
function ____exports.parseIp(text)
    -- plugins/core/cidr.ts:85
    local ____text_includes_result_0
    if __TS__StringIncludes(text, ":") then
        ____text_includes_result_0 = parseIpv6(text)
    else
        ____text_includes_result_0 = parseIpv4(text)
    end
    return ____text_includes_result_0
end
--- "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128).
function ____exports.parseCidr(text)
    -- plugins/core/cidr.ts:90
    local slash = (string.find(text, "/", nil, true) or 0) - 1
    local address = slash == -1 and text or __TS__StringSubstring(text, 0, slash)
    local bytes = ____exports.parseIp(address)
    if bytes == nil then
        return nil
    end
    local max = #bytes * 8
    if slash == -1 then
        return {bytes = bytes, prefix = max}
    end
    local prefixText = __TS__StringSubstring(text, slash + 1)
    if prefixText == "" or #prefixText > 3 then
        return nil
    end
    if not allAsciiDigits(prefixText) then
        return nil
    end
    local prefix = __TS__Number(prefixText)
    if prefix > max then
        return nil
    end
    return {bytes = bytes, prefix = prefix}
end
local function inRange(address, range)
    -- plugins/core/cidr.ts:105
    if #address ~= #range.bytes then
        return false
    end
    local bits = range.prefix
    do
        local i = 0
        while i < #address and bits > 0 do
            local a = address[i + 1]
            local b = range.bytes[i + 1]
            if bits >= 8 then
                if a ~= b then
                    return false
                end
                bits = bits - 8
            else
                local unit = 2 ^ (8 - bits)
                return math.floor(a / unit) == math.floor(b / unit)
            end
            i = i + 1
        end
    end
    return true
end
--- Whether `ip` lies in any of `ranges` (false when `ip` is not an address).
function ____exports.ipInRanges(ip, ranges)
    -- plugins/core/cidr.ts:123
    local address = ____exports.parseIp(ip)
    if address == nil then
        return false
    end
    for ____, range in ipairs(ranges) do
        if inRange(address, range) then
            return true
        end
    end
    return false
end
--- ipInRanges over ranges given as text (unparseable ranges match nothing).
function ____exports.ipInStrings(ip, cidrs)
    -- plugins/core/cidr.ts:131
    local ranges = {}
    for ____, text in ipairs(cidrs) do
        local range = ____exports.parseCidr(text)
        if range ~= nil then
            ranges[#ranges + 1] = range
        end
    end
    return ____exports.ipInRanges(ip, ranges)
end
return ____exports
