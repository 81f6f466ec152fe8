--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____tables = require("tollgate.hosts.lua.tables")
local newTable = ____tables.newTable
local ____redis = require("tollgate.io.lua.redis")
local runScript = ____redis.runScript
local scriptSha1 = ____redis.scriptSha1
local ____log_2Dgate = require("tollgate.io.lua.log_gate")
local logGate = ____log_2Dgate.logGate
local ____shared_2Ddict_2Dcounters = require("tollgate.io.lua.shared_dict_counters")
local incrementCounters = ____shared_2Ddict_2Dcounters.incrementCounters
local refundCounters = ____shared_2Ddict_2Dcounters.refundCounters
local ____decide = require("tollgate.tier_limit.decide")
local decideAccess = ____decide.decideAccess
local onStoreFailure = ____decide.onStoreFailure
local planAccess = ____decide.planAccess
local ____overage = require("tollgate.tier_limit.overage")
local markOverage = ____overage.markOverage
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____usage_2Dapi = require("tollgate.tier_limit.lua.usage_api")
local callerUsage = ____usage_2Dapi.callerUsage
local ____redis_2Dscript = require("tollgate.tier_limit.redis_script")
local countsFromReply = ____redis_2Dscript.countsFromReply
local scriptKeysAndArgs = ____redis_2Dscript.scriptKeysAndArgs
local TIER_LIMIT_SCRIPT = ____redis_2Dscript.TIER_LIMIT_SCRIPT
local ____thresholds = require("tollgate.tier_limit.thresholds")
local findCrossings = ____thresholds.findCrossings
local ____thresholds = require("tollgate.tier_limit.lua.thresholds")
local emitThresholds = ____thresholds.emitThresholds
local ____cost = require("tollgate.tier_limit.lua.cost")
local addPending = ____cost.addPending
local awaitPendingCosts = ____cost.awaitPendingCosts
local refundInRedis = ____cost.refundInRedis
local script = {
    source = TIER_LIMIT_SCRIPT,
    sha1 = scriptSha1(TIER_LIMIT_SCRIPT)
}
local function countInRedis(prepared, checks, cost, now)
    -- plugins/tier-limit/lua/access.ts:25
    local ____scriptKeysAndArgs_result_0 = scriptKeysAndArgs(checks, cost, now)
    local keys = ____scriptKeysAndArgs_result_0.keys
    local args = ____scriptKeysAndArgs_result_0.args
    local reply, err = runScript(prepared.redis, script, keys, args)
    if err ~= nil then
        return nil, err
    end
    local counts = countsFromReply(reply, #checks)
    if counts == nil then
        return nil, "unexpected reply from the tier-limit script"
    end
    return counts, nil
end
--- `cost` (cost_from configs only): filled with what an admitted request was counted in,
-- for the response's cost to be added later (./cost.ts).
function ____exports.tierLimitAccess(conf, facts, prepared, cost)
    -- plugins/tier-limit/lua/access.ts:43
    if prepared == nil then
        prepared = prepare(conf)
    end
    local clearUpstream = prepared.clearUpstream
    if facts.path ~= nil and facts.path == conf.usage_path then
        return {
            clearUpstream = clearUpstream,
            rejection = callerUsage(
                conf,
                prepared,
                facts,
                ngx.now()
            )
        }
    end
    local plan = planAccess(
        conf,
        facts,
        ngx.now(),
        prepared
    )
    if plan.kind == "reject" then
        return {clearUpstream = clearUpstream, rejection = plan.rejection}
    end
    local upstream = prepared.upstreamFor[plan.tier]
    if #plan.checks == 0 then
        if cost ~= nil then
            cost.checks = plan.checks
        end
        return {clearUpstream = clearUpstream, upstream = upstream, tier = plan.tier}
    end
    local ____local = conf.policy == "local"
    local ____temp_1
    if cost ~= nil and not ____local then
        ____temp_1 = awaitPendingCosts(conf, plan.checks)
    else
        ____temp_1 = nil
    end
    local pending = ____temp_1
    local counts
    local err
    if ____local then
        counts, err = incrementCounters(conf.dict, plan.checks, plan.cost, plan.now)
    else
        counts, err = countInRedis(prepared, plan.checks, plan.cost, plan.now)
    end
    if counts == nil then
        local passed = {clearUpstream = clearUpstream, upstream = upstream, tier = plan.tier}
        local ____onStoreFailure_result_2 = onStoreFailure(
            conf,
            passed,
            ngx.now(),
            prepared,
            logGate(conf.dict)
        )
        local outcome = ____onStoreFailure_result_2.outcome
        local report = ____onStoreFailure_result_2.report
        if report > 0 then
            ngx.log(
                ngx.ERR,
                "[tier-limit] counter store (policy " .. conf.policy .. ") failed " .. tostring(report) .. " time(s) since the last report: " .. tostring(err)
            )
        end
        return outcome
    end
    local headers = newTable(0, 2 * #plan.checks + 4)
    local applied = counts.allowed
    if pending ~= nil then
        addPending(counts, pending)
    end
    local decision = decideAccess(conf, plan, counts, headers)
    if not decision.allowed and ____local then
        refundCounters(conf.dict, plan.checks, plan.cost)
    end
    if not decision.allowed and applied == true then
        refundInRedis(conf, prepared, plan.checks, plan.cost)
    end
    if decision.allowed and cost ~= nil then
        cost.checks = plan.checks
    end
    local outcome = {clearUpstream = clearUpstream, upstream = upstream, response = decision.responseHeaders, tier = plan.tier}
    if decision.rejection ~= nil then
        outcome.rejection = decision.rejection
    elseif #prepared.thresholds > 0 then
        local crossings = findCrossings(
            prepared.thresholds,
            plan.checks,
            counts,
            plan.cost,
            plan.now
        )
        if crossings ~= nil then
            outcome.thresholdEvents = emitThresholds(
                conf,
                prepared,
                crossings,
                facts,
                plan.tier,
                plan.now
            )
        end
    end
    if decision.overage ~= nil then
        markOverage(conf, prepared, outcome, decision.overage)
    end
    return outcome
end
return ____exports
