--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____counter = require("tollgate.io.counter")
local counterTtl = ____counter.counterTtl
local ____redis = require("tollgate.io.lua.redis")
local runScript = ____redis.runScript
local scriptSha1 = ____redis.scriptSha1
local ____redis_2Dscript = require("tollgate.tier_limit.redis_script")
local countsFromReply = ____redis_2Dscript.countsFromReply
local ____usage_2Dscript = require("tollgate.tier_limit.usage_script")
local USAGE_SCRIPT = ____usage_2Dscript.USAGE_SCRIPT
local usageKeysAndArgs = ____usage_2Dscript.usageKeysAndArgs
local script = {
    source = USAGE_SCRIPT,
    sha1 = scriptSha1(USAGE_SCRIPT)
}
local function dictNumber(dict, key)
    -- plugins/tier-limit/lua/usage-store.ts:17
    local value = dict:get(key)
    return type(value) == "number" and value or 0
end
local function inDict(dictName, checks, op, units, now)
    -- plugins/tier-limit/lua/usage-store.ts:22
    local dict = ngx.shared[dictName]
    if dict == nil then
        return nil, "lua_shared_dict '" .. dictName .. "' is not declared"
    end
    local counts = {current = {}, previous = {}}
    do
        local i = 0
        while i < #checks do
            local check = checks[i + 1]
            if op == "reset" then
                dict:delete(check.key)
                dict:delete(check.previousKey)
            elseif op == "credit" then
                local ____, err = dict:incr(
                    check.key,
                    -units,
                    0,
                    counterTtl(check, now)
                )
                if err ~= nil then
                    return nil, "lua_shared_dict '" .. dictName .. "': " .. err
                end
            end
            counts.current[i + 1] = dictNumber(dict, check.key)
            counts.previous[i + 1] = check.sliding and dictNumber(dict, check.previousKey) or 0
            i = i + 1
        end
    end
    return counts, nil
end
--- Applies `op` to the checks' counters and answers their counts afterwards (same order).
function ____exports.usageCounts(conf, prepared, checks, op, units, now)
    -- plugins/tier-limit/lua/usage-store.ts:43
    if #checks == 0 then
        return {current = {}, previous = {}}, nil
    end
    if conf.policy == "local" then
        return inDict(
            conf.dict,
            checks,
            op,
            units,
            now
        )
    end
    local ____usageKeysAndArgs_result_0 = usageKeysAndArgs(checks, op, units, now)
    local keys = ____usageKeysAndArgs_result_0.keys
    local args = ____usageKeysAndArgs_result_0.args
    local reply, err = runScript(prepared.redis, script, keys, args)
    if err ~= nil then
        return nil, "redis: " .. err
    end
    local counts = countsFromReply(reply, #checks)
    if counts == nil then
        return nil, "unexpected reply from the usage script"
    end
    return counts, nil
end
return ____exports
