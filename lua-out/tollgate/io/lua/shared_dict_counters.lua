--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
function ____exports.incrementCounters(dictName, counters, cost)
    local dict = ngx.shared[dictName]
    if dict == nil then
        return nil, "lua_shared_dict '" .. dictName .. "' is not declared"
    end
    local current = {}
    local previous = {}
    for ____, counter in ipairs(counters) do
        local value, err = dict:incr(counter.key, cost, 0, counter.ttl)
        if value == nil then
            do
                local i = 0
                while i < #current do
                    dict:incr(counters[i + 1].key, -cost)
                    i = i + 1
                end
            end
            return nil, "lua_shared_dict '" .. dictName .. "': " .. tostring(err)
        end
        current[#current + 1] = value
        local before = 0
        if counter.weight > 0 then
            local stored = dict:get(counter.previousKey)
            if type(stored) == "number" then
                before = stored
            end
        end
        previous[#previous + 1] = before
    end
    return {current = current, previous = previous}, nil
end
--- Takes `cost` back from every current counter (a refused request must not use up quota).
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
