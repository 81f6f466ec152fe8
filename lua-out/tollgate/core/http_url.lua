local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__Number = ____lualib.__TS__Number
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____client_2Dcert = require("tollgate.core.client_cert")
local CLIENT_CERT_FIELDS = ____client_2Dcert.CLIENT_CERT_FIELDS
local clientCertificate = ____client_2Dcert.clientCertificate
local ____schema = require("tollgate.core.schema")
local boolean = ____schema.boolean
local ____string = ____schema.string
local SCHEMES = {["http://"] = {tls = false, port = 80}, ["https://"] = {tls = true, port = 443}}
--- The URL's parts, or undefined when it is not an http:// or https:// URL with a host and a valid port.
function ____exports.parseHttpUrl(url)
    -- plugins/core/http-url.ts:26
    local separator = (string.find(url, "://", nil, true) or 0) - 1
    if separator < 0 then
        return nil
    end
    local scheme = SCHEMES[string.lower(__TS__StringSubstring(url, 0, separator + 3))]
    if scheme == nil then
        return nil
    end
    local rest = __TS__StringSubstring(url, separator + 3)
    local slash = (string.find(rest, "/", nil, true) or 0) - 1
    local authority = slash < 0 and rest or __TS__StringSubstring(rest, 0, slash)
    local basePath = slash < 0 and "" or __TS__StringSubstring(rest, slash)
    while #basePath > 0 and __TS__StringSubstring(basePath, #basePath - 1) == "/" do
        basePath = __TS__StringSubstring(basePath, 0, #basePath - 1)
    end
    if authority == "" then
        return nil
    end
    local host = authority
    local port = scheme.port
    local bracket = (string.find(authority, "]", nil, true) or 0) - 1
    local colon = -1
    do
        local i = #authority - 1
        while i >= 0 and colon < 0 do
            if __TS__StringCharCodeAt(authority, i) == 58 then
                colon = i
            end
            i = i - 1
        end
    end
    if colon > bracket then
        host = __TS__StringSubstring(authority, 0, colon)
        local digits = __TS__StringSubstring(authority, colon + 1)
        local parsed = __TS__Number(digits)
        if digits == "" or not (parsed >= 1 and parsed <= 65535) or math.floor(parsed) ~= parsed then
            return nil
        end
        port = parsed
    end
    if __TS__StringSubstring(host, 0, 1) == "[" and __TS__StringSubstring(host, #host - 1) == "]" then
        host = __TS__StringSubstring(host, 1, #host - 1)
    end
    if host == "" then
        return nil
    end
    return {tls = scheme.tls, host = host, port = port, basePath = basePath}
end
--- The Host header's value for a target: the port only when it is not the scheme's default.
function ____exports.hostHeader(target)
    -- plugins/core/http-url.ts:56
    local host = (string.find(target.host, ":", nil, true) or 0) - 1 >= 0 and "[" .. target.host .. "]" or target.host
    return target.port == (target.tls and 443 or 80) and host or host .. ":" .. tostring(target.port)
end
--- The full URL of `path` (starting with "/") under the target's base path.
function ____exports.targetUrl(target, path)
    -- plugins/core/http-url.ts:62
    return (target.tls and "https" or "http") .. "://" .. ____exports.hostHeader(target) .. target.basePath .. path
end
--- Config fields of an https:// target's certificate check (entitlement service, Unleash server).
____exports.TLS_FIELDS = __TS__ObjectAssign(
    {
        ssl_verify = boolean({description = "For an https:// URL: check the server's certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate) and the server_name. Off: encrypted but not authenticated.", default = true}),
        server_name = ____string({description = "For an https:// URL: the name sent as SNI and that the certificate must carry (default: the URL's host). Set it when the URL names an IP address: nginx checks the certificate's DNS names only.", minLength = 1})
    },
    CLIENT_CERT_FIELDS
)
--- What a client needs for TLS to `target` (undefined for http://).
function ____exports.tlsSettings(target, conf)
    -- plugins/core/http-url.ts:110
    if not target.tls then
        return nil
    end
    return {
        serverName = conf.server_name or target.host,
        verify = conf.ssl_verify,
        clientCert = clientCertificate(conf)
    }
end
return ____exports
