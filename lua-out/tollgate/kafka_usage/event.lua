--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local pad, secondPrefix, lastSecond, lastPrefix
function pad(value, width)
    local text = tostring(value)
    while #text < width do
        text = "0" .. text
    end
    return text
end
--- Epoch milliseconds as RFC 3339 UTC with milliseconds ("2026-11-24T20:01:45.123Z"),
-- by arithmetic alone: LuaJIT's os.date would do the date part, Node's Date all of it,
-- and one function keeps both runtimes to the same output.
function ____exports.rfc3339(epochMs)
    local ms = math.floor(epochMs)
    local second = math.floor(ms / 1000)
    if second ~= lastSecond then
        lastPrefix = secondPrefix(ms)
        lastSecond = second
    end
    return (lastPrefix .. pad(ms - second * 1000, 3)) .. "Z"
end
function secondPrefix(ms)
    local days = math.floor(ms / 86400000)
    local msOfDay = ms - days * 86400000
    local z = days + 719468
    local era = math.floor(z / 146097)
    local dayOfEra = z - era * 146097
    local yearOfEra = math.floor((dayOfEra - math.floor(dayOfEra / 1460) + math.floor(dayOfEra / 36524) - math.floor(dayOfEra / 146096)) / 365)
    local dayOfYear = dayOfEra - (365 * yearOfEra + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100))
    local monthFromMarch = math.floor((5 * dayOfYear + 2) / 153)
    local day = dayOfYear - math.floor((153 * monthFromMarch + 2) / 5) + 1
    local month = monthFromMarch < 10 and monthFromMarch + 3 or monthFromMarch - 9
    local year = yearOfEra + era * 400 + (month <= 2 and 1 or 0)
    local hour = math.floor(msOfDay / 3600000)
    local minute = math.floor(msOfDay % 3600000 / 60000)
    local second = math.floor(msOfDay % 60000 / 1000)
    return ((((((((((pad(year, 4) .. "-") .. pad(month, 2)) .. "-") .. pad(day, 2)) .. "T") .. pad(hour, 2)) .. ":") .. pad(minute, 2)) .. ":") .. pad(second, 2)) .. "."
end
--- The subject of a request's event, or undefined when no event is wanted (anonymous: skip).
function ____exports.subjectOf(conf, facts)
    local consumer = facts.consumer
    if consumer ~= nil then
        local field = conf.subject
        local ____temp_1
        if field == "username" then
            ____temp_1 = consumer.username
        else
            local ____temp_0
            if field == "custom_id" then
                ____temp_0 = consumer.custom_id
            else
                ____temp_0 = nil
            end
            ____temp_1 = ____temp_0
        end
        local value = ____temp_1
        return value ~= nil and value ~= "" and value or consumer.id
    end
    if conf.anonymous == "skip" then
        return nil
    end
    if conf.anonymous == "client_ip" and facts.clientIp ~= nil then
        return "ip:" .. facts.clientIp
    end
    return conf.anonymous_subject
end
local function entity(id, name)
    if id == nil and name == nil then
        return nil
    end
    return {id = id, name = name}
end
--- The event for a request, or undefined when the config wants none (anonymous: skip).
function ____exports.buildUsageEvent(conf, facts, nodeId)
    local subject = ____exports.subjectOf(conf, facts)
    if subject == nil then
        return nil
    end
    local consumer = facts.consumer
    local ____facts_method_3 = facts.method
    local ____facts_path_4 = facts.path
    local ____facts_status_5 = facts.status
    local ____facts_latencyMs_6 = facts.latencyMs
    local ____facts_upstreamLatencyMs_7 = facts.upstreamLatencyMs
    local ____facts_requestBytes_8 = facts.requestBytes
    local ____facts_responseBytes_9 = facts.responseBytes
    local ____entity_result_10 = entity(facts.routeId, facts.routeName)
    local ____entity_result_11 = entity(facts.serviceId, facts.serviceName)
    local ____temp_2
    if consumer == nil then
        ____temp_2 = nil
    else
        ____temp_2 = {id = consumer.id, username = consumer.username, custom_id = consumer.custom_id}
    end
    local data = {
        method = ____facts_method_3,
        path = ____facts_path_4,
        status = ____facts_status_5,
        latency_ms = ____facts_latencyMs_6,
        upstream_latency_ms = ____facts_upstreamLatencyMs_7,
        request_bytes = ____facts_requestBytes_8,
        response_bytes = ____facts_responseBytes_9,
        route = ____entity_result_10,
        service = ____entity_result_11,
        consumer = ____temp_2,
        tier = facts.tier,
        plan = facts.plan,
        features = facts.features
    }
    local headers = facts.headers
    if headers ~= nil then
        for _name in pairs(headers) do
            data.headers = headers
            break
        end
    end
    return {
        specversion = "1.0",
        id = facts.requestId,
        source = (conf.source .. "/") .. nodeId,
        type = conf.type,
        subject = subject,
        time = ____exports.rfc3339(facts.startedMs),
        datacontenttype = "application/json",
        data = data
    }
end
lastSecond = -1
lastPrefix = ""
return ____exports
