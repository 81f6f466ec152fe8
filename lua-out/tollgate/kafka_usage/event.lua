local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local entityJson, consumerJson, headersJson, escapedOften, pad, secondPrefix, hasSpecial, SHORT_ESCAPES, HEX, ESCAPED_LIMIT, escapedCache, escapedCount, ZEROS, lastSecond, lastPrefix
local ____utf8 = require("tollgate.core.utf8")
local jsonText = ____utf8.jsonText
function entityJson(entity)
    -- plugins/kafka-usage/event.ts:199
    if entity.id == nil then
        return "{\"name\":\"" .. escapedOften(entity.name) .. "\"}"
    end
    if entity.name == nil then
        return "{\"id\":\"" .. escapedOften(entity.id) .. "\"}"
    end
    return "{\"id\":\"" .. escapedOften(entity.id) .. "\",\"name\":\"" .. escapedOften(entity.name) .. "\"}"
end
function consumerJson(consumer)
    -- plugins/kafka-usage/event.ts:205
    local username = consumer.username == nil and "" or ",\"username\":\"" .. escapedOften(consumer.username) .. "\""
    local customId = consumer.custom_id == nil and "" or ",\"custom_id\":\"" .. escapedOften(consumer.custom_id) .. "\""
    return "{\"id\":\"" .. escapedOften(consumer.id) .. "\"" .. username .. customId .. "}"
end
function headersJson(headers)
    -- plugins/kafka-usage/event.ts:211
    local names = {}
    for name in pairs(headers) do
        names[#names + 1] = name
    end
    __TS__ArraySort(names)
    local out = ""
    for ____, name in ipairs(names) do
        out = (out == "" and "{" or out .. ",") .. "\"" .. ____exports.escaped(name) .. "\":\"" .. ____exports.escaped(headers[name]) .. "\""
    end
    return out .. "}"
end
--- The inside of a JSON string literal for `text`: valid UTF-8 first (core/utf8.ts: a
-- client's 0xFF byte becomes U+FFFD), then `"`, `\` and control characters escaped;
-- everything else, UTF-8 included, is copied as is (Lua sees bytes ≥ 0x80, JavaScript
-- code units ≥ 0x80: neither is escaped, so both write the same text). Text without any
-- of them, the common case, is returned as it is: one scan, no copy.
function ____exports.escaped(raw)
    -- plugins/kafka-usage/event.ts:257
    if not hasSpecial(raw) then
        return raw
    end
    local text = jsonText(raw)
    local length = #text
    local i = 0
    local out = ""
    local runStart = 0
    do
        while i < length do
            do
                local code = __TS__StringCharCodeAt(text, i)
                if code >= 32 and code ~= 34 and code ~= 92 then
                    goto __continue32
                end
                local escape = SHORT_ESCAPES[code] or "\\u00" .. __TS__StringCharAt(
                    HEX,
                    bit.arshift(code, 4)
                ) .. __TS__StringCharAt(
                    HEX,
                    bit.band(code, 15)
                )
                out = out .. __TS__StringSubstring(text, runStart, i) .. escape
                runStart = i + 1
            end
            ::__continue32::
            i = i + 1
        end
    end
    return out .. __TS__StringSubstring(text, runStart)
end
function escapedOften(text)
    -- plugins/kafka-usage/event.ts:283
    local known = escapedCache[text]
    if known == nil then
        if escapedCount >= ESCAPED_LIMIT then
            escapedCache = {}
            escapedCount = 0
        end
        known = ____exports.escaped(text)
        escapedCache[text] = known
        escapedCount = escapedCount + 1
    end
    return known
end
function pad(value, width)
    -- plugins/kafka-usage/event.ts:303
    local text = tostring(value)
    local missing = width - #text
    return missing <= 0 and text or __TS__StringSubstring(ZEROS, 0, missing) .. text
end
--- Epoch milliseconds as RFC 3339 UTC with milliseconds ("2026-11-24T20:01:45.123Z"),
-- by arithmetic alone: LuaJIT's os.date would do the date part, Node's Date all of it,
-- and one function keeps both runtimes to the same output.
function ____exports.rfc3339(epochMs)
    -- plugins/kafka-usage/event.ts:318
    local ms = math.floor(epochMs)
    local second = math.floor(ms / 1000)
    if second ~= lastSecond then
        lastPrefix = secondPrefix(ms)
        lastSecond = second
    end
    return lastPrefix .. pad(ms - second * 1000, 3) .. "Z"
end
function secondPrefix(ms)
    -- plugins/kafka-usage/event.ts:337
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
    return pad(year, 4) .. "-" .. pad(month, 2) .. "-" .. pad(day, 2) .. "T" .. pad(hour, 2) .. ":" .. pad(minute, 2) .. ":" .. pad(second, 2) .. "."
end
--- The subject of a request's event, or undefined when no event is wanted (anonymous: skip).
function ____exports.subjectOf(conf, facts)
    -- plugins/kafka-usage/event.ts:95
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
    -- plugins/kafka-usage/event.ts:107
    if id == nil and name == nil then
        return nil
    end
    return {id = id, name = name}
end
--- The event for a request, or undefined when the config wants none (anonymous: skip).
function ____exports.buildUsageEvent(conf, facts, nodeId)
    -- plugins/kafka-usage/event.ts:113
    local subject = ____exports.subjectOf(conf, facts)
    if subject == nil then
        return nil
    end
    local consumer = facts.consumer
    local upstreamMs = facts.upstreamLatencyMs
    local ____facts_method_3 = facts.method
    local ____facts_path_4 = facts.path
    local ____facts_status_5 = facts.status
    local ____facts_latencyMs_6 = facts.latencyMs
    local ____temp_7 = upstreamMs ~= nil and upstreamMs > facts.latencyMs and facts.latencyMs or upstreamMs
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
        upstream_latency_ms = ____temp_7,
        request_bytes = ____facts_requestBytes_8,
        response_bytes = ____facts_responseBytes_9,
        route = ____entity_result_10,
        service = ____entity_result_11,
        consumer = ____temp_2,
        tier = facts.tier,
        plan = facts.plan,
        features = facts.features,
        units = facts.units
    }
    if facts.overage ~= nil then
        data.overage = true
        data.overage_windows = facts.overage
    end
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
        source = conf.source .. "/" .. nodeId,
        type = conf.type,
        subject = subject,
        time = ____exports.rfc3339(facts.startedMs),
        datacontenttype = "application/json",
        data = data
    }
end
--- The event as JSON text, keys in the documented order (data.headers sorted by name): the
-- same bytes in LuaJIT and Node, and in LuaJIT a compiled string build instead of a
-- lua-cjson call, which walked the tables through the C API on every request (the
-- largest item in the log phase's profile). Numbers here are integers (status, ms,
-- bytes), printed without exponent below 10^14 in both runtimes.
function ____exports.encodeUsageEvent(event)
    -- plugins/kafka-usage/event.ts:172
    local d = event.data
    local upstream = d.upstream_latency_ms == nil and "" or ",\"upstream_latency_ms\":" .. tostring(d.upstream_latency_ms)
    local route = d.route == nil and "" or ",\"route\":" .. entityJson(d.route)
    local service = d.service == nil and "" or ",\"service\":" .. entityJson(d.service)
    local consumer = d.consumer == nil and "" or ",\"consumer\":" .. consumerJson(d.consumer)
    local tier = d.tier == nil and "" or ",\"tier\":\"" .. escapedOften(d.tier) .. "\""
    local plan = d.plan == nil and "" or ",\"plan\":\"" .. escapedOften(d.plan) .. "\""
    local features = d.features == nil and "" or ",\"features\":\"" .. escapedOften(d.features) .. "\""
    local overage = d.overage == true and ",\"overage\":true,\"overage_windows\":\"" .. escapedOften(d.overage_windows or "") .. "\"" or ""
    local units = d.units == nil and "" or ",\"units\":" .. tostring(d.units)
    local headers = d.headers == nil and "" or ",\"headers\":" .. headersJson(d.headers)
    local unique = not hasSpecial(event.id .. event.time .. d.path)
    local id = unique and event.id or ____exports.escaped(event.id)
    local time = unique and event.time or ____exports.escaped(event.time)
    local path = unique and d.path or ____exports.escaped(d.path)
    return "{\"specversion\":\"1.0\",\"id\":\"" .. id .. "\",\"source\":\"" .. escapedOften(event.source) .. "\",\"type\":\"" .. escapedOften(event.type) .. "\"," .. "\"subject\":\"" .. escapedOften(event.subject) .. "\",\"time\":\"" .. time .. "\",\"datacontenttype\":\"application/json\"," .. "\"data\":{\"method\":\"" .. escapedOften(d.method) .. "\",\"path\":\"" .. path .. "\",\"status\":" .. tostring(d.status) .. ",\"latency_ms\":" .. tostring(d.latency_ms) .. upstream .. "," .. "\"request_bytes\":" .. tostring(d.request_bytes) .. ",\"response_bytes\":" .. tostring(d.response_bytes) .. route .. service .. consumer .. tier .. plan .. features .. overage .. units .. headers .. "}}"
end
--- True where strings are byte strings (LuaJIT): see io/kafka/bytes.ts.
local LUA = #"é" == 2
--- The Lua pattern of hasSpecial (built with fromCharCode, which tstl makes string.char).
local SPECIAL = "[%c\"\\" .. string.char(128) .. "-" .. string.char(255) .. "]"
--- Whether `text` holds a character JSON must escape, or one that may need a UTF-8 repair.
-- LuaJIT: one pattern match in C (a character loop runs interpreted in the log phase,
-- where ngx.var calls keep LuaJIT from compiling); Node: a loop over the code units.
hasSpecial = LUA and (function(text)
    -- plugins/kafka-usage/event.ts:237
    return string.find(text, SPECIAL) ~= nil
end) or (function(text)
    -- plugins/kafka-usage/event.ts:238
    do
        local i = 0
        while i < #text do
            local code = __TS__StringCharCodeAt(text, i)
            if code < 32 or code == 34 or code == 92 or code >= 55296 and code <= 57343 then
                return true
            end
            i = i + 1
        end
    end
    return false
end)
SHORT_ESCAPES = {
    [8] = "\\b",
    [9] = "\\t",
    [10] = "\\n",
    [12] = "\\f",
    [13] = "\\r",
    [34] = "\\\"",
    [92] = "\\\\"
}
HEX = "0123456789abcdef"
ESCAPED_LIMIT = 4096
escapedCache = {}
escapedCount = 0
ZEROS = "0000"
lastSecond = -1
lastPrefix = ""
return ____exports
