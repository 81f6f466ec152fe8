local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local POSIX_CLASSES = {
    alpha = "a-zA-Z",
    digit = "0-9",
    alnum = "a-zA-Z0-9",
    upper = "A-Z",
    lower = "a-z",
    space = " \\t\\n\\r\\f\\v",
    blank = " \\t",
    xdigit = "0-9A-Fa-f",
    word = "a-zA-Z0-9_",
    punct = "!-\\/:-@\\[-`{-~",
    cntrl = "\\x00-\\x1f\\x7f",
    print = " -~",
    graph = "!-~",
    ascii = "\\x00-\\x7f"
}
local function addFlag(flags, flag)
    -- plugins/feature-toggle/regex.ts:41
    return (string.find(flags, flag, nil, true) or 0) - 1 >= 0 and flags or flags .. flag
end
--- The pattern both engines can run, or undefined when Unleash's dialect refuses it.
function ____exports.portableRegex(source, caseInsensitive)
    -- plugins/feature-toggle/regex.ts:46
    local out = ""
    local flags = caseInsensitive and "i" or ""
    local inClass = false
    local n = #source
    local i = 0
    while i < n do
        do
            local c = __TS__StringCharAt(source, i)
            if c == "\\" then
                local next = __TS__StringCharAt(source, i + 1)
                if next == "" then
                    return nil
                end
                if not inClass and (next >= "1" and next <= "9" or next == "k") then
                    return nil
                end
                out = out .. c .. next
                i = i + 2
                goto __continue4
            end
            if inClass then
                if c == "[" and __TS__StringCharAt(source, i + 1) == ":" then
                    local close = (string.find(
                        source,
                        ":]",
                        math.max(i + 2 + 1, 1),
                        true
                    ) or 0) - 1
                    if close < 0 then
                        return nil
                    end
                    local name = __TS__StringSubstring(source, i + 2, close)
                    local range = POSIX_CLASSES[name]
                    if range == nil then
                        return nil
                    end
                    out = out .. range
                    i = close + 2
                    goto __continue4
                end
                if c == "]" then
                    inClass = false
                end
                out = out .. c
                i = i + 1
                goto __continue4
            end
            if c == "[" then
                inClass = true
                out = out .. c
                i = i + 1
                if __TS__StringCharAt(source, i) == "^" then
                    out = out .. "^"
                    i = i + 1
                end
                if __TS__StringCharAt(source, i) == "]" then
                    out = out .. "\\]"
                    i = i + 1
                end
                goto __continue4
            end
            if c == "(" and __TS__StringCharAt(source, i + 1) == "?" then
                local kind = __TS__StringCharAt(source, i + 2)
                if kind == "=" or kind == "!" then
                    return nil
                end
                if kind == "<" and (__TS__StringCharAt(source, i + 3) == "=" or __TS__StringCharAt(source, i + 3) == "!") then
                    return nil
                end
                local j = i + 2
                local inline = ""
                while j < n and (__TS__StringCharAt(source, j) == "i" or __TS__StringCharAt(source, j) == "m" or __TS__StringCharAt(source, j) == "s") do
                    inline = inline .. __TS__StringCharAt(source, j)
                    j = j + 1
                end
                if #inline > 0 and __TS__StringCharAt(source, j) == ")" then
                    do
                        local k = 0
                        while k < #inline do
                            flags = addFlag(
                                flags,
                                __TS__StringCharAt(inline, k)
                            )
                            k = k + 1
                        end
                    end
                    i = j + 1
                    goto __continue4
                end
            end
            out = out .. c
            i = i + 1
        end
        ::__continue4::
    end
    if inClass then
        return nil
    end
    return {pattern = out, flags = flags}
end
return ____exports
