--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local tlsSettings = ____http_2Durl.tlsSettings
--- The request settings for `s`; undefined when its URL is not http(s) (the schema refuses that when the service source is on).
function ____exports.serviceRequest(s)
    -- plugins/entitlement-check/service-request.ts:12
    local target = parseHttpUrl(s.url or "")
    if target == nil then
        return nil
    end
    local headers = {}
    if s.auth_header ~= nil and s.auth_value ~= nil then
        headers[s.auth_header] = s.auth_value
    end
    return {
        target = target,
        host = target.host,
        port = target.port,
        tls = tlsSettings(target, s),
        headers = headers,
        connectTimeoutMs = s.connect_timeout_ms,
        timeoutMs = s.timeout_ms,
        poolSize = s.pool_size,
        keepaliveMs = s.keepalive_ms,
        maxBodyBytes = s.max_body_bytes
    }
end
return ____exports
