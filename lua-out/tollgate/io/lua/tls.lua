--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ssl = require("ngx.ssl")
--- The part of a pool name that says how its connections are secured.
function ____exports.poolSecurity(tls)
    -- plugins/io/lua/tls.ts:13
    if tls == nil then
        return "plain"
    end
    local client = tls.clientCert == nil and "" or ":" .. ngx.md5(tls.clientCert.cert)
    return "tls:" .. (tls.serverName or "") .. ":" .. (tls.verify and "verified" or "unverified") .. client
end
--- Parsed client certificates and private keys by their PEM text (a config's text is parsed once per worker).
local parsedPem = {}
--- The parsed form of a PEM text (certificate or key), cached; or undefined and the parser's error.
local function parsePem(pem, parse)
    -- plugins/io/lua/tls.ts:23
    local known = parsedPem[pem]
    if known ~= nil then
        return known, nil
    end
    local parsed, err = parse(pem)
    if parsed ~= nil then
        parsedPem[pem] = parsed
    end
    return parsed, err
end
--- Sets the client certificate on `sock` for its handshake; an error, or undefined.
local function presentClientCert(sock, client)
    -- plugins/io/lua/tls.ts:35
    local cert, certErr = parsePem(client.cert, ssl.parse_pem_cert)
    if cert == nil then
        return "client certificate: " .. tostring(certErr)
    end
    local key, keyErr = parsePem(client.key, ssl.parse_pem_priv_key)
    if key == nil then
        return "client key: " .. tostring(keyErr)
    end
    local ok, err = sock:setclientcert(cert, key)
    return ok == nil and "client certificate: " .. tostring(err) or nil
end
--- The TLS handshake on a connection just taken from connect() (nothing when it came
-- from the pool). With `verify`, nginx checks the chain against lua_ssl_trusted_certificate
-- and the certificate's DNS names against `serverName`. Returns an error, or undefined.
function ____exports.secure(sock, tls)
    -- plugins/io/lua/tls.ts:49
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
