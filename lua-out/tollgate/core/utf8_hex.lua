local ____lualib = require("tollgate.lualib_bundle")
local Error = ____lualib.Error
local RangeError = ____lualib.RangeError
local ReferenceError = ____lualib.ReferenceError
local SyntaxError = ____lualib.SyntaxError
local TypeError = ____lualib.TypeError
local URIError = ____lualib.URIError
local __TS__New = ____lualib.__TS__New
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local fromHex = ____bytes.fromHex
local toHex = ____bytes.toHex
local ____utf8 = require("tollgate.core.utf8")
local repairUtf8 = ____utf8.repairUtf8
--- repairUtf8 of the bytes `hex`, as hex.
function ____exports.repairUtf8Hex(hex)
    -- plugins/core/utf8-hex.ts:12
    local bytes = fromHex(hex)
    if bytes == nil then
        error(
            __TS__New(Error, "not hex: " .. hex),
            0
        )
    end
    return toHex(repairUtf8(bytes))
end
return ____exports
