--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local tlsSettings = ____http_2Durl.tlsSettings
--- The poll request for `u`, with the ETag of the last answer; undefined when the URL is not http(s) (the schema refuses it).
function ____exports.unleashPoll(u, appName, etag)
    -- plugins/feature-toggle/unleash-poll.ts:17
    local target = parseHttpUrl(u.url)
    if target == nil then
        return nil
    end
    local headers = {Authorization = u.api_token, ["Unleash-AppName"] = appName, ["Unleash-Client-Spec"] = "5.2.0", Accept = "application/json"}
    if etag ~= nil and etag ~= "" then
        headers["If-None-Match"] = etag
    end
    return {
        target = target,
        path = "/client/features",
        host = target.host,
        port = target.port,
        tls = tlsSettings(target, u),
        headers = headers,
        connectTimeoutMs = u.timeout_ms,
        timeoutMs = u.timeout_ms,
        poolSize = 2,
        keepaliveMs = 60000,
        maxBodyBytes = 16 * 1024 * 1024
    }
end
return ____exports
