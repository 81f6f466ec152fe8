local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__StringSplit = ____lualib.__TS__StringSplit
local ____exports = {}
local pendingKey, releasePending, counterTtlOf
local ____usage_2Dcost = require("tollgate.core.usage_cost")
local costFromHeader = ____usage_2Dcost.costFromHeader
local feedCost = ____usage_2Dcost.feedCost
local finishCost = ____usage_2Dcost.finishCost
local newCostReader = ____usage_2Dcost.newCostReader
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____log_2Dgate = require("tollgate.io.lua.log_gate")
local logGate = ____log_2Dgate.logGate
local ____redis = require("tollgate.io.lua.redis")
local runScript = ____redis.runScript
local scriptSha1 = ____redis.scriptSha1
local ____shared_2Ddict_2Dcounters = require("tollgate.io.lua.shared_dict_counters")
local incrementCounters = ____shared_2Ddict_2Dcounters.incrementCounters
local ____cost = require("tollgate.tier_limit.cost")
local chargeKeysAndArgs = ____cost.chargeKeysAndArgs
local costCharge = ____cost.costCharge
local costSpec = ____cost.costSpec
local TIER_LIMIT_CHARGE_SCRIPT = ____cost.TIER_LIMIT_CHARGE_SCRIPT
function pendingKey(check)
    -- plugins/tier-limit/lua/cost.ts:66
    return "pending:" .. check.key
end
function releasePending(conf, checks, extra)
    -- plugins/tier-limit/lua/cost.ts:123
    local dict = ngx.shared[conf.dict]
    if dict == nil then
        return
    end
    for ____, check in ipairs(checks) do
        dict:incr(
            pendingKey(check),
            -extra
        )
    end
end
function counterTtlOf(check, now)
    -- plugins/tier-limit/lua/cost.ts:154
    local ttl = check.keepUntil - math.floor(now)
    return ttl > 60 and 60 or (ttl > 1 and ttl or 1)
end
local chargeScript = {
    source = TIER_LIMIT_CHARGE_SCRIPT,
    sha1 = scriptSha1(TIER_LIMIT_CHARGE_SCRIPT)
}
--- A CostState for the access step to fill (checks stays undefined when nothing was counted).
function ____exports.newCostState(conf)
    -- plugins/tier-limit/lua/cost.ts:39
    return {minimum = conf.cost, done = false}
end
local logsByConfig = __TS__New(WeakMap)
local function costLogs(conf)
    -- plugins/tier-limit/lua/cost.ts:52
    local logs = logsByConfig:get(conf)
    if logs == nil then
        local ____opt_0 = conf.cost_from
        local header = ____opt_0 and ____opt_0.header
        local ____TS__New_result_3 = __TS__New(LogThrottle, conf.error_log_interval, "tier-limit:cost-from")
        local ____TS__New_result_4 = __TS__New(LogThrottle, conf.error_log_interval, "tier-limit:cost-charge:" .. conf.policy)
        local ____temp_2
        if header == nil then
            ____temp_2 = nil
        else
            ____temp_2 = "upstream_http_" .. table.concat(
                __TS__StringSplit(
                    string.lower(header),
                    "-"
                ),
                "_"
            )
        end
        logs = {problems = ____TS__New_result_3, charges = ____TS__New_result_4, headerVar = ____temp_2}
        logsByConfig:set(conf, logs)
    end
    return logs
end
--- Access step, policy redis / redis-cluster with cost_from: adds what this node has
-- charged but Redis may not hold yet to each window's count. True when something was
-- pending (the caller then decides from the estimates, not from the script's verdict).
function ____exports.pendingCosts(conf, checks, counts)
    -- plugins/tier-limit/lua/cost.ts:75
    local dict = ngx.shared[conf.dict]
    if dict == nil then
        return false
    end
    local any = false
    do
        local i = 0
        while i < #checks do
            local pending = dict:get(pendingKey(checks[i + 1]))
            if type(pending) == "number" and pending > 0 then
                counts.current[i + 1] = (counts.current[i + 1] or 0) + pending
                any = true
            end
            i = i + 1
        end
    end
    return any
end
--- Access step: takes back a minimum the Redis script counted for a request the pending costs then refused.
function ____exports.refundInRedis(prepared, checks, cost)
    -- plugins/tier-limit/lua/cost.ts:90
    local ____chargeKeysAndArgs_result_5 = chargeKeysAndArgs(
        checks,
        -cost,
        ngx.now()
    )
    local keys = ____chargeKeysAndArgs_result_5.keys
    local args = ____chargeKeysAndArgs_result_5.args
    local ____, err = runScript(prepared.redis, chargeScript, keys, args)
    return err
end
local function logProblem(conf, problem)
    -- plugins/tier-limit/lua/cost.ts:96
    if problem == "missing" then
        return
    end
    local report = costLogs(conf).problems:occurrence(
        ngx.now(),
        logGate(conf.dict)
    )
    if report > 0 then
        local ____opt_6 = conf.cost_from
        local ____temp_10 = ____opt_6 and ____opt_6.header
        if ____temp_10 == nil then
            local ____opt_8 = conf.cost_from
            ____temp_10 = ____opt_8 and ____opt_8.json_field
        end
        local from = ____temp_10
        ngx.log(
            ngx.WARN,
            "[tier-limit] cost_from " .. tostring(from) .. ": " .. tostring(report) .. " response(s) since the last report gave no usable cost (last: " .. problem .. "); the minimum cost " .. tostring(conf.cost) .. " was kept"
        )
    end
end
local function logChargeFailure(conf, units, err)
    -- plugins/tier-limit/lua/cost.ts:106
    local report = costLogs(conf).charges:occurrence(
        ngx.now(),
        logGate(conf.dict)
    )
    if report > 0 then
        ngx.log(
            ngx.ERR,
            "[tier-limit] cost_from: " .. tostring(report) .. " charge(s) failed since the last report (last: " .. tostring(units) .. " units, policy " .. conf.policy .. "): " .. err
        )
    end
end
--- Timer: the charge sent to Redis, then no longer pending on this node.
local function chargeRedis(premature, conf, prepared, checks, extra)
    -- plugins/tier-limit/lua/cost.ts:112
    if not premature then
        local ____chargeKeysAndArgs_result_11 = chargeKeysAndArgs(
            checks,
            extra,
            ngx.now()
        )
        local keys = ____chargeKeysAndArgs_result_11.keys
        local args = ____chargeKeysAndArgs_result_11.args
        local ____, err = runScript(prepared.redis, chargeScript, keys, args)
        if err ~= nil then
            logChargeFailure(conf, extra, err)
        end
    else
        logChargeFailure(conf, extra, "nginx is exiting")
    end
    releasePending(conf, checks, extra)
end
--- Adds a response's cost to the request's counters; returns the request's units.
local function charge(conf, prepared, state, reading)
    -- plugins/tier-limit/lua/cost.ts:130
    state.done = true
    if reading.problem ~= nil then
        logProblem(conf, reading.problem)
    end
    local ____costCharge_result_12 = costCharge(state.minimum, reading)
    local units = ____costCharge_result_12.units
    local extra = ____costCharge_result_12.extra
    local checks = state.checks
    if extra == 0 or #checks == 0 then
        return units
    end
    local now = ngx.now()
    if conf.policy == "local" then
        local counts, err = incrementCounters(conf.dict, checks, extra, now)
        if counts == nil then
            logChargeFailure(conf, extra, err or "shared dict")
        end
        return units
    end
    local dict = ngx.shared[conf.dict]
    if dict ~= nil then
        for ____, check in ipairs(checks) do
            dict:incr(
                pendingKey(check),
                extra,
                0,
                counterTtlOf(check, now)
            )
        end
    end
    local ok, err = ngx.timer.at(
        0,
        chargeRedis,
        conf,
        prepared,
        checks,
        extra
    )
    if ok == nil then
        logChargeFailure(conf, extra, err or "ngx.timer.at failed")
        releasePending(conf, checks, extra)
    end
    return units
end
--- header_filter: the cost header is read (and charged) here; for a body source the
-- reader is set up from the response's Content-Type and Content-Encoding. Returns the
-- request's units when known now.
function ____exports.costHeaderFilter(conf, prepared, state)
    -- plugins/tier-limit/lua/cost.ts:164
    local costFromConf = conf.cost_from
    if costFromConf == nil or state.done then
        return nil
    end
    local logs = costLogs(conf)
    if logs.headerVar ~= nil then
        return charge(
            conf,
            prepared,
            state,
            costFromHeader(ngx.var[logs.headerVar])
        )
    end
    local vars = ngx.var
    state.reader = newCostReader(
        costSpec(costFromConf),
        vars.upstream_http_content_type,
        vars.upstream_http_content_encoding
    )
    return nil
end
--- body_filter: feeds the chunk (never altered) to the reader; on the last one, charges.
-- Returns the request's units on the last chunk.
function ____exports.costBodyFilter(conf, prepared, state)
    -- plugins/tier-limit/lua/cost.ts:178
    local reader = state.reader
    if reader == nil or state.done then
        return nil
    end
    local args = ngx.arg
    local chunk = args[1]
    if type(chunk) == "string" then
        feedCost(reader, chunk)
    end
    if args[2] ~= true then
        return nil
    end
    return charge(
        conf,
        prepared,
        state,
        finishCost(reader)
    )
end
return ____exports
