--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____decide = require("tollgate.tier_limit.decide")
local decideAccess = ____decide.decideAccess
local planAccess = ____decide.planAccess
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
function ____exports.admitSequence(conf, requests)
    -- plugins/tier-limit/sequence.ts:18
    local prepared = prepare(conf)
    local counters = {}
    local steps = {}
    for ____, request in ipairs(requests) do
        do
            local plan = planAccess(conf, request.facts, request.now, prepared)
            if plan.kind == "reject" then
                steps[#steps + 1] = {status = plan.rejection.status, headers = {}}
                goto __continue3
            end
            local counts = {current = {}, previous = {}}
            do
                local i = 0
                while i < #plan.checks do
                    local check = plan.checks[i + 1]
                    counters[check.key] = (counters[check.key] or 0) + plan.cost
                    counts.current[i + 1] = counters[check.key]
                    counts.previous[i + 1] = check.sliding and (counters[check.previousKey] or 0) or 0
                    i = i + 1
                end
            end
            local decision = decideAccess(conf, plan, counts)
            if not decision.allowed then
                for ____, check in ipairs(plan.checks) do
                    counters[check.key] = counters[check.key] - plan.cost
                end
            end
            local step = {status = decision.allowed and 200 or decision.rejection.status, headers = decision.responseHeaders}
            if decision.overage ~= nil then
                step.overage = decision.overage
            end
            steps[#steps + 1] = step
        end
        ::__continue3::
    end
    return steps
end
return ____exports
