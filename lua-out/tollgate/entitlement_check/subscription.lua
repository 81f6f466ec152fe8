local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local ____values = require("tollgate.core.values")
local isList = ____values.isList
local isNull = ____values.isNull
local isObject = ____values.isObject
local ____schema = require("tollgate.entitlement_check.schema")
local SUBSCRIPTION_STATUSES = ____schema.SUBSCRIPTION_STATUSES
local function knownStatus(status)
    -- plugins/entitlement-check/subscription.ts:45
    for ____, s in ipairs(SUBSCRIPTION_STATUSES) do
        if s == status then
            return true
        end
    end
    return false
end
local function stringList(value)
    -- plugins/entitlement-check/subscription.ts:50
    if not isList(value) then
        return nil
    end
    local out = {}
    for ____, item in ipairs(value) do
        if type(item) ~= "string" then
            return nil
        end
        out[#out + 1] = item
    end
    return out
end
local function fromTollgate(body)
    -- plugins/entitlement-check/subscription.ts:60
    if not isObject(body) then
        return {kind = "unknown", reason = "response body is not a JSON object"}
    end
    local plan = body.plan
    local status = isNull(body.status) and "active" or body.status
    local periodEnd = body.current_period_end
    if not isNull(plan) and (type(plan) ~= "string" or plan == "") then
        return {kind = "unknown", reason = "plan is not a string"}
    end
    if type(status) ~= "string" or not knownStatus(status) then
        return {
            kind = "unknown",
            reason = "unknown status '" .. tostring(status) .. "'"
        }
    end
    if not isNull(periodEnd) and type(periodEnd) ~= "number" then
        return {kind = "unknown", reason = "current_period_end is not a number"}
    end
    local features
    if not isNull(body.features) then
        features = stringList(body.features)
        if features == nil then
            return {kind = "unknown", reason = "features is not a list of strings"}
        end
    end
    local subscription = {status = status}
    if type(plan) == "string" then
        subscription.plan = plan
    end
    if type(periodEnd) == "number" then
        subscription.period_end = periodEnd
    end
    if features ~= nil and #features > 0 then
        subscription.features = features
    end
    return {kind = "found", subscription = subscription}
end
local function fromStripe(body)
    -- plugins/entitlement-check/subscription.ts:80
    if not isObject(body) or body.object ~= "list" then
        return {kind = "unknown", reason = "not a Stripe list object"}
    end
    local data = body.data
    if not isList(data) then
        return {kind = "unknown", reason = "data is not a list"}
    end
    local features = {}
    for ____, item in ipairs(data) do
        if not isObject(item) or item.object ~= "entitlements.active_entitlement" then
            return {kind = "unknown", reason = "data holds something other than entitlements.active_entitlement"}
        end
        local key = item.lookup_key
        if type(key) ~= "string" or key == "" then
            return {kind = "unknown", reason = "an active entitlement has no lookup_key"}
        end
        features[#features + 1] = key
    end
    __TS__ArraySort(features)
    local subscription = {status = "active"}
    if #features > 0 then
        subscription.features = features
    end
    return {kind = "found", subscription = subscription}
end
--- Maps an HTTP status and decoded JSON body (undefined or null when it was not JSON) to a lookup.
function ____exports.mapServiceResponse(format, httpStatus, body)
    -- plugins/entitlement-check/subscription.ts:100
    if httpStatus == 404 then
        return {kind = "none"}
    end
    if httpStatus ~= 200 then
        return {
            kind = "unknown",
            reason = "entitlement service answered " .. tostring(httpStatus)
        }
    end
    if isNull(body) then
        return {kind = "unknown", reason = "response body is not JSON"}
    end
    return format == "stripe" and fromStripe(body) or fromTollgate(body)
end
return ____exports
