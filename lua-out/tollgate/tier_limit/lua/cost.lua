local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__StringSplit = ____lualib.__TS__StringSplit
local ____exports = {}
local costLogs, pendingKey, pendingOf, logChargeFailure, releasePending, counterTtlOf, logsByConfig
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
function costLogs(conf)
    -- plugins/tier-limit/lua/cost.ts:53
    local logs = logsByConfig:get(conf)
    if logs == nil then
        local ____opt_0 = conf.cost_from
        local header = ____opt_0 and ____opt_0.header
        local ____LogThrottle_6 = LogThrottle
        local ____conf_error_log_interval_5 = conf.error_log_interval
        local ____header_4 = header
        if ____header_4 == nil then
            local ____opt_2 = conf.cost_from
            ____header_4 = ____opt_2 and ____opt_2.json_field
        end
        local ____TS__New_result_8 = __TS__New(____LogThrottle_6, ____conf_error_log_interval_5, "tier-limit:cost-from:" .. (____header_4 or ""))
        local ____TS__New_result_9 = __TS__New(LogThrottle, conf.error_log_interval, "tier-limit:cost-charge:" .. conf.policy)
        local ____temp_7
        if header == nil then
            ____temp_7 = nil
        else
            ____temp_7 = "upstream_http_" .. table.concat(
                __TS__StringSplit(
                    string.lower(header),
                    "-"
                ),
                "_"
            )
        end
        logs = {problems = ____TS__New_result_8, charges = ____TS__New_result_9, headerVar = ____temp_7}
        logsByConfig:set(conf, logs)
    end
    return logs
end
function pendingKey(check)
    -- plugins/tier-limit/lua/cost.ts:68
    return "pending:" .. check.key
end
function pendingOf(dict, checks)
    -- plugins/tier-limit/lua/cost.ts:97
    local amounts
    do
        local i = 0
        while i < #checks do
            local value = dict:get(pendingKey(checks[i + 1]))
            if type(value) == "number" and value > 0 then
                if amounts == nil then
                    amounts = {}
                end
                amounts[i + 1] = value
            end
            i = i + 1
        end
    end
    return amounts
end
function logChargeFailure(conf, units, err)
    -- plugins/tier-limit/lua/cost.ts:139
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
function releasePending(conf, checks, extra)
    -- plugins/tier-limit/lua/cost.ts:156
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
    -- plugins/tier-limit/lua/cost.ts:187
    local ttl = check.keepUntil - math.floor(now)
    return ttl > 60 and 60 or (ttl > 1 and ttl or 1)
end
local chargeScript = {
    source = TIER_LIMIT_CHARGE_SCRIPT,
    sha1 = scriptSha1(TIER_LIMIT_CHARGE_SCRIPT)
}
--- A CostState for the access step to fill (checks stays undefined when nothing was counted).
function ____exports.newCostState(conf)
    -- plugins/tier-limit/lua/cost.ts:40
    return {minimum = conf.cost, done = false}
end
logsByConfig = __TS__New(WeakMap)
--- How often the access step looks again whether a pending charge has landed in Redis.
local PENDING_POLL_S = 0.001
--- Access step, policy redis / redis-cluster with cost_from, before Redis is asked: while
-- a charge of this caller's counters is pending on this node (a response of it ended
-- and its timer has not yet had Redis's answer), waits for it, at most
-- redis.timeout_ms, so the decision reads a Redis count that holds it. Only a caller
-- whose previous response ended a moment ago waits, for about one Redis round trip.
-- Returns what is still pending per window after the wait (all 0 normally).
function ____exports.awaitPendingCosts(conf, checks)
    -- plugins/tier-limit/lua/cost.ts:83
    local dict = ngx.shared[conf.dict]
    if dict == nil then
        return nil
    end
    local pending = pendingOf(dict, checks)
    if pending == nil then
        return nil
    end
    local deadline = ngx.now() + conf.redis.timeout_ms / 1000
    while pending ~= nil and ngx.now() < deadline do
        ngx.sleep(PENDING_POLL_S)
        pending = pendingOf(dict, checks)
    end
    return pending
end
--- Adds what is still pending after awaitPendingCosts (a charge slower than the Redis
-- timeout) to each window's count: the decision then errs toward counting it twice,
-- never toward missing it.
function ____exports.addPending(counts, pending)
    -- plugins/tier-limit/lua/cost.ts:114
    do
        local i = 0
        while i < #counts.current do
            counts.current[i + 1] = (counts.current[i + 1] or 0) + (pending[i + 1] or 0)
            i = i + 1
        end
    end
    counts.allowed = nil
end
--- Access step: takes back a minimum the Redis script counted for a request that the
-- still-pending costs then refused (a failure is logged: the caller keeps that unit counted).
function ____exports.refundInRedis(conf, prepared, checks, cost)
    -- plugins/tier-limit/lua/cost.ts:123
    local ____chargeKeysAndArgs_result_10 = chargeKeysAndArgs(
        checks,
        -cost,
        ngx.now()
    )
    local keys = ____chargeKeysAndArgs_result_10.keys
    local args = ____chargeKeysAndArgs_result_10.args
    local ____, err = runScript(prepared.redis, chargeScript, keys, args)
    if err ~= nil then
        logChargeFailure(conf, -cost, err)
    end
end
local function logProblem(conf, problem)
    -- plugins/tier-limit/lua/cost.ts:129
    if problem == "missing" then
        return
    end
    local report = costLogs(conf).problems:occurrence(
        ngx.now(),
        logGate(conf.dict)
    )
    if report > 0 then
        local ____opt_11 = conf.cost_from
        local ____temp_15 = ____opt_11 and ____opt_11.header
        if ____temp_15 == nil then
            local ____opt_13 = conf.cost_from
            ____temp_15 = ____opt_13 and ____opt_13.json_field
        end
        local from = ____temp_15
        ngx.log(
            ngx.WARN,
            "[tier-limit] cost_from " .. tostring(from) .. ": " .. tostring(report) .. " response(s) since the last report gave no usable cost (last: " .. problem .. "); the minimum cost " .. tostring(conf.cost) .. " was kept"
        )
    end
end
--- Timer: the charge sent to Redis, then no longer pending on this node.
local function chargeRedis(premature, conf, prepared, checks, extra)
    -- plugins/tier-limit/lua/cost.ts:145
    if not premature then
        local ____chargeKeysAndArgs_result_16 = chargeKeysAndArgs(
            checks,
            extra,
            ngx.now()
        )
        local keys = ____chargeKeysAndArgs_result_16.keys
        local args = ____chargeKeysAndArgs_result_16.args
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
    -- plugins/tier-limit/lua/cost.ts:163
    state.done = true
    if reading.problem ~= nil then
        logProblem(conf, reading.problem)
    end
    local ____costCharge_result_17 = costCharge(state.minimum, reading)
    local units = ____costCharge_result_17.units
    local extra = ____costCharge_result_17.extra
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
    -- plugins/tier-limit/lua/cost.ts:197
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
    -- plugins/tier-limit/lua/cost.ts:211
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
