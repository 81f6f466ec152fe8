--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____shared_2Ddict_2Dcounters = require("tollgate.io.lua.shared_dict_counters")
local incrementCounters = ____shared_2Ddict_2Dcounters.incrementCounters
local refundCounters = ____shared_2Ddict_2Dcounters.refundCounters
local ____decide = require("tollgate.tier_limit.decide")
local decideAccess = ____decide.decideAccess
local planAccess = ____decide.planAccess
function ____exports.tierLimitAccess(conf, facts)
    local clearUpstream = {conf.tier_header}
    local plan = planAccess(
        conf,
        facts,
        ngx.now()
    )
    if plan.kind == "reject" then
        return {clearUpstream = clearUpstream, rejection = plan.rejection}
    end
    local upstream = {}
    upstream[conf.tier_header] = plan.tier
    if #plan.checks == 0 then
        return {clearUpstream = clearUpstream, upstream = upstream}
    end
    local counts, err = incrementCounters(conf.dict, plan.checks, 1)
    if counts == nil then
        return {
            clearUpstream = clearUpstream,
            upstream = upstream,
            warning = "tier-limit counters unavailable, request allowed: " .. tostring(err)
        }
    end
    local decision = decideAccess(conf, plan, counts)
    if not decision.allowed then
        refundCounters(conf.dict, plan.checks, 1)
    end
    return {clearUpstream = clearUpstream, upstream = upstream, response = decision.responseHeaders, rejection = decision.rejection}
end
return ____exports
