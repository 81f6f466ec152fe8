--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local randomHex
function randomHex(bytes)
    -- plugins/kafka-usage/lua/facts.ts:54
    local file = io.open("/dev/urandom", "rb")
    local raw
    if file ~= nil then
        raw = file:read(bytes)
        file:close()
    end
    if raw == nil or #raw < bytes then
        return tostring(ngx.worker.pid()) .. "x" .. tostring(math.floor(ngx.now() * 1000))
    end
    local hex = ""
    do
        local i = 1
        while i <= bytes do
            hex = hex .. string.format(
                "%02x",
                string.byte(raw, i)
            )
            i = i + 1
        end
    end
    return hex
end
--- $upstream_response_time → whole ms, or undefined when no upstream answered ("-", or
-- unset). It lists one time per upstream tried ("0.010, 0.004"): their sum is the time
-- the request spent on upstreams. (string.find in a loop, not string.gmatch: LuaJIT
-- cannot compile gmatch's iterator, and this runs for every request.)
local function upstreamMs(value)
    -- plugins/kafka-usage/lua/facts.ts:16
    if value == nil then
        return nil
    end
    local single = tonumber(value)
    if single ~= nil then
        local ms = math.floor(single * 1000 + 0.5)
        return ms
    end
    local total
    local from = 1
    do
        while true do
            local first, last = string.find(value, "[%d.]+", from)
            if first == nil or last == nil then
                break
            end
            local seconds = tonumber(string.sub(value, first, last))
            if seconds ~= nil then
                total = (total or 0) + seconds
            end
            from = last + 1
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
--- Event ids: 64 random bits drawn once per worker, then a counter — unique per request
-- across workers, restarts and nodes. Not nginx's $request_id: nginx draws 128 random bits
-- from OpenSSL on every request that reads it, which cost more than all the other facts
-- of the log phase together.
local idPrefix
local idCounter = 0
local function nextEventId()
    -- plugins/kafka-usage/lua/facts.ts:47
    if idPrefix == nil then
        idPrefix = randomHex(8)
    end
    idCounter = idCounter + 1
    return idPrefix .. "-" .. tostring(idCounter)
end
function ____exports.nginxUsageFacts(method, path, status, consumer)
    -- plugins/kafka-usage/lua/facts.ts:70
    local v = ngx.var
    local started = ngx.req.start_time()
    return {
        requestId = nextEventId(),
        startedMs = math.floor(started * 1000 + 0.5),
        method = method,
        path = path,
        status = status,
        latencyMs = math.floor((ngx.now() - started) * 1000 + 0.5),
        upstreamLatencyMs = upstreamMs(v.upstream_response_time),
        requestBytes = tonumber(v.request_length) or 0,
        responseBytes = tonumber(v.bytes_sent) or 0,
        consumer = consumer
    }
end
return ____exports
