local ____lualib = require("tollgate.lualib_bundle")
local __TS__SparseArrayNew = ____lualib.__TS__SparseArrayNew
local __TS__SparseArrayPush = ____lualib.__TS__SparseArrayPush
local __TS__SparseArraySpread = ____lualib.__TS__SparseArraySpread
local __TS__ArrayJoin = ____lualib.__TS__ArrayJoin
local __TS__ArraySlice = ____lualib.__TS__ArraySlice
local __TS__ArrayUnshift = ____lualib.__TS__ArrayUnshift
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local utf8 = ____bytes.utf8
local ____murmur2 = require("tollgate.io.kafka.murmur2")
local murmur2 = ____murmur2.murmur2
--- The wait before attempt `failures + 1`, in ms: "full jitter" (a uniform draw below an
-- exponentially growing cap), so a fleet of workers that lost the broker together does
-- not come back in lockstep. `random01` is a draw from [0, 1).
function ____exports.backoffMs(failures, initialMs, maxMs, random01)
    -- plugins/kafka-usage/delivery.ts:136
    local cap = initialMs
    do
        local i = 1
        while i < failures and cap < maxMs do
            cap = cap * 2
            i = i + 1
        end
    end
    if cap > maxMs then
        cap = maxMs
    end
    return math.floor(random01 * cap) + 1
end
--- Configs that write to the same Kafka the same way (as the same user), with the same
-- queue bounds, share a channel (one queue, one producer): this is its name. The password
-- enters only as a hash.
function ____exports.channelKey(conf)
    -- plugins/kafka-usage/delivery.ts:17
    local k = conf.kafka
    local where = {
        k.topic,
        table.concat(k.brokers, ","),
        k.acks,
        k.idempotent,
        k.client_id,
        k.timeout_ms,
        conf.queue.max_events,
        conf.queue.max_bytes
    }
    local ____array_4 = __TS__SparseArrayNew(
        k.tls,
        k.tls and k.ssl_verify,
        k.server_name or "",
        k.client_cert == nil and "" or murmur2(utf8(k.client_cert))
    )
    local ____opt_0 = k.sasl
    __TS__SparseArrayPush(____array_4, ____opt_0 and ____opt_0.mechanism or "")
    local ____opt_2 = k.sasl
    __TS__SparseArrayPush(
        ____array_4,
        ____opt_2 and ____opt_2.username or "",
        k.sasl == nil and "" or murmur2(utf8(k.sasl.password))
    )
    local security = {__TS__SparseArraySpread(____array_4)}
    return __TS__ArrayJoin(where, "|") .. "|" .. __TS__ArrayJoin(security, "|")
end
function ____exports.newDeliveryState(queue)
    -- plugins/kafka-usage/delivery.ts:48
    return {
        queue = queue,
        inflight = {},
        halves = {},
        failures = 0,
        retryAtMs = 0
    }
end
--- Ms from `nowMs` until the channel should be sent (0: now), or undefined when it holds
-- nothing: events in flight after their backoff; a full batch at once; otherwise the
-- oldest waiting event after batch.max_age_ms.
function ____exports.msUntilDue(state, batch, nowMs)
    -- plugins/kafka-usage/delivery.ts:57
    if #state.inflight > 0 then
        return state.retryAtMs > nowMs and state.retryAtMs - nowMs or 0
    end
    if #state.halves > 0 then
        return 0
    end
    local queue = state.queue
    local waiting = queue:waiting()
    if waiting == 0 then
        return nil
    end
    if state.failures > 0 and state.retryAtMs > nowMs then
        return state.retryAtMs - nowMs
    end
    if waiting >= batch.max_events then
        return 0
    end
    local due = queue.oldestAt + batch.max_age_ms - nowMs
    return due > 0 and due or 0
end
--- The events of the next attempt: those in flight, or else the next half of a batch Kafka
-- refused for its size, or else the oldest waiting ones (at most batch.max_events and
-- batch.max_bytes).
function ____exports.eventsToSend(state, batch)
    -- plugins/kafka-usage/delivery.ts:76
    if #state.inflight == 0 then
        state.inflight = table.remove(state.halves, 1) or state.queue:take(batch.max_events, batch.max_bytes)
    end
    return state.inflight
end
--- Kafka's error codes for a batch refused for its size: MESSAGE_TOO_LARGE (larger than
-- the topic's max.message.bytes) and RECORD_LIST_TOO_LARGE. The broker writes nothing of
-- such a batch, so sending its events again differently is safe, idempotence included
-- (the partition's sequence did not advance).
function ____exports.isTooLargeError(code)
    -- plugins/kafka-usage/delivery.ts:87
    return code == 10 or code == 18
end
--- A batch Kafka refused for its size: resending it unchanged would fail forever, so its
-- events go back as two halves (halved again if still too large), ahead of the queue and
-- in order. One event that is too large alone can never be written: it leaves the queue's
-- bounds and is returned, for the caller to count as dropped_too_large.
function ____exports.splitRefused(state, events)
    -- plugins/kafka-usage/delivery.ts:97
    if #events == 1 then
        state.queue:release(events)
        return events[1]
    end
    local half = math.ceil(#events / 2)
    __TS__ArrayUnshift(
        state.halves,
        __TS__ArraySlice(events, 0, half),
        __TS__ArraySlice(events, half)
    )
    return nil
end
--- Records an attempt's outcome: `delivered` leave the queue's bounds, `failed` stay in
-- flight for an identical resend after a jittered backoff. Returns whether the failure
-- is worth a log line (the first of a run and every 10th: an outage must not flood it).
function ____exports.settleAttempt(state, delivered, failed, retry, nowMs, random01)
    -- plugins/kafka-usage/delivery.ts:112
    if #delivered > 0 then
        state.queue:release(delivered)
    end
    state.inflight = failed
    if #failed == 0 then
        state.failures = 0
        return false
    end
    state.failures = state.failures + 1
    state.retryAtMs = nowMs + ____exports.backoffMs(state.failures, retry.initial_backoff_ms, retry.max_backoff_ms, random01)
    return state.failures == 1 or state.failures % 10 == 0
end
____exports.COUNTER_NAMES = {
    "queued",
    "sent",
    "retried",
    "dropped",
    "dropped_queue_full",
    "dropped_too_large",
    "dropped_shutdown",
    "adopted",
    "handed_over",
    "unjournaled"
}
function ____exports.zeroCounters()
    -- plugins/kafka-usage/delivery.ts:180
    return {
        queued = 0,
        sent = 0,
        retried = 0,
        dropped = 0,
        dropped_queue_full = 0,
        dropped_too_large = 0,
        dropped_shutdown = 0,
        adopted = 0,
        handed_over = 0,
        unjournaled = 0
    }
end
--- "queued=10 sent=8 …", for a log line.
function ____exports.formatCounters(counters)
    -- plugins/kafka-usage/delivery.ts:185
    local parts = {}
    for ____, name in ipairs(____exports.COUNTER_NAMES) do
        parts[#parts + 1] = name .. "=" .. tostring(counters[name])
    end
    return table.concat(parts, " ")
end
return ____exports
