--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- The part of a pool name that says how its connections are secured.
function ____exports.poolSecurity(tls)
    return tls == nil and "plain" or "tls:" .. (tls.serverName or "") .. ":" .. (tls.verify and "verified" or "unverified")
end
--- The TLS handshake on a connection just taken from connect() (nothing when it came
-- from the pool). With `verify`, nginx checks the chain against lua_ssl_trusted_certificate
-- and the certificate's DNS names against `serverName`. Returns an error, or undefined.
function ____exports.secure(sock, tls)
    local reused = sock:getreusedtimes()
    if reused ~= 0 then
        return nil
    end
    local secured, err = sock:sslhandshake(false, tls.serverName, tls.verify)
    if secured == nil or secured == false then
        return "TLS handshake: " .. tostring(err)
    end
    local open = sock:getreusedtimes()
    return open == nil and "TLS handshake: the certificate was refused (nginx logged why: 'lua ssl certificate …')" or nil
end
return ____exports
