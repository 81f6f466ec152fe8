--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Seconds a counter created at `now` must live (at least 1): every store's TTL.
function ____exports.counterTtl(counter, now)
    -- plugins/io/counter.ts:18
    local ttl = counter.keepUntil - math.floor(now)
    return ttl > 1 and ttl or 1
end
return ____exports
