--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____event = require("tollgate.kafka_usage.event")
local escaped = ____event.escaped
local rfc3339 = ____event.rfc3339
local ____decide = require("tollgate.tier_limit.decide")
local previousWeight = ____decide.previousWeight
local ____thresholds_2Dschema = require("tollgate.tier_limit.thresholds_schema")
local sortedThresholds = ____thresholds_2Dschema.sortedThresholds
--- The thresholds (ascending) a count crossed going from `before` to `after`, in that order.
function ____exports.crossedThresholds(thresholds, limit, before, after)
    -- plugins/tier-limit/thresholds.ts:24
    local crossed = {}
    for ____, percent in ipairs(thresholds) do
        local at = percent * limit / 100
        if before < at and after >= at then
            crossed[#crossed + 1] = percent
        end
    end
    return crossed
end
local function windowCrossings(found, thresholds, entry, i, counts, cost, now)
    -- plugins/tier-limit/thresholds.ts:47
    local limit = entry.spec.limit
    local current = counts.current[i + 1] or 0
    local after = entry.sliding and (counts.previous[i + 1] or 0) * previousWeight(entry, now) + current or current
    if after * 100 < thresholds[1] * limit then
        return found
    end
    for ____, percent in ipairs(____exports.crossedThresholds(thresholds, limit, after - cost, after)) do
        if found == nil then
            found = {}
        end
        found[#found + 1] = {
            key = entry.key .. ":" .. tostring(percent),
            percent = percent,
            window = entry.spec.window,
            limit = limit,
            used = math.ceil(after),
            windowStart = entry.windowStart,
            windowEnd = entry.resetAt
        }
    end
    return found
end
--- The crossings of an admitted request, window by window (shortest first), or undefined
-- when it crossed none. `thresholds` must be sortedThresholds' (non-empty).
function ____exports.findCrossings(thresholds, checks, counts, cost, now)
    -- plugins/tier-limit/thresholds.ts:80
    local found
    local count = #checks
    if count > 0 then
        found = windowCrossings(
            found,
            thresholds,
            checks[1],
            0,
            counts,
            cost,
            now
        )
    end
    if count > 1 then
        found = windowCrossings(
            found,
            thresholds,
            checks[2],
            1,
            counts,
            cost,
            now
        )
    end
    do
        local i = 2
        while i < count do
            found = windowCrossings(
                found,
                thresholds,
                checks[i + 1],
                i,
                counts,
                cost,
                now
            )
            i = i + 1
        end
    end
    return found
end
--- What a sequence of requests on one counter emits, with the claims a store keeps: per
-- request, the thresholds it emits. `count` is what the store reported with the
-- request's cost; a refused request (allowed false) emits nothing. Models the Lua and
-- kong-pdk flow for test vectors (a count that falls — a refund, a sliding estimate
-- decaying — and rises again re-crosses nothing already claimed).
function ____exports.thresholdSequence(thresholds, limit, requests)
    -- plugins/tier-limit/thresholds.ts:103
    local sorted = sortedThresholds(thresholds)
    local claimed = {}
    local emitted = {}
    for ____, request in ipairs(requests) do
        local now = {}
        if request.allowed then
            for ____, percent in ipairs(____exports.crossedThresholds(sorted, limit, request.count - request.cost, request.count)) do
                do
                    if claimed[percent] == true then
                        goto __continue18
                    end
                    claimed[percent] = true
                    now[#now + 1] = percent
                end
                ::__continue18::
            end
        end
        emitted[#emitted + 1] = now
    end
    return emitted
end
--- The subject a threshold event names: the consumer's custom_id, else username, else id; an anonymous caller by address.
function ____exports.thresholdSubject(consumer, clientIp)
    -- plugins/tier-limit/thresholds.ts:122
    if not consumer then
        return "ip:" .. (clientIp or "unknown")
    end
    local named = consumer.custom_id or consumer.username
    return named ~= nil and named ~= "" and named or consumer.id
end
--- The CloudEvent of a crossing; `nowMs` is when it was found (epoch ms).
function ____exports.buildThresholdEvent(settings, crossing, subject, tier, nowMs)
    -- plugins/tier-limit/thresholds.ts:144
    return {
        specversion = "1.0",
        id = crossing.key,
        source = settings.source,
        type = settings.type,
        subject = subject,
        time = rfc3339(nowMs),
        datacontenttype = "application/json",
        data = {
            subject = subject,
            tier = tier,
            window = crossing.window,
            limit = crossing.limit,
            used = crossing.used,
            percent = crossing.percent,
            window_start = rfc3339(crossing.windowStart * 1000),
            window_end = rfc3339(crossing.windowEnd * 1000)
        }
    }
end
--- The event as JSON, keys in the order above: the same bytes in both runtimes, valid
-- UTF-8 whatever the subject's bytes (kafka-usage/event.ts escaped, through core/utf8.ts).
function ____exports.encodeThresholdEvent(event)
    -- plugins/tier-limit/thresholds.ts:176
    local d = event.data
    local subject = escaped(event.subject)
    return "{\"specversion\":\"1.0\",\"id\":\"" .. escaped(event.id) .. "\",\"source\":\"" .. escaped(event.source) .. "\",\"type\":\"" .. escaped(event.type) .. "\"," .. "\"subject\":\"" .. subject .. "\",\"time\":\"" .. event.time .. "\",\"datacontenttype\":\"application/json\"," .. "\"data\":{\"subject\":\"" .. subject .. "\",\"tier\":\"" .. escaped(d.tier) .. "\",\"window\":\"" .. d.window .. "\",\"limit\":" .. tostring(d.limit) .. ",\"used\":" .. tostring(d.used) .. "," .. "\"percent\":" .. tostring(d.percent) .. ",\"window_start\":\"" .. d.window_start .. "\",\"window_end\":\"" .. d.window_end .. "\"}}"
end
--- buildThresholdEvent then encodeThresholdEvent, for test vectors.
function ____exports.thresholdEventJson(settings, crossing, subject, tier, nowMs)
    -- plugins/tier-limit/thresholds.ts:188
    return ____exports.encodeThresholdEvent(____exports.buildThresholdEvent(
        settings,
        crossing,
        subject,
        tier,
        nowMs
    ))
end
return ____exports
