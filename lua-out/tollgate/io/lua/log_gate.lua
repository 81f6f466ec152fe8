--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local stores = {}
--- The throttle store over lua_shared_dict `dictName`, or undefined when nginx has no such dict.
function ____exports.logGate(dictName)
    -- plugins/io/lua/log-gate.ts:12
    local store = stores[dictName]
    if store == nil then
        local dict = ngx.shared[dictName]
        local ____temp_1
        if dict == nil then
            ____temp_1 = false
        else
            ____temp_1 = {
                add = function(key, ttl)
                    -- plugins/io/lua/log-gate.ts:20
                    local ok, err = dict:add(key, true, ttl)
                    if ok then
                        return true
                    end
                    local ____temp_0
                    if err == "exists" then
                        ____temp_0 = false
                    else
                        ____temp_0 = nil
                    end
                    return ____temp_0
                end,
                incr = function(key, by)
                    -- plugins/io/lua/log-gate.ts:25
                    local value = dict:incr(key, by, 0)
                    return value
                end
            }
        end
        store = ____temp_1
        stores[dictName] = store
    end
    local ____temp_2
    if store == false then
        ____temp_2 = nil
    else
        ____temp_2 = store
    end
    return ____temp_2
end
return ____exports
