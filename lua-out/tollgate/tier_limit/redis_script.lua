local ____lualib = require("tollgate.lualib_bundle")
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
local ____decide = require("tollgate.tier_limit.decide")
local previousWeight = ____decide.previousWeight
____exports.TIER_LIMIT_SCRIPT = "-- tollgate tier-limit: check all windows, then apply the cost to all or none\nlocal cost = tonumber(ARGV[1])\nlocal windows = #KEYS / 2\nlocal current, previous = {}, {}\nlocal allowed = 1\nfor i = 1, windows do\n  local limit, weight = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]) / 1000000\n  local count = tonumber(redis.call(\"GET\", KEYS[2 * i - 1]) or \"0\")\n  local before = 0\n  if weight > 0 then before = tonumber(redis.call(\"GET\", KEYS[2 * i]) or \"0\") end\n  current[i], previous[i] = count + cost, before\n  if before * weight + count + cost > limit then allowed = 0 end\nend\nif allowed == 1 then\n  for i = 1, windows do\n    current[i] = redis.call(\"INCRBY\", KEYS[2 * i - 1], cost)\n    if current[i] == cost then redis.call(\"EXPIRE\", KEYS[2 * i - 1], ARGV[3 * i + 1]) end\n  end\nend\nreturn { allowed, current, previous }\n"
--- KEYS and ARGV of the script for a plan's checks at `now` (the plan's). Written by
-- index, and the weight as an integer: tstl's multi-item push and toFixed are
-- runtime-library loops LuaJIT does not compile, on every request. The weight is a
-- whole number of millionths already (decide.ts rounds it down to 6 decimals), so both
-- sides compare the same number.
function ____exports.scriptKeysAndArgs(checks, cost, now)
    -- plugins/tier-limit/redis-script.ts:45
    local keys = {}
    local args = {cost}
    do
        local i = 0
        while i < #checks do
            local entry = checks[i + 1]
            keys[2 * i + 1] = entry.key
            keys[2 * i + 1 + 1] = entry.previousKey
            local ____temp_2 = 3 * i + 1 + 1
            local ____opt_0 = entry.spec.overage
            args[____temp_2] = ____opt_0 and ____opt_0.admit or entry.spec.limit
            args[3 * i + 2 + 1] = math.floor(previousWeight(entry, now) * 1000000 + 0.5)
            args[3 * i + 3 + 1] = counterTtl(entry, now)
            i = i + 1
        end
    end
    return {keys = keys, args = args}
end
--- A number of the script's reply (an integer; 0 when missing).
local function replyNumber(value)
    -- plugins/tier-limit/redis-script.ts:61
    local ____temp_4
    if type(value) == "number" then
        ____temp_4 = value
    else
        local ____value_3 = value
        if ____value_3 == nil then
            ____value_3 = 0
        end
        ____temp_4 = __TS__Number(____value_3)
    end
    return ____temp_4
end
--- The script's reply as Counts, or undefined when it is not the shape the script returns.
function ____exports.countsFromReply(reply, windows)
    -- plugins/tier-limit/redis-script.ts:66
    if type(reply) ~= "table" or reply == nil then
        return nil
    end
    local parts = reply
    local current = parts[2]
    local previous = parts[3]
    if type(current) ~= "table" or type(previous) ~= "table" then
        return nil
    end
    local counts = {allowed = parts[1] == 1, current = {}, previous = {}}
    do
        local i = 0
        while i < windows do
            counts.current[i + 1] = replyNumber(current[i + 1])
            counts.previous[i + 1] = replyNumber(previous[i + 1])
            i = i + 1
        end
    end
    return counts
end
return ____exports
