local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSplit = ____lualib.__TS__StringSplit
local ____exports = {}
local ____usage_2Dcost = require("tollgate.core.usage_cost")
local MAX_UNITS = ____usage_2Dcost.MAX_UNITS
local ____schema = require("tollgate.core.schema")
local integer = ____schema.integer
local record = ____schema.record
local ____string = ____schema.string
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
____exports.costFrom = record({
    description = "Charge what the upstream says a request cost (LLM tokens): a response header, or a number in a JSON body or in the last SSE event that has it. The request is admitted while its caller has quota left; its cost is added when the response ends. Lua hosts only (kong-pdk has no body phase).",
    fields = {
        header = ____string({description = "Response header with the cost (e.g. X-Usage-Units).", minLength = 1}),
        json_field = ____string({description = "Dotted path of the cost in a JSON body or in each SSE event's data (e.g. usage.total_tokens).", minLength = 1}),
        max_body_bytes = integer({description = "Most of a body held to read json_field: the whole JSON body, or one SSE event. A larger one is not read (the minimum cost stays).", default = 1048576, min = 64, max = 67108864})
    },
    check = function(value)
        -- plugins/tier-limit/cost.ts:39
        local header = value.header ~= nil
        local field = value.json_field ~= nil
        if header == field then
            return "header|json_field: exactly one of them must be set"
        end
        local path = value.json_field
        if path ~= nil then
            for ____, key in ipairs(__TS__StringSplit(path, ".")) do
                if key == "" then
                    return "json_field: '" .. path .. "' has an empty key"
                end
            end
        end
        return nil
    end
})
--- What the body reader needs, from a cost_from config.
function ____exports.costSpec(costFromConf)
    -- plugins/tier-limit/cost.ts:52
    return {path = costFromConf.json_field or "", maxBytes = costFromConf.max_body_bytes}
end
--- What a response's reading charges: the request's units and what to add to its minimum.
function ____exports.costCharge(minimum, reading)
    -- plugins/tier-limit/cost.ts:57
    local reported = reading.units
    if reported == nil or reported <= minimum then
        return {units = minimum, extra = 0}
    end
    local units = reported > MAX_UNITS and MAX_UNITS or reported
    return {units = units, extra = units - minimum}
end
--- Adds ARGV[1] to every key (a caller's current window counters: one hash tag, one
-- Redis Cluster slot), giving a counter that has no expiry yet its TTL (ARGV[i + 1]).
-- Also takes a refused request's minimum back (ARGV[1] negative; see lua/cost.ts).
____exports.TIER_LIMIT_CHARGE_SCRIPT = "-- tollgate tier-limit: add a cost reported by the upstream\nlocal cost = tonumber(ARGV[1])\nfor i = 1, #KEYS do\n  redis.call(\"INCRBY\", KEYS[i], cost)\n  if redis.call(\"TTL\", KEYS[i]) == -1 then redis.call(\"EXPIRE\", KEYS[i], ARGV[i + 1]) end\nend\nreturn 1\n"
--- KEYS and ARGV of the charge script for these counters at `now`.
function ____exports.chargeKeysAndArgs(counters, cost, now)
    -- plugins/tier-limit/cost.ts:79
    local keys = {}
    local args = {cost}
    do
        local i = 0
        while i < #counters do
            keys[i + 1] = counters[i + 1].key
            args[i + 1 + 1] = counterTtl(counters[i + 1], now)
            i = i + 1
        end
    end
    return {keys = keys, args = args}
end
return ____exports
