local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
--- A request path normalised the way Kong 3.x's `kong.request.get_path()` does
-- (kong/tools/uri.lua `normalize(uri, true)`, Kong 3.9.3), for gateways that hand
-- plugins the raw path: Kong 2.8's `get_path()` is `request_uri` cut at "?"
-- (kong/pdk/request.lua, 2.8.5), so `/reports/../admin` or `/%72eports/x` would reach
-- path rules unresolved.
-- 
--   - a percent-encoded reserved character (RFC 3986 gen-delims and sub-delims, and
--     "%") stays encoded, its hex digits upper-cased; any other ASCII one is decoded;
--   - dot segments are removed (RFC 3986 section 5.2.4) and "//" becomes "/".
-- 
-- One deliberate difference: an encoded byte above 0x7F stays encoded (upper-cased)
-- where Kong decodes it, so the result is the same string in Lua and JavaScript and
-- never carries a byte that is not UTF-8.
local PERCENT = 37
local DOT = 46
local SLASH = 47
--- Reserved characters Kong keeps encoded: `!*'();:@&=+$,/?%#[]`.
local RESERVED = {}
for ____, character in ipairs({
    "!",
    "*",
    "'",
    "(",
    ")",
    ";",
    ":",
    "@",
    "&",
    "=",
    "+",
    "$",
    ",",
    "/",
    "?",
    "%",
    "#",
    "[",
    "]"
}) do
    RESERVED[string.byte(character, 1) or 0 / 0] = true
end
local function hexValue(code)
    -- plugins/core/path.ts:27
    if code >= 48 and code <= 57 then
        return code - 48
    end
    if code >= 65 and code <= 70 then
        return code - 55
    end
    if code >= 97 and code <= 102 then
        return code - 87
    end
    return -1
end
--- Percent-triplets decoded as described above; other characters as they are.
local function decodeTriplets(path)
    -- plugins/core/path.ts:35
    local parts = {}
    local copiedUpTo = 0
    local length = #path
    do
        local i = 0
        while i + 2 < length do
            do
                if __TS__StringCharCodeAt(path, i) ~= PERCENT then
                    goto __continue10
                end
                local high = hexValue(__TS__StringCharCodeAt(path, i + 1))
                local low = hexValue(__TS__StringCharCodeAt(path, i + 2))
                if high < 0 or low < 0 then
                    goto __continue10
                end
                local code = high * 16 + low
                parts[#parts + 1] = __TS__StringSubstring(path, copiedUpTo, i)
                parts[#parts + 1] = code < 128 and RESERVED[code] ~= true and string.char(code) or string.upper(__TS__StringSubstring(path, i, i + 3))
                copiedUpTo = i + 3
                i = i + 2
            end
            ::__continue10::
            i = i + 1
        end
    end
    if copiedUpTo == 0 then
        return path
    end
    parts[#parts + 1] = __TS__StringSubstring(path, copiedUpTo)
    return table.concat(parts, "")
end
--- Whether the path has a segment that is "." or "..", or an empty segment ("//").
local function needsSegments(path)
    -- plugins/core/path.ts:56
    return (string.find(path, "//", nil, true) or 0) - 1 >= 0 or (string.find(path, "/.", nil, true) or 0) - 1 >= 0 or (string.byte(path, 1) or 0 / 0) == DOT
end
--- RFC 3986 remove_dot_segments over whole segments, with empty segments merged.
-- Only called for paths that need it (see needsSegments).
local function resolveSegments(path)
    -- plugins/core/path.ts:64
    local segments = {}
    local rooted = (string.byte(path, 1) or 0 / 0) == SLASH
    local start = rooted and 1 or 0
    local trailingSlash = false
    while start <= #path do
        local ____end = (string.find(
            path,
            "/",
            math.max(start + 1, 1),
            true
        ) or 0) - 1
        if ____end < 0 then
            ____end = #path
        end
        local segment = __TS__StringSubstring(path, start, ____end)
        local last = ____end >= #path
        if segment == ".." then
            table.remove(segments)
            trailingSlash = true
        elseif segment == "." then
            trailingSlash = true
        elseif segment == "" then
            trailingSlash = last and #segments > 0
        else
            segments[#segments + 1] = segment
            trailingSlash = false
        end
        start = ____end + 1
    end
    local joined = table.concat(segments, "/")
    if not rooted then
        return trailingSlash and joined ~= "" and joined .. "/" or joined
    end
    if joined == "" then
        return "/"
    end
    return trailingSlash and "/" .. joined .. "/" or "/" .. joined
end
--- The path as Kong 3.x's get_path() gives it (see the top of this file).
function ____exports.normalizePath(path)
    -- plugins/core/path.ts:95
    if path == "" or path == "/" then
        return path
    end
    local decoded = (string.find(path, "%", nil, true) or 0) - 1 >= 0 and decodeTriplets(path) or path
    return needsSegments(decoded) and resolveSegments(decoded) or decoded
end
return ____exports
