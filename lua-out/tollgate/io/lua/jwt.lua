--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local cjson = require("cjson.safe")
--- base64url → base64 with padding, as ngx.decode_base64 expects.
local function toBase64(segment)
    -- plugins/io/lua/jwt.ts:9
    local text = (string.gsub((string.gsub(segment, "-", "+")), "_", "/"))
    local rest = #text % 4
    if rest == 2 then
        text = text .. "=="
    elseif rest == 3 then
        text = text .. "="
    end
    return text
end
function ____exports.verifiedJwtClaims(token)
    -- plugins/io/lua/jwt.ts:17
    if type(token) ~= "string" then
        return nil
    end
    local first = string.find(token, ".", 1, true)
    if first == nil then
        return nil
    end
    local second = string.find(token, ".", first + 1, true)
    if second == nil then
        return nil
    end
    local decoded = ngx.decode_base64(toBase64(string.sub(token, first + 1, second - 1)))
    if decoded == nil then
        return nil
    end
    local claims = cjson.decode(decoded)
    return type(claims) == "table" and claims ~= nil and claims or nil
end
return ____exports
