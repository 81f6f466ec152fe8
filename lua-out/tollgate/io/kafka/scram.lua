local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local byteAt = ____bytes.byteAt
local char = ____bytes.char
local fromBase64 = ____bytes.fromBase64
local toBase64 = ____bytes.toBase64
local utf8 = ____bytes.utf8
--- A user name as SCRAM writes it: "=" and "," escaped.
local function saslName(username)
    -- plugins/io/kafka/scram.ts:40
    local out = {}
    local bytes = utf8(username)
    do
        local i = 0
        while i < #bytes do
            local b = byteAt(bytes, i)
            out[#out + 1] = b == 61 and "=3D" or (b == 44 and "=2C" or char(b))
            i = i + 1
        end
    end
    return table.concat(out, "")
end
--- The first message, for `nonce` (printable, without ","; at least 16 random characters).
function ____exports.scramFirst(username, nonce)
    -- plugins/io/kafka/scram.ts:51
    local bare = "n=" .. saslName(username) .. ",r=" .. nonce
    return {message = "n,," .. bare, bare = bare, nonce = nonce}
end
--- The attributes of a server message ("a=value,b=value"); values may contain "=".
local function attributes(message)
    -- plugins/io/kafka/scram.ts:57
    local found = {}
    local start = 0
    while start <= #message do
        local ____end = (string.find(
            message,
            ",",
            math.max(start + 1, 1),
            true
        ) or 0) - 1
        if ____end < 0 then
            ____end = #message
        end
        local part = __TS__StringSubstring(message, start, ____end)
        if #part >= 2 and __TS__StringSubstring(part, 1, 2) == "=" then
            found[__TS__StringSubstring(part, 0, 1)] = __TS__StringSubstring(part, 2)
        end
        start = ____end + 1
    end
    return found
end
local function xor(a, b)
    -- plugins/io/kafka/scram.ts:70
    local out = {}
    do
        local i = 0
        while i < #a do
            out[#out + 1] = char(bit.bxor(
                byteAt(a, i),
                byteAt(b, i)
            ))
            i = i + 1
        end
    end
    return table.concat(out, "")
end
--- The final message from the server's first message; or an error (`{ error }`).
function ____exports.scramFinal(crypto, password, first, serverFirst)
    -- plugins/io/kafka/scram.ts:77
    local server = attributes(serverFirst)
    if server.e ~= nil then
        return {error = "the server refused: " .. server.e}
    end
    local nonce = server.r
    local ____temp_0
    if server.s == nil then
        ____temp_0 = nil
    else
        ____temp_0 = fromBase64(server.s)
    end
    local salt = ____temp_0
    local ____temp_1
    if server.i == nil then
        ____temp_1 = nil
    else
        ____temp_1 = __TS__Number(server.i)
    end
    local iterations = ____temp_1
    if nonce == nil or salt == nil or iterations == nil or not (iterations >= 1) then
        return {error = "not a SCRAM server-first message"}
    end
    if __TS__StringSubstring(nonce, 0, #first.nonce) ~= first.nonce or #nonce <= #first.nonce then
        return {error = "the server's nonce does not extend the client's"}
    end
    local withoutProof = "c=biws,r=" .. nonce
    local authMessage = first.bare .. "," .. serverFirst .. "," .. withoutProof
    local salted = crypto:pbkdf2(
        utf8(password),
        salt,
        iterations
    )
    local clientKey = crypto:hmac(salted, "Client Key")
    local clientSignature = crypto:hmac(
        crypto:hash(clientKey),
        authMessage
    )
    local serverSignature = crypto:hmac(
        crypto:hmac(salted, "Server Key"),
        authMessage
    )
    return {
        message = withoutProof .. ",p=" .. toBase64(xor(clientKey, clientSignature)),
        serverSignature = toBase64(serverSignature)
    }
end
--- Undefined when the server's final message carries the expected signature; else why not.
function ____exports.scramCheckServer(serverFinal, final)
    -- plugins/io/kafka/scram.ts:96
    local server = attributes(serverFinal)
    if server.e ~= nil then
        return "the server refused: " .. server.e
    end
    if server.v ~= final.serverSignature then
        return "the server's signature is wrong (it does not know the password)"
    end
    return nil
end
return ____exports
