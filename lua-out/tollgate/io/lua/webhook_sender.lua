--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local pending, schedule, post, logThrottled, release, flush, LOG_INTERVAL_S
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local tlsSettings = ____http_2Durl.tlsSettings
local ____delivery = require("tollgate.kafka_usage.delivery")
local backoffMs = ____delivery.backoffMs
local ____http = require("tollgate.io.lua.http")
local httpRequest = ____http.httpRequest
local ____webhook_2Dplatform = require("tollgate.io.lua.webhook_platform")
local LUA_WEBHOOK_PLATFORM = ____webhook_2Dplatform.LUA_WEBHOOK_PLATFORM
function pending(sender)
    -- plugins/io/lua/webhook-sender.ts:96
    return #sender.queue - sender.head
end
function schedule(sender, delayMs)
    -- plugins/io/lua/webhook-sender.ts:100
    local ok, err = ngx.timer.at(delayMs / 1000, flush, sender)
    if ok == nil then
        sender.active = false
        ngx.log(
            ngx.ERR,
            "[tollgate webhook] cannot schedule a delivery to " .. sender.conf.url .. ": " .. tostring(err)
        )
        return
    end
    sender.active = true
end
--- The signature header's value for `body` at `timestamp` (unix seconds).
function ____exports.webhookSignature(secret, timestamp, body)
    -- plugins/io/lua/webhook-sender.ts:124
    local digest = LUA_WEBHOOK_PLATFORM.hmacSha256Hex(
        secret,
        tostring(timestamp) .. "." .. body
    )
    local ____temp_1
    if digest == "" then
        ____temp_1 = nil
    else
        ____temp_1 = "t=" .. tostring(timestamp) .. ",v1=" .. digest
    end
    return ____temp_1
end
function post(sender, body)
    -- plugins/io/lua/webhook-sender.ts:131
    local signature = ____exports.webhookSignature(
        sender.conf.secret,
        math.floor(ngx.time()),
        body
    )
    if signature == nil then
        return "libcrypto not found: cannot sign"
    end
    local headers = {}
    headers[sender.conf.signature_header] = signature
    local response, err = httpRequest(
        sender.options,
        "POST",
        sender.path,
        body,
        headers
    )
    if response == nil then
        return err or "no response"
    end
    if response.status < 200 or response.status > 299 then
        return "status " .. tostring(response.status)
    end
    return nil
end
function logThrottled(sender, message)
    -- plugins/io/lua/webhook-sender.ts:142
    local now = ngx.now()
    if now - sender.lastLogAt < LOG_INTERVAL_S then
        return
    end
    sender.lastLogAt = now
    ngx.log(ngx.ERR, "[tollgate webhook] " .. sender.conf.url .. ": " .. message)
    sender.dropped = 0
end
function release(sender)
    -- plugins/io/lua/webhook-sender.ts:151
    sender.head = sender.head + 1
    if sender.head >= 1024 and sender.head * 2 >= #sender.queue then
        local rest = {}
        do
            local i = sender.head
            while i < #sender.queue do
                rest[#rest + 1] = sender.queue[i + 1]
                i = i + 1
            end
        end
        sender.queue = rest
        sender.head = 0
    end
end
function flush(premature, sender)
    -- plugins/io/lua/webhook-sender.ts:161
    while pending(sender) > 0 do
        do
            local failure = post(sender, sender.queue[sender.head + 1])
            if failure == nil then
                sender.failures = 0
                release(sender)
                goto __continue22
            end
            if premature or ngx.worker.exiting() then
                ngx.log(
                    ngx.ERR,
                    "[tollgate webhook] " .. sender.conf.url .. ": worker exiting, " .. tostring(pending(sender)) .. " event(s) not delivered are lost (" .. failure .. ")"
                )
                sender.queue = {}
                sender.head = 0
                sender.active = false
                return
            end
            sender.failures = sender.failures + 1
            local wait = backoffMs(
                sender.failures,
                sender.conf.initial_backoff_ms,
                sender.conf.max_backoff_ms,
                math.random()
            )
            logThrottled(
                sender,
                "attempt " .. tostring(sender.failures) .. " failed (" .. failure .. "); " .. tostring(pending(sender)) .. " event(s) waiting, retrying with backoff"
            )
            schedule(sender, wait)
            return
        end
        ::__continue22::
    end
    sender.active = false
end
LOG_INTERVAL_S = 10
--- Largest answer body read from the endpoint (it is not used).
local MAX_ANSWER_BYTES = 65536
--- Per worker, per config table (weak: a replaced config's sender lives while its timer runs).
local senders = setmetatable({}, {__mode = "k"})
local function senderFor(conf)
    -- plugins/io/lua/webhook-sender.ts:67
    local sender = senders[conf]
    if sender ~= nil then
        return sender
    end
    local target = parseHttpUrl(conf.url)
    sender = {
        conf = conf,
        options = {
            host = target.host,
            port = target.port,
            tls = tlsSettings(target, conf),
            connectTimeoutMs = conf.timeout_ms,
            timeoutMs = conf.timeout_ms,
            poolSize = 4,
            keepaliveMs = 60000,
            maxBodyBytes = MAX_ANSWER_BYTES
        },
        path = target.basePath == "" and "/" or target.basePath,
        queue = {},
        head = 0,
        failures = 0,
        active = false,
        dropped = 0,
        lastLogAt = 0
    }
    senders[conf] = sender
    return sender
end
--- Queues one event body (JSON); returns false when the queue is full and it was dropped.
function ____exports.enqueueWebhook(conf, body)
    -- plugins/io/lua/webhook-sender.ts:111
    local sender = senderFor(conf)
    if pending(sender) >= conf.max_events then
        sender.dropped = sender.dropped + 1
        logThrottled(
            sender,
            "queue full (" .. tostring(conf.max_events) .. " events): dropped " .. tostring(sender.dropped) .. " event(s)"
        )
        return false
    end
    local ____sender_queue_0 = sender.queue
    ____sender_queue_0[#____sender_queue_0 + 1] = body
    if not sender.active then
        schedule(sender, 0)
    end
    return true
end
return ____exports
