--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local countWindow
local ____tables = require("tollgate.hosts.lua.tables")
local newTable = ____tables.newTable
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
function countWindow(dict, counter, cost, now, current, previous, at)
    -- plugins/io/lua/shared-dict-counters.ts:45
    local ttl = counterTtl(counter, now)
    local value, err = dict:incr(counter.key, cost, 0, ttl)
    if value == nil then
        return err or "incr failed"
    end
    current[at + 1] = value
    local before = 0
    if counter.sliding then
        local stored = dict:incr(counter.previousKey, 0, 0, ttl)
        if type(stored) == "number" then
            before = stored
        end
    end
    previous[at + 1] = before
    return nil
end
function ____exports.incrementCounters(dictName, counters, cost, now)
    -- plugins/io/lua/shared-dict-counters.ts:12
    local dict = ngx.shared[dictName]
    if dict == nil then
        return nil, "lua_shared_dict '" .. dictName .. "' is not declared"
    end
    local count = #counters
    local current = newTable(count, 0)
    local previous = newTable(count, 0)
    local err
    if count > 0 then
        err = countWindow(
            dict,
            counters[1],
            cost,
            now,
            current,
            previous,
            0
        )
    end
    if count > 1 and err == nil then
        err = countWindow(
            dict,
            counters[2],
            cost,
            now,
            current,
            previous,
            1
        )
    end
    do
        local i = 2
        while i < count and err == nil do
            err = countWindow(
                dict,
                counters[i + 1],
                cost,
                now,
                current,
                previous,
                i
            )
            i = i + 1
        end
    end
    if err ~= nil then
        local counted = #current
        do
            local i = 0
            while i < counted do
                dict:incr(counters[i + 1].key, -cost)
                i = i + 1
            end
        end
        return nil, "lua_shared_dict '" .. dictName .. "': " .. err
    end
    return {current = current, previous = previous}, nil
end
--- Takes `cost` back from every current counter (a refused request must not use up quota).
function ____exports.refundCounters(dictName, counters, cost)
    -- plugins/io/lua/shared-dict-counters.ts:75
    local dict = ngx.shared[dictName]
    if dict == nil then
        return
    end
    for ____, counter in ipairs(counters) do
        dict:incr(counter.key, -cost)
    end
end
return ____exports
