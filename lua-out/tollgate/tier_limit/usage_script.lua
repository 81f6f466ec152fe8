local ____lualib = require("tollgate.lualib_bundle")
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
____exports.USAGE_SCRIPT = "-- tollgate tier-limit usage: read, reset or credit one subject's windows\nlocal op, units = ARGV[1], tonumber(ARGV[2])\nlocal current, previous = {}, {}\nfor i = 1, #KEYS / 2 do\n  local key, before = KEYS[2 * i - 1], KEYS[2 * i]\n  if op == \"reset\" then\n    redis.call(\"DEL\", key, before)\n  elseif op == \"credit\" then\n    local value = redis.call(\"INCRBY\", key, -units)\n    if value == -units then redis.call(\"EXPIRE\", key, ARGV[2 + i]) end\n  end\n  current[i] = tonumber(redis.call(\"GET\", key) or \"0\")\n  previous[i] = tonumber(redis.call(\"GET\", before) or \"0\")\nend\nreturn { current, previous }\n"
--- KEYS and ARGV of the usage script for `checks` at `now`.
function ____exports.usageKeysAndArgs(checks, op, units, now)
    -- plugins/tier-limit/usage-script.ts:35
    local keys = {}
    local args = {op, units}
    do
        local i = 0
        while i < #checks do
            local entry = checks[i + 1]
            keys[2 * i + 1] = entry.key
            keys[2 * i + 1 + 1] = entry.previousKey
            args[2 + i + 1] = counterTtl(entry, now)
            i = i + 1
        end
    end
    return {keys = keys, args = args}
end
--- The usage script's reply as Counts (previous counters of fixed windows read as 0), or undefined.
function ____exports.usageCountsFromReply(reply, checks)
    -- plugins/tier-limit/usage-script.ts:48
    if type(reply) ~= "table" or reply == nil then
        return nil
    end
    local parts = reply
    local current = parts[1]
    local previous = parts[2]
    if type(current) ~= "table" or type(previous) ~= "table" then
        return nil
    end
    local counts = {current = {}, previous = {}}
    do
        local i = 0
        while i < #checks do
            local ____counts_current_1 = counts.current
            local ____temp_2 = i + 1
            local ____current_index_0 = current[i + 1]
            if ____current_index_0 == nil then
                ____current_index_0 = 0
            end
            ____counts_current_1[____temp_2] = __TS__Number(____current_index_0)
            local ____counts_previous_5 = counts.previous
            local ____temp_6 = i + 1
            local ____table_sliding_4
            if checks[i + 1].sliding then
                local ____previous_index_3 = previous[i + 1]
                if ____previous_index_3 == nil then
                    ____previous_index_3 = 0
                end
                ____table_sliding_4 = __TS__Number(____previous_index_3)
            else
                ____table_sliding_4 = 0
            end
            ____counts_previous_5[____temp_6] = ____table_sliding_4
            i = i + 1
        end
    end
    return counts
end
return ____exports
