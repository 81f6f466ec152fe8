--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Seconds as nginx prints them ("0.012") → whole ms; undefined for "-" or nothing.
local function secondsToMs(value)
    if value == nil then
        return nil
    end
    local total
    for piece in string.gmatch(value, "[%d.]+") do
        local seconds = tonumber(piece)
        if seconds ~= nil then
            total = (total or 0) + seconds
        end
    end
    local ____temp_0
    if total == nil then
        ____temp_0 = nil
    else
        ____temp_0 = math.floor(total * 1000 + 0.5)
    end
    return ____temp_0
end
function ____exports.nginxUsageFacts(method, path, status, consumer)
    local v = ngx.var
    return {
        requestId = v.request_id or (((tostring(ngx.worker.pid()) .. "-") .. tostring(ngx.now())) .. "-") .. tostring(math.random(1, 2147483647)),
        startedMs = math.floor(ngx.req.start_time() * 1000 + 0.5),
        method = method,
        path = path,
        status = status,
        latencyMs = secondsToMs(v.request_time) or 0,
        upstreamLatencyMs = secondsToMs(v.upstream_response_time),
        requestBytes = tonumber(v.request_length) or 0,
        responseBytes = tonumber(v.bytes_sent) or 0,
        consumer = consumer
    }
end
return ____exports
