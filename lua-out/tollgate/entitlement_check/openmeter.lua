local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local ____values = require("tollgate.core.values")
local isNull = ____values.isNull
local isObject = ____values.isObject
local ____decide = require("tollgate.entitlement_check.decide")
local evaluate = ____decide.evaluate
--- The path (after the service URL's base path) that asks about `feature`; `escape` percent-encodes a path segment.
function ____exports.openMeterPath(subject, feature, escape)
    -- plugins/entitlement-check/openmeter.ts:41
    return "/api/v1/subjects/" .. escape(subject) .. "/entitlements/" .. escape(feature) .. "/value"
end
--- The answers to the calls for `features` (same order) as one lookup.
function ____exports.fromOpenMeter(features, answers)
    -- plugins/entitlement-check/openmeter.ts:46
    local granted = {}
    local exhausted = {}
    local unknownEverywhere = true
    do
        local i = 0
        while i < #features do
            do
                local answer = answers[i + 1]
                if answer == nil then
                    return {
                        kind = "unknown",
                        reason = "no answer for feature '" .. tostring(features[i + 1]) .. "'"
                    }
                end
                if answer.status == 404 then
                    goto __continue5
                end
                unknownEverywhere = false
                if answer.status ~= 200 then
                    return {
                        kind = "unknown",
                        reason = "OpenMeter answered " .. tostring(answer.status) .. " for feature '" .. tostring(features[i + 1]) .. "'"
                    }
                end
                local body = answer.body
                if not isObject(body) or type(body.hasAccess) ~= "boolean" then
                    return {
                        kind = "unknown",
                        reason = "OpenMeter's value of '" .. tostring(features[i + 1]) .. "' has no boolean hasAccess"
                    }
                end
                if body.hasAccess == true then
                    granted[#granted + 1] = features[i + 1]
                elseif not isNull(body.balance) then
                    exhausted[#exhausted + 1] = features[i + 1]
                end
            end
            ::__continue5::
            i = i + 1
        end
    end
    if unknownEverywhere and #features > 0 then
        return {kind = "none"}
    end
    __TS__ArraySort(granted)
    __TS__ArraySort(exhausted)
    local subscription = {status = "active"}
    if #granted > 0 then
        subscription.features = granted
    end
    if #exhausted > 0 then
        subscription.exhausted = exhausted
    end
    return {kind = "found", subscription = subscription}
end
--- Vector helper: the decision for a request when OpenMeter answers `answers` for the route's required features.
function ____exports.decideFromOpenMeter(conf, facts, answers, now)
    -- plugins/entitlement-check/openmeter.ts:71
    return evaluate(
        conf,
        facts,
        ____exports.fromOpenMeter(conf.required_features or ({}), answers),
        now
    )
end
return ____exports
