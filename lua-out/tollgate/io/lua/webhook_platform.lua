--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____crypto = require("tollgate.io.lua.crypto")
local hmacSha256 = ____crypto.hmacSha256
local cjson = require("cjson.safe")
local function toHex(raw)
    -- plugins/io/lua/webhook-platform.ts:10
    local parts = {}
    do
        local i = 1
        while i <= #raw do
            parts[#parts + 1] = string.format(
                "%02x",
                string.byte(raw, i)
            )
            i = i + 1
        end
    end
    return table.concat(parts, "")
end
____exports.LUA_WEBHOOK_PLATFORM = {
    hmacSha256Hex = function(key, data)
        -- plugins/io/lua/webhook-platform.ts:17
        local raw = hmacSha256(key, data)
        return raw == nil and "" or toHex(raw)
    end,
    decodeJson = function(text)
        -- plugins/io/lua/webhook-platform.ts:22
        local value = cjson.decode(text)
        local ____temp_0
        if value == nil then
            ____temp_0 = nil
        else
            ____temp_0 = value
        end
        return ____temp_0
    end
}
return ____exports
