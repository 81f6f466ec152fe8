--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
____exports.USAGE_SCRIPT = "-- tollgate tier-limit usage: read, reset or credit one subject's windows\nlocal op, units = ARGV[1], tonumber(ARGV[2])\nlocal current, previous = {}, {}\nfor i = 1, #KEYS / 2 do\n  local key, before = KEYS[2 * i - 1], KEYS[2 * i]\n  if op == \"reset\" then\n    redis.call(\"DEL\", key, before)\n  elseif op == \"credit\" then\n    local value = redis.call(\"INCRBY\", key, -units)\n    if value == -units then redis.call(\"EXPIRE\", key, ARGV[2 + i]) end\n  end\n  current[i] = tonumber(redis.call(\"GET\", key) or \"0\")\n  previous[i] = tonumber(redis.call(\"GET\", before) or \"0\")\nend\nreturn { 1, current, previous }\n"
--- KEYS and ARGV of the usage script for `checks` at `now`.
function ____exports.usageKeysAndArgs(checks, op, units, now)
    -- plugins/tier-limit/usage-script.ts:37
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
return ____exports
