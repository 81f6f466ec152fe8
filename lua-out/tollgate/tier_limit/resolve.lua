--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____cidr = require("tollgate.core.cidr")
local ipInRanges = ____cidr.ipInRanges
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____group = require("tollgate.tier_limit.group")
local subjectBy = ____group.subjectBy
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
local function fromConsumer(conf, facts)
    -- plugins/tier-limit/resolve.ts:12
    local consumer = facts.consumer
    if consumer == nil then
        return nil
    end
    local own = consumerAttribute(consumer, "tier")
    if own ~= nil then
        return own
    end
    local group = consumer.group
    if group ~= nil and conf.tiers[group] ~= nil then
        return group
    end
    return nil
end
local function fromConsumerMap(conf, facts)
    -- plugins/tier-limit/resolve.ts:23
    local consumer = facts.consumer
    local byConsumer = conf.consumer_tiers
    if consumer == nil or byConsumer == nil then
        return nil
    end
    if consumer.username ~= nil and byConsumer[consumer.username] ~= nil then
        return byConsumer[consumer.username]
    end
    if byConsumer[consumer.id] ~= nil then
        return byConsumer[consumer.id]
    end
    if consumer.custom_id ~= nil then
        return byConsumer[consumer.custom_id]
    end
    return nil
end
local function fromJwtClaim(conf, facts)
    -- plugins/tier-limit/resolve.ts:33
    local ____opt_0 = facts.jwtClaims
    local claim = ____opt_0 and ____opt_0[conf.jwt_claim]
    return type(claim) == "string" and claim ~= "" and claim or nil
end
local function fromTrustedHeader(prepared, facts)
    -- plugins/tier-limit/resolve.ts:38
    local name = prepared.trustedHeader
    if name == nil then
        return nil
    end
    local ____opt_2 = facts.headers
    local value = ____opt_2 and ____opt_2[name]
    if value == nil or value == "" then
        return nil
    end
    local ip = facts.clientIp
    if ip == nil or not ipInRanges(ip, prepared.trustedRanges) then
        return nil
    end
    return value
end
local function fromSource(source, conf, prepared, facts)
    -- plugins/tier-limit/resolve.ts:54
    do
        local ____switch17 = source
        local ____cond17 = ____switch17 == "consumer"
        if ____cond17 then
            return fromConsumer(conf, facts)
        end
        ____cond17 = ____cond17 or ____switch17 == "consumer_map"
        if ____cond17 then
            return fromConsumerMap(conf, facts)
        end
        ____cond17 = ____cond17 or ____switch17 == "jwt_claim"
        if ____cond17 then
            return fromJwtClaim(conf, facts)
        end
        ____cond17 = ____cond17 or ____switch17 == "trusted_header"
        if ____cond17 then
            return fromTrustedHeader(prepared, facts)
        end
    end
end
--- The tier `source` names for this request, with the source; undefined when it names none.
local function resolvedBy(source, conf, prepared, facts)
    -- plugins/tier-limit/resolve.ts:68
    local tier = fromSource(source, conf, prepared, facts)
    local ____temp_4
    if tier == nil then
        ____temp_4 = nil
    else
        ____temp_4 = {tier = tier, source = source}
    end
    return ____temp_4
end
function ____exports.resolveTier(conf, prepared, facts)
    -- plugins/tier-limit/resolve.ts:73
    local sources = conf.tier_sources
    local count = #sources
    local ____temp_5
    if count > 0 then
        ____temp_5 = resolvedBy(sources[1], conf, prepared, facts)
    else
        ____temp_5 = nil
    end
    local first = ____temp_5
    if first ~= nil then
        return first
    end
    local ____temp_6
    if count > 1 then
        ____temp_6 = resolvedBy(sources[2], conf, prepared, facts)
    else
        ____temp_6 = nil
    end
    local second = ____temp_6
    if second ~= nil then
        return second
    end
    do
        local i = 2
        while i < count do
            local found = resolvedBy(sources[i + 1], conf, prepared, facts)
            if found ~= nil then
                return found
            end
            i = i + 1
        end
    end
    if facts.consumer ~= nil then
        return conf.default_tier == nil and ({}) or ({tier = conf.default_tier, source = "default_tier"})
    end
    return conf.anonymous_tier == nil and ({}) or ({tier = conf.anonymous_tier, source = "anonymous_tier"})
end
--- The identity whose requests share counters (see limit_by and group.ts); anonymous callers by address.
function ____exports.counterSubject(conf, facts, by)
    -- plugins/tier-limit/resolve.ts:93
    if by == nil then
        by = conf.limit_by
    end
    return subjectBy(by, facts)
end
--- Which requests share counters (see counter_scope).
function ____exports.counterScope(conf, facts)
    -- plugins/tier-limit/resolve.ts:98
    do
        local ____switch28 = conf.counter_scope
        local ____cond28 = ____switch28 == "config"
        if ____cond28 then
            return facts.configScope or "global"
        end
        ____cond28 = ____cond28 or ____switch28 == "route"
        if ____cond28 then
            return "route:" .. (facts.routeId or "")
        end
        ____cond28 = ____cond28 or ____switch28 == "service"
        if ____cond28 then
            return "service:" .. (facts.serviceId or "")
        end
        ____cond28 = ____cond28 or ____switch28 == "global"
        if ____cond28 then
            return "global"
        end
    end
end
--- resolveTier with the config's prepared form (for callers without one, e.g. test vectors).
function ____exports.tierFor(conf, facts)
    -- plugins/tier-limit/resolve.ts:112
    return ____exports.resolveTier(
        conf,
        prepare(conf),
        facts
    )
end
return ____exports
