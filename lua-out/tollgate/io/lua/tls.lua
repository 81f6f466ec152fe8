--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ssl = require("ngx.ssl")
--- The part of a pool name that says how its connections are secured.
function ____exports.poolSecurity(tls)
    if tls == nil then
        return "plain"
    end
    local client = tls.clientCert == nil and "" or ":" .. ngx.md5(tls.clientCert.cert)
    return "tls:" .. (tls.serverName or "") .. ":" .. (tls.verify and "verified" or "unverified") .. client
end
--- Parsed client certificates and keys by their PEM text (a config's text is parsed once per worker).
local parsedCerts = {}
local parsedKeys = {}
--- Sets the client certificate on `sock` for its handshake; an error, or undefined.
local function presentClientCert(sock, client)
    local cert = parsedCerts[client.cert]
    if cert == nil then
        local parsed, err = ssl.parse_pem_cert(client.cert)
        if parsed == nil then
            return "client certificate: " .. tostring(err)
        end
        cert = parsed
        parsedCerts[client.cert] = cert
    end
    local key = parsedKeys[client.key]
    if key == nil then
        local parsed, err = ssl.parse_pem_priv_key(client.key)
        if parsed == nil then
            return "client key: " .. tostring(err)
        end
        key = parsed
        parsedKeys[client.key] = key
    end
    local ok, err = sock:setclientcert(cert, key)
    return ok == nil and "client certificate: " .. tostring(err) or nil
end
--- The TLS handshake on a connection just taken from connect() (nothing when it came
-- from the pool). With `verify`, nginx checks the chain against lua_ssl_trusted_certificate
-- and the certificate's DNS names against `serverName`. Returns an error, or undefined.
function ____exports.secure(sock, tls)
    local reused = sock:getreusedtimes()
    if reused ~= 0 then
        return nil
    end
    if tls.clientCert ~= nil then
        local refused = presentClientCert(sock, tls.clientCert)
        if refused ~= nil then
            return "TLS handshake: " .. refused
        end
    end
    local secured, err = sock:sslhandshake(false, tls.serverName, tls.verify)
    if secured == nil or secured == false then
        return "TLS handshake: " .. tostring(err)
    end
    local open = sock:getreusedtimes()
    return open == nil and "TLS handshake: the certificate was refused (nginx logged why: 'lua ssl certificate …')" or nil
end
return ____exports
