--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____billing_2Dperiods = require("tollgate.io.billing_periods")
local recordPeriod = ____billing_2Dperiods.recordPeriod
local ____subscription = require("tollgate.entitlement_check.subscription")
local subscriptionPeriod = ____subscription.subscriptionPeriod
--- After a fetch: the answer's period (tollgate contract with current_period_start), or none for a 404.
function ____exports.recordAnswerPeriod(dict, subject, lookup)
    -- plugins/entitlement-check/record-period.ts:12
    if lookup.kind == "none" then
        recordPeriod(dict, subject, false, false)
        return
    end
    local period = subscriptionPeriod(lookup)
    if period ~= nil then
        recordPeriod(dict, subject, period, false)
    end
end
--- After a webhook was applied: its period for each subject, when it carried one. False when the store refused.
function ____exports.recordWebhookPeriods(dict, result)
    -- plugins/entitlement-check/record-period.ts:22
    local period = result.period
    if period == nil then
        return true
    end
    for ____, subject in ipairs(result.subjects) do
        if not recordPeriod(dict, subject, period, result.forwardOnly == true) then
            return false
        end
    end
    return true
end
return ____exports
