local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local __TS__NumberToFixed = ____lualib.__TS__NumberToFixed
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
____exports.TIER_LIMIT_SCRIPT = "-- tollgate tier-limit: check all windows, then apply the cost to all or none\nlocal cost = tonumber(ARGV[1])\nlocal windows = #KEYS / 2\nlocal current, previous = {}, {}\nlocal allowed = 1\nfor i = 1, windows do\n  local limit, weight = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])\n  local count = tonumber(redis.call(\"GET\", KEYS[2 * i - 1]) or \"0\")\n  local before = 0\n  if weight > 0 then before = tonumber(redis.call(\"GET\", KEYS[2 * i]) or \"0\") end\n  current[i], previous[i] = count + cost, before\n  if before * weight + count + cost > limit then allowed = 0 end\nend\nif allowed == 1 then\n  for i = 1, windows do\n    current[i] = redis.call(\"INCRBY\", KEYS[2 * i - 1], cost)\n    if current[i] == cost then redis.call(\"EXPIRE\", KEYS[2 * i - 1], ARGV[3 * i + 1]) end\n  end\nend\nreturn { allowed, current, previous }\n"
--- KEYS and ARGV of the script for a plan's checks.
function ____exports.scriptKeysAndArgs(checks, cost)
    local keys = {}
    local args = {cost}
    for ____, entry in ipairs(checks) do
        __TS__ArrayPush(keys, entry.key, entry.previousKey)
        __TS__ArrayPush(
            args,
            entry.spec.limit,
            entry.weight == 0 and "0" or __TS__NumberToFixed(entry.weight, 6),
            entry.ttl
        )
    end
    return {keys = keys, args = args}
end
--- The script's reply as Counts, or undefined when it is not the shape the script returns.
function ____exports.countsFromReply(reply, windows)
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
            local ____counts_current_0 = counts.current
            ____counts_current_0[#____counts_current_0 + 1] = __TS__Number(current[i + 1] or 0)
            local ____counts_previous_1 = counts.previous
            ____counts_previous_1[#____counts_previous_1 + 1] = __TS__Number(previous[i + 1] or 0)
            i = i + 1
        end
    end
    return counts
end
return ____exports
