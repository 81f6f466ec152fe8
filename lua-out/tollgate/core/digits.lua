local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local ____exports = {}
--- Whether `code` is the character code of 0–9.
function ____exports.isAsciiDigit(code)
    -- plugins/core/digits.ts:8
    return code >= 48 and code <= 57
end
--- Whether every character of `text` is 0–9 (true for ""; callers bound the length).
function ____exports.allAsciiDigits(text)
    -- plugins/core/digits.ts:13
    do
        local i = 0
        while i < #text do
            if not ____exports.isAsciiDigit(__TS__StringCharCodeAt(text, i)) then
                return false
            end
            i = i + 1
        end
    end
    return true
end
return ____exports
