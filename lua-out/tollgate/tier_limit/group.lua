local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArrayIndexOf = ____lualib.__TS__ArrayIndexOf
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____schema = require("tollgate.core.schema")
local map = ____schema.map
local ____string = ____schema.string
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
--- Whose requests share counters.
____exports.LIMIT_BY = {"consumer", "credential", "ip", "group"}
--- The config-level field schema.ts puts next to limit_by.
____exports.windowLimitByField = {window_limit_by = map({
    description = "Per window, whose requests share its counter, in place of limit_by: e.g. limit_by group with { second: consumer } gives each member its own burst limit within the organization's quota.",
    keys = ____string({description = "A window.", oneOf = WINDOW_NAMES}),
    values = ____string({description = "consumer, credential, ip or group.", oneOf = ____exports.LIMIT_BY})
})}
--- The group a consumer belongs to (see the order above), or undefined.
function ____exports.consumerGroup(consumer, facts)
    -- plugins/tier-limit/group.ts:37
    local own = consumerAttribute(consumer, "group")
    if own ~= nil then
        return own
    end
    if facts.consumerGroup ~= nil then
        return facts.consumerGroup
    end
    local group = consumer.group
    return group ~= nil and group ~= "" and group or nil
end
--- The identity whose requests share a counter when counted `by` (anonymous callers by address).
function ____exports.subjectBy(by, facts)
    -- plugins/tier-limit/group.ts:46
    local consumer = facts.consumer
    if consumer ~= nil then
        if by == "consumer" then
            return "c:" .. consumer.id
        end
        if by == "credential" and facts.credentialId ~= nil then
            return "k:" .. facts.credentialId
        end
        if by == "credential" then
            return "c:" .. consumer.id
        end
        if by == "group" then
            local group = ____exports.consumerGroup(consumer, facts)
            return group == nil and "c:" .. consumer.id or "g:" .. group
        end
    end
    return "ip:" .. (facts.clientIp or "unknown")
end
function ____exports.counterLevels(conf)
    -- plugins/tier-limit/group.ts:71
    local used = {conf.limit_by}
    local byWindow = conf.window_limit_by or ({})
    for ____, window in ipairs(WINDOW_NAMES) do
        local by = byWindow[window]
        if by ~= nil and __TS__ArrayIndexOf(used, by) == -1 then
            used[#used + 1] = by
        end
    end
    local tag = __TS__ArrayIndexOf(used, "group") ~= -1 and "group" or conf.limit_by
    local others = {}
    for ____, by in ipairs(used) do
        if by ~= tag then
            others[#others + 1] = by
        end
    end
    return {tag = tag, others = others}
end
--- The level of `window` when it differs from the tag's (PreparedWindow.limitBy), else
-- undefined: the window's keys are then the request's key prefix as it is.
function ____exports.windowLevel(conf, levels, window)
    -- plugins/tier-limit/group.ts:88
    local ____opt_0 = conf.window_limit_by
    local by = ____opt_0 and ____opt_0[window] or conf.limit_by
    local ____temp_2
    if by == levels.tag then
        ____temp_2 = nil
    else
        ____temp_2 = by
    end
    return ____temp_2
end
--- The key prefix of a window counted at `level` (undefined: the request's own prefix).
function ____exports.windowPrefix(keyPrefix, level, facts)
    -- plugins/tier-limit/group.ts:98
    return level == nil and keyPrefix or keyPrefix .. ____exports.subjectBy(level, facts) .. ":"
end
--- What identifies a request's counters for decide.ts's memo of checks: the key prefix,
-- and with windows counted at other levels, the subjects of those too (members of one
-- organization share the prefix but not their own windows' keys).
function ____exports.memoKey(keyPrefix, levels, facts)
    -- plugins/tier-limit/group.ts:107
    local others = levels.others
    if #others == 0 then
        return keyPrefix
    end
    local key = keyPrefix
    for ____, level in ipairs(others) do
        key = key .. "|" .. ____exports.subjectBy(level, facts)
    end
    return key
end
--- The scope an organization's counters share. APISIX makes a consumer's requests a
-- configuration of their own once it knows the consumer: it appends "&consumer" (and
-- "&consumer_group") to ctx.conf_type and the consumer's name (and group id) to
-- ctx.conf_id (apisix/plugin.lua merge_consumer_route, 3.18.0), so counter_scope config
-- would give every member its own scope. Counted by group, the scope is the
-- configuration as it was before that: "route&consumer:r1&alice" → "route:r1".
-- Kong's scopes (route:<id>, service:<id>, global) never name the consumer.
function ____exports.organizationScope(scope)
    -- plugins/tier-limit/group.ts:124
    local at = (string.find(scope, "&consumer", nil, true) or 0) - 1
    local colon = (string.find(scope, ":", nil, true) or 0) - 1
    if at == -1 or colon == -1 or at > colon then
        return scope
    end
    local parts = 1
    do
        local i = (string.find(scope, "&", nil, true) or 0) - 1
        while i ~= -1 and i < at do
            parts = parts + 1
            i = (string.find(
                scope,
                "&",
                math.max(i + 1 + 1, 1),
                true
            ) or 0) - 1
        end
    end
    local ____end = colon
    do
        local i = 0
        while i < parts do
            local next = (string.find(
                scope,
                "&",
                math.max(____end + 1 + 1, 1),
                true
            ) or 0) - 1
            if next == -1 then
                return __TS__StringSubstring(scope, 0, at) .. __TS__StringSubstring(scope, colon)
            end
            ____end = next
            i = i + 1
        end
    end
    return __TS__StringSubstring(scope, 0, at) .. __TS__StringSubstring(scope, colon, ____end)
end
return ____exports
