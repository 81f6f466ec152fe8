--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____billing_2Dperiod = require("tollgate.core.billing_period")
local decodePeriod = ____billing_2Dperiod.decodePeriod
local encodePeriod = ____billing_2Dperiod.encodePeriod
local periodKey = ____billing_2Dperiod.periodKey
local luaNgx = _G.ngx
local SHARED_DICT_STORE = {
    get = function(dict, key)
        -- plugins/io/billing-periods.ts:28
        local ____opt_2 = luaNgx and luaNgx.shared
        local ____opt_0 = ____opt_2 and ____opt_2[dict]
        local value = ____opt_0 and ____opt_0:get(key)
        return type(value) == "string" and value or nil
    end,
    set = function(dict, key, value)
        -- plugins/io/billing-periods.ts:32
        local ____opt_6 = luaNgx and luaNgx.shared
        local shared = ____opt_6 and ____opt_6[dict]
        if shared == nil then
            return false
        end
        return shared:set(key, value)
    end,
    delete = function(dict, key)
        -- plugins/io/billing-periods.ts:37
        local ____opt_12 = luaNgx and luaNgx.shared
        local ____opt_10 = ____opt_12 and ____opt_12[dict]
        return ____opt_10 and ____opt_10:delete(key)
    end
}
local installed
--- Makes `store` the node's period store (kong-pdk; the Lua hosts use their shared dicts).
function ____exports.installPeriodStore(store)
    -- plugins/io/billing-periods.ts:43
    installed = store
end
function ____exports.periodStore()
    -- plugins/io/billing-periods.ts:47
    return installed or SHARED_DICT_STORE
end
--- Records `subject`'s period (false: forgets it). `forwardOnly`: not over a period that
-- started later (events that arrive out of order). False when the store refused.
function ____exports.recordPeriod(dict, subject, period, forwardOnly)
    -- plugins/io/billing-periods.ts:55
    local store = ____exports.periodStore()
    local key = periodKey(subject)
    if period == false then
        store.delete(dict, key)
        return true
    end
    if forwardOnly then
        local text = store.get(dict, key)
        local ____temp_16
        if text == nil then
            ____temp_16 = nil
        else
            ____temp_16 = decodePeriod(text)
        end
        local known = ____temp_16
        if known ~= nil and known.start > period.start then
            return true
        end
    end
    return store.set(
        dict,
        key,
        encodePeriod(period)
    )
end
return ____exports
