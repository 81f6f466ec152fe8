local ____lualib = require("tollgate.lualib_bundle")
local __TS__New = ____lualib.__TS__New
local __TS__SparseArrayNew = ____lualib.__TS__SparseArrayNew
local __TS__SparseArrayPush = ____lualib.__TS__SparseArrayPush
local __TS__SparseArraySpread = ____lualib.__TS__SparseArraySpread
local ____exports = {}
local channelFor, queueDepth, count, drop, syncCounters, logStats, nowMs, dueIn, schedule, refusedForSize, attempt, abandon, flushTimer, flushLoop, CONTENT_TYPE_HEADER, channels, channelOfConf, counters, unsynced, dictName, flushing, timerDueAt, lastNowMs, statsStarted
local ____delivery = require("tollgate.kafka_usage.delivery")
local channelKey = ____delivery.channelKey
local COUNTER_NAMES = ____delivery.COUNTER_NAMES
local eventsToSend = ____delivery.eventsToSend
local formatCounters = ____delivery.formatCounters
local isTooLargeError = ____delivery.isTooLargeError
local msUntilDue = ____delivery.msUntilDue
local newDeliveryState = ____delivery.newDeliveryState
local settleAttempt = ____delivery.settleAttempt
local splitRefused = ____delivery.splitRefused
local zeroCounters = ____delivery.zeroCounters
local ____event = require("tollgate.kafka_usage.event")
local buildUsageEvent = ____event.buildUsageEvent
local encodeUsageEvent = ____event.encodeUsageEvent
local ____queue = require("tollgate.kafka_usage.queue")
local EventQueue = ____queue.EventQueue
local ____kafka_2Dproducer = require("tollgate.io.lua.kafka_producer")
local send = ____kafka_2Dproducer.send
function channelFor(conf)
    -- plugins/kafka-usage/lua/publisher.ts:65
    local channel = channelOfConf[conf]
    if channel ~= nil then
        return channel
    end
    local key = channelKey(conf)
    channel = channels[key]
    if channel == nil then
        local k = conf.kafka
        channel = {
            conf = conf,
            producer = {
                brokers = k.brokers,
                client_id = k.client_id,
                timeout_ms = k.timeout_ms,
                acks = k.acks,
                idempotent = k.idempotent,
                keepalive_ms = k.keepalive_ms,
                metadata_max_age_s = k.metadata_max_age_s,
                tls = k.tls and ({verify = k.ssl_verify, server_name = k.server_name, client_cert = k.client_cert, client_key = k.client_key}) or nil,
                sasl = k.sasl
            },
            delivery = newDeliveryState(__TS__New(EventQueue, conf.queue.max_events, conf.queue.max_bytes, conf.batch.max_bytes))
        }
        channels[key] = channel
    end
    channelOfConf[conf] = channel
    dictName = conf.dict
    if not statsStarted and conf.stats_log_interval_s > 0 then
        statsStarted = true
        ngx.timer.every(conf.stats_log_interval_s, logStats)
    end
    return channel
end
function queueDepth()
    -- plugins/kafka-usage/lua/publisher.ts:99
    local depth = 0
    for ____, channel in pairs(channels) do
        depth = depth + channel.delivery.queue:size()
    end
    return depth
end
function count(name, n)
    -- plugins/kafka-usage/lua/publisher.ts:105
    counters[name] = counters[name] + n
    unsynced[name] = unsynced[name] + n
end
function drop(reason, n)
    -- plugins/kafka-usage/lua/publisher.ts:110
    count(reason, n)
    count("dropped", n)
end
function syncCounters()
    -- plugins/kafka-usage/lua/publisher.ts:120
    local dict = ngx.shared[dictName]
    if dict == nil then
        return
    end
    local worker = ngx.worker.id() or 0
    for ____, name in ipairs(COUNTER_NAMES) do
        if unsynced[name] ~= 0 then
            dict:incr(name, unsynced[name], 0)
            unsynced[name] = 0
        end
        dict:set(
            "worker:" .. tostring(worker) .. ":" .. name,
            counters[name]
        )
    end
    dict:set(
        "worker:" .. tostring(worker) .. ":depth",
        queueDepth()
    )
end
function logStats(premature)
    -- plugins/kafka-usage/lua/publisher.ts:134
    if premature then
        return
    end
    syncCounters()
    ngx.log(
        ngx.NOTICE,
        "[kafka-usage] worker " .. tostring(ngx.worker.id() or 0) .. ": " .. formatCounters(counters) .. " depth=" .. tostring(queueDepth())
    )
end
function nowMs()
    -- plugins/kafka-usage/lua/publisher.ts:147
    lastNowMs = ngx.now() * 1000
    return lastNowMs
end
function dueIn(channel, now)
    -- plugins/kafka-usage/lua/publisher.ts:153
    local due = msUntilDue(channel.delivery, channel.conf.batch, now)
    return due
end
function schedule(delayMs, now)
    -- plugins/kafka-usage/lua/publisher.ts:159
    local at = now + delayMs
    if timerDueAt >= 0 and timerDueAt <= at then
        return
    end
    local ok, err = ngx.timer.at(delayMs / 1000, flushTimer)
    if ok == nil then
        ngx.log(
            ngx.ERR,
            "[kafka-usage] cannot schedule a flush: " .. tostring(err)
        )
        return
    end
    timerDueAt = at
end
function refusedForSize(channel, events, ____error)
    -- plugins/kafka-usage/lua/publisher.ts:174
    local lone = splitRefused(channel.delivery, events)
    if lone == nil then
        count("retried", #events)
        return
    end
    drop("dropped_too_large", 1)
    ngx.log(
        ngx.ERR,
        "[kafka-usage] dropped an event of " .. tostring(#lone.value) .. " bytes that Kafka refuses even alone: " .. ____error
    )
end
function attempt(channel)
    -- plugins/kafka-usage/lua/publisher.ts:188
    local events = eventsToSend(channel.delivery, channel.conf.batch)
    if #events == 0 then
        return nil
    end
    local result, err = send(channel.producer, channel.conf.kafka.topic, events)
    local delivered = {}
    local failed = events
    if result ~= nil then
        failed = {}
        for ____, partition in ipairs(result.partitions) do
            do
                local carried = partition.records
                if partition.error ~= nil and isTooLargeError(partition.errorCode) then
                    refusedForSize(channel, carried, partition.error)
                    goto __continue27
                end
                local target = partition.error == nil and delivered or failed
                for ____, event in ipairs(carried) do
                    target[#target + 1] = event
                end
            end
            ::__continue27::
        end
    end
    if #delivered > 0 then
        count("sent", #delivered)
    end
    if #failed > 0 then
        count("retried", #failed)
    end
    local now = nowMs()
    if settleAttempt(
        channel.delivery,
        delivered,
        failed,
        channel.conf.retry,
        now,
        math.random()
    ) then
        local failures = channel.delivery.failures
        ngx.log(
            ngx.WARN,
            "[kafka-usage] " .. tostring(#failed) .. " event(s) not acknowledged (attempt " .. tostring(failures) .. "), will retry: " .. (err or "a partition failed")
        )
    end
    return now
end
function abandon(channel)
    -- plugins/kafka-usage/lua/publisher.ts:219
    local delivery = channel.delivery
    local left = delivery.inflight
    delivery.inflight = {}
    delivery.queue:release(left)
    local lost = #left
    do
        while true do
            local rest = delivery.queue:take(100000, 1073741824)
            if #rest == 0 then
                break
            end
            delivery.queue:release(rest)
            lost = lost + #rest
        end
    end
    if lost > 0 then
        drop("dropped_shutdown", lost)
        ngx.log(
            ngx.ERR,
            "[kafka-usage] worker exiting: " .. tostring(lost) .. " event(s) could not be delivered within queue.shutdown_timeout_ms and are lost"
        )
    end
end
function flushTimer(premature)
    -- plugins/kafka-usage/lua/publisher.ts:241
    timerDueAt = -1
    if flushing then
        return
    end
    flushing = true
    local ok, err = pcall(flushLoop, premature)
    flushing = false
    if not ok then
        ngx.log(ngx.ERR, "[kafka-usage] flush failed: " .. err)
    end
    syncCounters()
    local now = nowMs()
    local next
    for ____, channel in pairs(channels) do
        local due = dueIn(channel, now)
        if due ~= nil and (next == nil or due < next) then
            next = due
        end
    end
    if next ~= nil and not ngx.worker.exiting() then
        schedule(next, now)
    end
end
function flushLoop(premature)
    -- plugins/kafka-usage/lua/publisher.ts:259
    local deadline = -1
    do
        while true do
            do
                local exiting = premature or ngx.worker.exiting()
                ngx.update_time()
                local now = nowMs()
                if exiting and deadline < 0 then
                    local longest = 0
                    for ____, channel in pairs(channels) do
                        longest = math.max(longest, channel.conf.queue.shutdown_timeout_ms)
                    end
                    deadline = now + longest
                end
                local wait
                for ____, channel in pairs(channels) do
                    do
                        local due = dueIn(channel, now)
                        if due == nil then
                            goto __continue51
                        end
                        if due == 0 or exiting and channel.delivery.failures == 0 then
                            local after = attempt(channel) or now
                            local again = dueIn(channel, after)
                            if again ~= nil and (wait == nil or again < wait) then
                                wait = again
                            end
                        elseif wait == nil or due < wait then
                            wait = due
                        end
                    end
                    ::__continue51::
                end
                if wait == nil then
                    return
                end
                if not exiting then
                    if wait > 0 then
                        return
                    end
                    syncCounters()
                    goto __continue48
                end
                if lastNowMs + wait > deadline then
                    for ____, channel in pairs(channels) do
                        abandon(channel)
                    end
                    return
                end
                syncCounters()
                if wait > 0 then
                    ngx.sleep(wait / 1000)
                end
            end
            ::__continue48::
        end
    end
end
--- Queues an encoded event (`value`, keyed by `key`, at `timestampMs`) on the channel of
-- `conf`: what publish does with a usage event, and the log phase with tier-limit's
-- threshold events (same queue, guarantees and counters). Never waits.
function ____exports.publishEncoded(conf, key, value, timestampMs)
    -- plugins/kafka-usage/lua/publisher.ts:316
    local channel = channelFor(conf)
    local queue = channel.delivery.queue
    local fresh = queue:waiting() == 0 or not flushing and timerDueAt < 0
    local now = fresh and nowMs() or lastNowMs
    local result = queue:offer({key = key, value = value, timestamp = timestampMs, headers = CONTENT_TYPE_HEADER}, now)
    if result ~= "queued" then
        drop(result == "too_large" and "dropped_too_large" or "dropped_queue_full", 1)
        return result
    end
    count("queued", 1)
    if flushing then
        return result
    end
    if not fresh and queue:waiting() < channel.conf.batch.max_events then
        return result
    end
    local due = dueIn(channel, now)
    if due == nil or timerDueAt >= 0 and timerDueAt <= now + due then
        return result
    end
    if not fresh then
        now = nowMs()
        due = dueIn(channel, now)
        if due == nil then
            return result
        end
    end
    schedule(due, now)
    return result
end
CONTENT_TYPE_HEADER = {{key = "content-type", value = "application/cloudevents+json"}}
channels = {}
channelOfConf = setmetatable({}, {__mode = "k"})
counters = zeroCounters()
unsynced = zeroCounters()
dictName = "tollgate_usage"
flushing = false
timerDueAt = -1
lastNowMs = 0
statsStarted = false
--- The log-phase step: one event for the request, queued. Returns what happened to it
-- ("queued", "queue_full", "too_large" or "skipped"); never waits.
function ____exports.publish(conf, facts, nodeId)
    -- plugins/kafka-usage/lua/publisher.ts:305
    local event = buildUsageEvent(conf, facts, nodeId)
    if event == nil then
        return "skipped"
    end
    return ____exports.publishEncoded(
        conf,
        event.subject,
        encodeUsageEvent(event),
        facts.startedMs
    )
end
--- The counters summed over this node's workers, from the shared dict, plus each
-- worker's own figures: what GET /kafka-usage/status answers.
function ____exports.nodeStatus(dict)
    -- plugins/kafka-usage/lua/publisher.ts:350
    syncCounters()
    local shared = ngx.shared[dict]
    if shared == nil then
        return nil
    end
    local total = {}
    for ____, name in ipairs(COUNTER_NAMES) do
        total[name] = (shared:get(name)) or 0
    end
    local workers = {}
    do
        local id = 0
        while id < ngx.worker.count() do
            local figures = {}
            local ____array_0 = __TS__SparseArrayNew(unpack(COUNTER_NAMES))
            __TS__SparseArrayPush(____array_0, "depth")
            for ____, name in ipairs({__TS__SparseArraySpread(____array_0)}) do
                figures[name] = (shared:get("worker:" .. tostring(id) .. ":" .. name)) or 0
            end
            workers[tostring(id)] = figures
            id = id + 1
        end
    end
    return {total = total, workers = workers}
end
return ____exports
