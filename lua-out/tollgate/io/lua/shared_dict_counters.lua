--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Adds `cost` to every counter and returns their new values (same order), or nil
-- and an error when the zone is missing or full.
function ____exports.incrementCounters(dictName, counters, cost)
    local dict = ngx.shared[dictName]
    if dict == nil then
        return nil, ("lua_shared_dict '" .. dictName) .. "' is not declared"
    end
    local counts = {}
    for ____, counter in ipairs(counters) do
        local value, err = dict:incr(counter.key, cost, 0, counter.ttl)
        if value == nil then
            return nil, (("lua_shared_dict '" .. dictName) .. "': ") .. tostring(err)
        end
        counts[#counts + 1] = value
    end
    return counts, nil
end
--- Takes `cost` back from every counter (a refused request must not use up quota).
function ____exports.refundCounters(dictName, counters, cost)
    local dict = ngx.shared[dictName]
    if dict == nil then
        return
    end
    for ____, counter in ipairs(counters) do
        dict:incr(counter.key, -cost)
    end
end
return ____exports
