local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArrayMap = ____lualib.__TS__ArrayMap
local ____exports = {}
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local ____usage = require("tollgate.tier_limit.usage")
local adjustedTargets = ____usage.adjustedTargets
local callerAnswer = ____usage.callerAnswer
local parseCredit = ____usage.parseCredit
local parseReset = ____usage.parseReset
local subjectWindows = ____usage.subjectWindows
local usageOf = ____usage.usageOf
local ____usage_2Dstore = require("tollgate.tier_limit.lua.usage_store")
local usageCounts = ____usage_2Dstore.usageCounts
local function text(params, name)
    -- plugins/tier-limit/lua/usage-api.ts:51
    local value = params[name]
    return type(value) == "string" and value ~= "" and value or nil
end
--- "credential" or "ip" when the config counts some window per credential or address
-- (limit_by, window_limit_by): the operator names a consumer, not those. By consumer
-- and by group (the consumer's group tag or label) the consumer is enough.
local function perRequestSubject(conf)
    -- plugins/tier-limit/lua/usage-api.ts:61
    if conf.limit_by == "credential" or conf.limit_by == "ip" then
        return conf.limit_by
    end
    local byWindow = conf.window_limit_by or ({})
    for window in pairs(byWindow) do
        local by = byWindow[window]
        if by == "credential" or by == "ip" then
            return by
        end
    end
    return nil
end
--- One config's part of the answer, after applying `adjustment` to the subject's counters.
local function configUsage(entry, consumer, params, adjustment, now)
    -- plugins/tier-limit/lua/usage-api.ts:72
    local conf = entry.conf
    local part = {plugin = entry.id, scope = entry.scope, policy = conf.policy, applies_to = conf.policy == "local" and "node" or "fleet"}
    local by = perRequestSubject(conf)
    if by ~= nil then
        part.error = "not_addressable"
        part.message = "counted by " .. by .. ": those counters are kept per " .. by .. ", which the consumer alone does not name; a caller sees them at usage_path"
        return {part = part, touched = 0}
    end
    local prepared = prepare(conf)
    local scope = entry.scopeFor == nil and entry.scope or entry.scopeFor(consumer)
    local facts = {
        method = "GET",
        consumer = consumer,
        configScope = scope,
        routeId = text(params, "route"),
        serviceId = text(params, "service")
    }
    local found = subjectWindows(conf, prepared, facts, now)
    if found.kind == "none" then
        part.error = found.error
        part.message = found.message
        return {part = part, touched = 0}
    end
    part.tier = found.tier
    local targets = found.targets
    local touched = 0
    if adjustment ~= nil then
        local chosen = adjustedTargets(targets, adjustment)
        touched = #chosen
        local op = adjustment.kind
        local ____, err = usageCounts(
            conf,
            prepared,
            __TS__ArrayMap(
                chosen,
                function(____, t)
                    -- plugins/tier-limit/lua/usage-api.ts:103
                    return t.check
                end
            ),
            op,
            adjustment.units,
            now
        )
        if err ~= nil then
            return {part = part, touched = touched, failed = err}
        end
    end
    local counts, err = usageCounts(
        conf,
        prepared,
        __TS__ArrayMap(
            targets,
            function(____, t)
                -- plugins/tier-limit/lua/usage-api.ts:106
                return t.check
            end
        ),
        "read",
        0,
        now
    )
    if counts == nil then
        return {part = part, touched = touched, failed = err}
    end
    if #targets == 0 then
        part.unlimited = true
    else
        part.windows = usageOf(targets, found.tier, counts, now)
    end
    return {part = part, touched = touched}
end
--- The answer to GET usage (action "usage"), POST reset or POST credit for `consumer`
-- (undefined: not a consumer of this gateway, 404) under `configs`.
function ____exports.usageApi(action, subject, consumer, configs, params, now)
    -- plugins/tier-limit/lua/usage-api.ts:117
    local adjustment
    if action ~= "usage" then
        local parsed = action == "credit" and parseCredit(params) or parseReset(params)
        if parsed.field ~= nil then
            return {status = 400, body = {error = "invalid_request", field = parsed.field, message = parsed.message}}
        end
        adjustment = parsed
    end
    if consumer == nil then
        return {status = 404, body = {error = "unknown_subject", message = "No consumer '" .. subject .. "'."}}
    end
    local wanted = text(params, "plugin")
    local parts = {}
    local touched = 0
    for ____, entry in ipairs(configs) do
        do
            if wanted ~= nil and entry.id ~= wanted then
                goto __continue22
            end
            local ____configUsage_result_0 = configUsage(
                entry,
                consumer,
                params,
                adjustment,
                now
            )
            local part = ____configUsage_result_0.part
            local n = ____configUsage_result_0.touched
            local failed = ____configUsage_result_0.failed
            if failed ~= nil then
                return {status = 500, body = {error = "store_failed", message = failed, plugin = entry.id}}
            end
            touched = touched + n
            parts[#parts + 1] = part
        end
        ::__continue22::
    end
    if #parts == 0 then
        local message = wanted == nil and "No tier-limit config is enabled on this node." or "No tier-limit config '" .. wanted .. "' on this node."
        return {status = 404, body = {error = "unknown_config", message = message}}
    end
    if (adjustment and adjustment.window) ~= nil and touched == 0 then
        return {status = 400, body = {error = "invalid_request", field = "window", message = "window: '" .. adjustment.window .. "' is not a window of this consumer's tier"}}
    end
    local body = {subject = subject, consumer_id = consumer.id, configs = parts}
    if adjustment ~= nil then
        local ____temp_4 = adjustment.kind == "reset" and "reset" or "credited"
        local ____temp_3
        if adjustment.kind == "reset" then
            ____temp_3 = true
        else
            ____temp_3 = adjustment.units
        end
        body[____temp_4] = ____temp_3
    end
    return {status = 200, body = body}
end
--- usage_path: the caller's own usage under this config, from the facts of its request
-- (the consumer its credentials proved, or its address when anonymous), as the answer
-- that ends the request; not counted. A caller the config would refuse (401/403) gets
-- that refusal.
function ____exports.callerUsage(conf, prepared, facts, now)
    -- plugins/tier-limit/lua/usage-api.ts:153
    local found = subjectWindows(conf, prepared, facts, now)
    if found.kind == "none" then
        return callerAnswer(conf, found, nil, now)
    end
    local counts, err = usageCounts(
        conf,
        prepared,
        __TS__ArrayMap(
            found.targets,
            function(____, t)
                -- plugins/tier-limit/lua/usage-api.ts:156
                return t.check
            end
        ),
        "read",
        0,
        now
    )
    if counts == nil then
        ngx.log(
            ngx.ERR,
            "[tier-limit] usage_path: counter store (policy " .. conf.policy .. ") failed: " .. tostring(err)
        )
    end
    return callerAnswer(conf, found, counts, now)
end
return ____exports
