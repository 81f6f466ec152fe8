local ____lualib = require("tollgate.lualib_bundle")
local __TS__New = ____lualib.__TS__New
local __TS__SparseArrayNew = ____lualib.__TS__SparseArrayNew
local __TS__SparseArrayPush = ____lualib.__TS__SparseArrayPush
local __TS__SparseArraySpread = ____lualib.__TS__SparseArraySpread
local ____exports = {}
local channelFor, queueDepth, count, drop, syncCounters, logStats, nowMs, dueIn, schedule, refusedForSize, attempt, abandon, flushTimer, flushLoop, lowestSeq, oldestSeq, unjournaled, adopt, sweepTimer, CONTENT_TYPE_HEADER, channels, channelById, journal, journalOpened, journalFullLoggedAt, SWEEP_INTERVAL_S, channelOfConf, counters, unsynced, dictName, flushing, timerDueAt, lastNowMs, statsStarted, exitNoted
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
local ____bytes = require("tollgate.io.kafka.bytes")
local utf8 = ____bytes.utf8
local ____murmur2 = require("tollgate.io.kafka.murmur2")
local murmur2 = ____murmur2.murmur2
local ____journal = require("tollgate.kafka_usage.lua.journal")
local journalDelete = ____journal.journalDelete
local journalRange = ____journal.journalRange
local journalWrite = ____journal.journalWrite
local openJournal = ____journal.openJournal
local sweep = ____journal.sweep
function channelFor(conf)
    -- plugins/kafka-usage/lua/publisher.ts:84
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
            id = tostring(murmur2(utf8(key))),
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
        channelById[channel.id] = channel
    end
    channelOfConf[conf] = channel
    dictName = conf.dict
    if not journalOpened then
        journalOpened = true
        journal = openJournal(conf.dict)
        if journal ~= nil then
            ngx.timer.every(SWEEP_INTERVAL_S, sweepTimer)
        end
    end
    if not statsStarted and conf.stats_log_interval_s > 0 then
        statsStarted = true
        ngx.timer.every(conf.stats_log_interval_s, logStats)
    end
    return channel
end
function queueDepth()
    -- plugins/kafka-usage/lua/publisher.ts:125
    local depth = 0
    for ____, channel in pairs(channels) do
        depth = depth + channel.delivery.queue:size()
    end
    return depth
end
function count(name, n)
    -- plugins/kafka-usage/lua/publisher.ts:131
    counters[name] = counters[name] + n
    unsynced[name] = unsynced[name] + n
end
function drop(reason, n)
    -- plugins/kafka-usage/lua/publisher.ts:136
    count(reason, n)
    count("dropped", n)
end
function syncCounters()
    -- plugins/kafka-usage/lua/publisher.ts:146
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
    -- plugins/kafka-usage/lua/publisher.ts:160
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
    -- plugins/kafka-usage/lua/publisher.ts:173
    lastNowMs = ngx.now() * 1000
    return lastNowMs
end
function dueIn(channel, now)
    -- plugins/kafka-usage/lua/publisher.ts:179
    local due = msUntilDue(channel.delivery, channel.conf.batch, now)
    return due
end
function schedule(delayMs, now)
    -- plugins/kafka-usage/lua/publisher.ts:185
    local at = now + delayMs
    if timerDueAt >= 0 and timerDueAt <= at then
        return
    end
    local ok, err = ngx.timer.at(delayMs / 1000, flushTimer)
    if ok == nil then
        if ngx.worker.exiting() then
            syncCounters()
            if not exitNoted then
                ngx.log(ngx.NOTICE, "[kafka-usage] worker exiting: events of requests logged after its last flush stay in the node journal (lua_shared_dict " .. dictName .. ") for the next workers (a reload); lost if nginx is stopping")
            end
            exitNoted = true
            return
        end
        ngx.log(
            ngx.ERR,
            "[kafka-usage] cannot schedule a flush: " .. tostring(err)
        )
        return
    end
    timerDueAt = at
end
function refusedForSize(channel, events, ____error)
    -- plugins/kafka-usage/lua/publisher.ts:209
    local lone = splitRefused(channel.delivery, events)
    if lone == nil then
        count("retried", #events)
        return
    end
    drop("dropped_too_large", 1)
    if journal ~= nil then
        journalDelete(journal, {lone})
    end
    ngx.log(
        ngx.ERR,
        "[kafka-usage] dropped an event of " .. tostring(#lone.value) .. " bytes that Kafka refuses even alone: " .. ____error
    )
end
function attempt(channel)
    -- plugins/kafka-usage/lua/publisher.ts:224
    if journal ~= nil then
        journalRange(
            journal,
            oldestSeq()
        )
    end
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
                    goto __continue33
                end
                local target = partition.error == nil and delivered or failed
                for ____, event in ipairs(carried) do
                    target[#target + 1] = event
                end
            end
            ::__continue33::
        end
    end
    if #delivered > 0 then
        count("sent", #delivered)
        if journal ~= nil then
            journalDelete(journal, delivered)
        end
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
    -- plugins/kafka-usage/lua/publisher.ts:259
    local delivery = channel.delivery
    local left = delivery.inflight
    for ____, half in ipairs(delivery.halves) do
        for ____, event in ipairs(half) do
            left[#left + 1] = event
        end
    end
    delivery.inflight = {}
    delivery.halves = {}
    delivery.queue:release(left)
    do
        while true do
            local rest = delivery.queue:take(100000, 1073741824)
            if #rest == 0 then
                break
            end
            delivery.queue:release(rest)
            for ____, event in ipairs(rest) do
                left[#left + 1] = event
            end
        end
    end
    local lost = 0
    local kept = 0
    for ____, event in ipairs(left) do
        if event.seq == nil then
            lost = lost + 1
        else
            kept = kept + 1
        end
    end
    if kept > 0 then
        count("handed_over", kept)
        ngx.log(
            ngx.WARN,
            "[kafka-usage] worker exiting: " .. tostring(kept) .. " undelivered event(s) left in the node journal (lua_shared_dict " .. dictName .. ") for the next workers; lost if nginx is stopping"
        )
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
    -- plugins/kafka-usage/lua/publisher.ts:294
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
    -- plugins/kafka-usage/lua/publisher.ts:312
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
                            goto __continue69
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
                    ::__continue69::
                end
                if wait == nil then
                    return
                end
                if not exiting then
                    if wait > 0 then
                        return
                    end
                    syncCounters()
                    goto __continue66
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
            ::__continue66::
        end
    end
end
function lowestSeq(events, lo)
    -- plugins/kafka-usage/lua/publisher.ts:355
    for ____, event in ipairs(events) do
        local seq = event.seq
        if seq ~= nil and (lo == nil or seq < lo) then
            lo = seq
        end
    end
    return lo
end
function oldestSeq()
    -- plugins/kafka-usage/lua/publisher.ts:368
    local lo
    for ____, channel in pairs(channels) do
        local delivery = channel.delivery
        lo = lowestSeq(delivery.inflight, lo)
        for ____, half in ipairs(delivery.halves) do
            lo = lowestSeq(half, lo)
        end
        local oldest = delivery.queue:oldest()
        if oldest ~= nil then
            lo = lowestSeq({oldest}, lo)
        end
    end
    return lo
end
function unjournaled(now)
    -- plugins/kafka-usage/lua/publisher.ts:381
    count("unjournaled", 1)
    if journalFullLoggedAt >= 0 and now - journalFullLoggedAt < 10000 then
        return
    end
    journalFullLoggedAt = now
    ngx.log(ngx.ERR, "[kafka-usage] lua_shared_dict " .. dictName .. " is full: events are queued without a copy in the node journal and are lost if this worker dies (enlarge the dict)")
end
function adopt(entry, key)
    -- plugins/kafka-usage/lua/publisher.ts:393
    local channel = channelById[entry.channel]
    if channel == nil then
        return false
    end
    local event = {key = entry.key, value = entry.value, timestamp = entry.timestamp, headers = CONTENT_TYPE_HEADER}
    if channel.delivery.queue:offer(
        event,
        nowMs()
    ) ~= "queued" then
        return false
    end
    count("adopted", 1)
    if journal ~= nil and not journalWrite(journal, channel.id, event, key) then
        count("unjournaled", 1)
    end
    return true
end
function sweepTimer(premature)
    -- plugins/kafka-usage/lua/publisher.ts:404
    if premature or journal == nil or ngx.worker.exiting() then
        return
    end
    local taken = sweep(journal, adopt)
    if taken == 0 then
        return
    end
    ngx.log(
        ngx.NOTICE,
        "[kafka-usage] took over " .. tostring(taken) .. " event(s) a worker that is gone left in the node journal"
    )
    local now = nowMs()
    if not flushing then
        schedule(0, now)
    end
end
--- Queues an encoded event (`value`, keyed by `key`, at `timestampMs`) on the channel of
-- `conf`: what publish does with a usage event, and the log phase with tier-limit's
-- threshold events (same queue, guarantees and counters). Never waits.
function ____exports.publishEncoded(conf, key, value, timestampMs)
    -- plugins/kafka-usage/lua/publisher.ts:428
    local channel = channelFor(conf)
    local queue = channel.delivery.queue
    local fresh = queue:waiting() == 0 or not flushing and timerDueAt < 0
    local now = fresh and nowMs() or lastNowMs
    local queued = {key = key, value = value, timestamp = timestampMs, headers = CONTENT_TYPE_HEADER}
    local result = queue:offer(queued, now)
    if result ~= "queued" then
        drop(result == "too_large" and "dropped_too_large" or "dropped_queue_full", 1)
        return result
    end
    count("queued", 1)
    if journal ~= nil and not journalWrite(journal, channel.id, queued) then
        unjournaled(now)
    end
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
channelById = {}
journalOpened = false
journalFullLoggedAt = -1
SWEEP_INTERVAL_S = 1
channelOfConf = setmetatable({}, {__mode = "k"})
counters = zeroCounters()
unsynced = zeroCounters()
dictName = "tollgate_usage"
flushing = false
timerDueAt = -1
lastNowMs = 0
statsStarted = false
exitNoted = false
--- The log-phase step: one event for the request, queued. Returns what happened to it
-- ("queued", "queue_full", "too_large" or "skipped"); never waits.
function ____exports.publish(conf, facts, nodeId)
    -- plugins/kafka-usage/lua/publisher.ts:417
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
    -- plugins/kafka-usage/lua/publisher.ts:464
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
