local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__ArraySetLength = ____lualib.__TS__ArraySetLength
local ____exports = {}
local rejection, forwardingOf, refusal, evaluateAll, forwardedResults, headerItems
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____evaluate = require("tollgate.feature_toggle.evaluate")
local contextValue = ____evaluate.contextValue
local evaluateFeature = ____evaluate.evaluateFeature
local evaluateIn = ____evaluate.evaluateIn
local featureNamed = ____evaluate.featureNamed
local prepareFlags = ____evaluate.prepareFlags
local ____memo = require("tollgate.feature_toggle.memo")
local memoMatches = ____memo.memoMatches
local newMemo = ____memo.newMemo
local recall = ____memo.recall
local remember = ____memo.remember
function rejection(conf, prepared, name, evaluation)
    -- plugins/feature-toggle/decide.ts:196
    local body = {error = "feature_not_enabled", feature = name, reason = evaluation.detail or "not_targeted"}
    local hint = prepared.upgrade[name]
    if hint ~= nil then
        body.upgrade = hint
    end
    return {clearUpstream = prepared.clearUpstream, rejection = {status = conf.error_code, body = body, headers = {}}}
end
function forwardingOf(prepared, flags, names)
    -- plugins/feature-toggle/decide.ts:298
    local known = prepared.forwarding
    if known ~= nil and known.flags == flags and known.names == names then
        return known
    end
    local list = {}
    local position = {}
    for ____, name in ipairs(names) do
        do
            local feature = featureNamed(flags, name)
            if feature == nil then
                goto __continue62
            end
            local items = {}
            for ____, variant in ipairs(feature.source.variants or ({})) do
                items[variant.name] = name .. "=" .. variant.name
            end
            for ____, strategy in ipairs(feature.source.strategies or ({})) do
                for ____, variant in ipairs(strategy.variants or ({})) do
                    items[variant.name] = name .. "=" .. variant.name
                end
            end
            position[name] = #list
            list[#list + 1] = {name = name, feature = feature, items = items}
        end
        ::__continue62::
    end
    local forwarding = {flags = flags, names = names, list = list, position = position}
    prepared.forwarding = forwarding
    return forwarding
end
function refusal(conf, prepared, forwarding, name, context, caps)
    -- plugins/feature-toggle/decide.ts:320
    local at = forwarding.position[name]
    local evaluation = type(at) == "number" and forwardedResults[at + 1] or evaluateIn(forwarding.flags, name, context, caps)
    local ____evaluation_enabled_4
    if evaluation.enabled then
        ____evaluation_enabled_4 = nil
    else
        ____evaluation_enabled_4 = rejection(conf, prepared, name, evaluation)
    end
    return ____evaluation_enabled_4
end
function evaluateAll(conf, prepared, flags, forwarded, context, caps)
    -- plugins/feature-toggle/decide.ts:338
    local clearUpstream = prepared.clearUpstream
    local forwarding = forwardingOf(prepared, flags, forwarded)
    local list = forwarding.list
    local results = forwardedResults
    local items = headerItems
    local count = 0
    local total = #list
    do
        local i = 0
        while i < total do
            do
                local flag = list[i + 1]
                local evaluation = evaluateFeature(flag.feature, flags, context, caps)
                results[i + 1] = evaluation
                if not evaluation.enabled then
                    goto __continue74
                end
                local variant = evaluation.variant
                items[count + 1] = variant.enabled and (flag.items[variant.name] or flag.name .. "=" .. variant.name) or flag.name
                count = count + 1
            end
            ::__continue74::
            i = i + 1
        end
    end
    __TS__ArraySetLength(items, count)
    local required = conf.require
    if #required > 0 then
        local refused = refusal(
            conf,
            prepared,
            forwarding,
            required[1],
            context,
            caps
        )
        if refused ~= nil then
            return refused
        end
        do
            local i = 1
            while i < #required do
                local refusedToo = refusal(
                    conf,
                    prepared,
                    forwarding,
                    required[i + 1],
                    context,
                    caps
                )
                if refusedToo ~= nil then
                    return refusedToo
                end
                i = i + 1
            end
        end
    end
    if count == 0 then
        return {clearUpstream = clearUpstream}
    end
    local features = table.concat(items, ",")
    local upstream = {}
    upstream[conf.header] = features
    return {clearUpstream = clearUpstream, upstream = upstream, features = features}
end
local cache = __TS__New(WeakMap)
function ____exports.prepare(conf)
    -- plugins/feature-toggle/decide.ts:64
    local cached = cache:get(conf)
    if cached ~= nil then
        return cached
    end
    local headers = {}
    local contextHeaders = {}
    if conf.context_headers ~= nil then
        for property in pairs(conf.context_headers) do
            local header = string.lower(conf.context_headers[property])
            contextHeaders[property] = header
            headers[#headers + 1] = header
        end
    end
    local sessionHeader
    if conf.session_header ~= nil then
        sessionHeader = string.lower(conf.session_header)
        headers[#headers + 1] = sessionHeader
    end
    local forwarded = {}
    if conf.forward == "enabled" then
        for ____, flag in ipairs(conf.flags) do
            forwarded[#forwarded + 1] = flag.name
        end
    end
    if conf.forward == "required" then
        for ____, name in ipairs(conf.require) do
            forwarded[#forwarded + 1] = name
        end
    end
    local upgrade = {}
    for ____, flag in ipairs(conf.flags) do
        local hint = flag.upgrade or conf.upgrade
        if hint ~= nil then
            upgrade[flag.name] = hint
        end
    end
    local prepared = {
        conf = conf,
        flags = prepareFlags({features = conf.flags, segments = conf.segments}),
        forwarded = forwarded,
        contextHeaders = contextHeaders,
        sessionHeader = sessionHeader,
        upgrade = upgrade,
        clearUpstream = {conf.header},
        needs = {
            headers = headers,
            jwtClaims = false,
            clientIp = true,
            credential = false,
            routeAndService = false,
            decided = true
        }
    }
    cache:set(conf, prepared)
    return prepared
end
--- The consumer field used as Unleash userId (config `user_id`); none for an anonymous caller.
local function userIdOf(conf, consumer)
    -- plugins/feature-toggle/decide.ts:112
    if consumer == nil then
        return nil
    end
    if conf.user_id == "username" then
        return consumer.username or consumer.id
    end
    if conf.user_id == "id" then
        return consumer.id
    end
    return consumer.custom_id
end
local GATEWAY_PROPERTIES = {consumer = true, tier = true, plan = true}
local function isGatewayProperty(name)
    -- plugins/feature-toggle/decide.ts:123
    return GATEWAY_PROPERTIES[name] == true
end
--- A context property the gateway establishes ("" for an anonymous caller: a header must
-- not stand in for gateway-side identity; tier-limit's anonymous_tier may).
local function gatewayProperty(facts, name)
    -- plugins/feature-toggle/decide.ts:131
    local consumer = facts.consumer
    if name == "tier" then
        if facts.decidedTier ~= nil then
            return facts.decidedTier
        end
        return consumer == nil and "" or (consumerAttribute(consumer, "tier") or consumer.group or "")
    end
    if consumer == nil then
        return ""
    end
    if name == "consumer" then
        return consumer.username or consumer.id
    end
    return consumerAttribute(consumer, "plan") or ""
end
--- Whether a context_headers property is read from its header: not a property the
-- gateway establishes, and not currentTime (the clock is the gateway's; see
-- ContextValues).
local function fromHeader(property)
    -- plugins/feature-toggle/decide.ts:150
    return not isGatewayProperty(property) and property ~= "currentTime"
end
local function header(facts, name)
    -- plugins/feature-toggle/decide.ts:154
    local ____temp_2
    if name == nil then
        ____temp_2 = nil
    else
        local ____opt_0 = facts.headers
        ____temp_2 = ____opt_0 and ____opt_0[name]
    end
    return ____temp_2
end
function ____exports.requestValues(conf, prepared, facts)
    -- plugins/feature-toggle/decide.ts:158
    local values = {
        consumer = gatewayProperty(facts, "consumer"),
        tier = gatewayProperty(facts, "tier"),
        plan = gatewayProperty(facts, "plan"),
        userId = userIdOf(conf, facts.consumer),
        sessionId = header(facts, prepared.sessionHeader),
        remoteAddress = facts.clientIp,
        environment = conf.environment,
        appName = conf.app_name
    }
    for property in pairs(prepared.contextHeaders) do
        do
            if not fromHeader(property) then
                goto __continue30
            end
            local value = header(facts, prepared.contextHeaders[property])
            if value ~= nil and value ~= "" and contextValue(values, property) == nil then
                values[property] = value
            end
        end
        ::__continue30::
    end
    return values
end
--- contextValue(requestValues(conf, prepared, facts), field), without building the values.
function ____exports.requestField(prepared, facts, field)
    -- plugins/feature-toggle/decide.ts:181
    local conf = prepared.conf
    local standard
    if field == "userId" then
        standard = userIdOf(conf, facts.consumer)
    elseif field == "remoteAddress" then
        standard = facts.clientIp
    elseif field == "sessionId" then
        standard = header(facts, prepared.sessionHeader)
    elseif field == "environment" then
        standard = conf.environment
    elseif field == "appName" then
        standard = conf.app_name
    end
    if standard ~= nil and standard ~= "" then
        return standard
    end
    local property
    if isGatewayProperty(field) then
        property = gatewayProperty(facts, field)
    elseif fromHeader(field) then
        property = header(facts, prepared.contextHeaders[field])
    end
    local ____temp_3
    if property == "" then
        ____temp_3 = nil
    else
        ____temp_3 = property
    end
    return ____temp_3
end
--- The remote flags of an Unleash client-API answer (already decoded), or undefined when it is not one.
function ____exports.remoteFlagsFrom(answer)
    -- plugins/feature-toggle/decide.ts:215
    if type(answer) ~= "table" or answer == nil then
        return nil
    end
    local state = answer
    if type(state.features) ~= "table" or state.features == nil then
        return nil
    end
    local features = state.features
    local names = {}
    for ____, feature in ipairs(features) do
        if type(feature) ~= "table" or feature == nil or type(feature.name) ~= "string" then
            return nil
        end
        names[#names + 1] = feature.name
    end
    local segments = type(state.segments) == "table" and state.segments ~= nil and state.segments or ({})
    return {
        flags = prepareFlags({features = features, segments = segments}),
        names = names
    }
end
local function hostRandom()
    -- plugins/feature-toggle/decide.ts:235
    return 0
end
local randomDrawn = false
--- Whether the last decideFeatures answer is one its memo holds (see lastDecisionKept).
local decisionKept = false
--- Whether the decision decideFeatures returned last is one the memo keeps: found there,
-- or made without a random draw and stored. A host may remember it elsewhere too.
function ____exports.lastDecisionKept()
    -- plugins/feature-toggle/decide.ts:244
    return decisionKept
end
local function drawRandom()
    -- plugins/feature-toggle/decide.ts:248
    randomDrawn = true
    return hostRandom()
end
--- The decision for a request: remembered (memo.ts) when an earlier request had the
-- same values of everything the flags read, else evaluated and remembered.
function ____exports.decideFeatures(conf, prepared, facts, caps, remote)
    -- plugins/feature-toggle/decide.ts:257
    local flags = remote == nil and prepared.flags or remote.flags
    local forwarded = prepared.forwarded
    if remote ~= nil and conf.forward == "enabled" then
        forwarded = remote.names
    end
    decisionKept = false
    if conf.decision_cache_size == 0 then
        return evaluateAll(
            conf,
            prepared,
            flags,
            forwarded,
            ____exports.requestValues(conf, prepared, facts),
            caps
        )
    end
    local memo = prepared.memo
    if memo == nil or not memoMatches(memo, flags, caps) then
        memo = newMemo(flags, caps.hostname, conf.decision_cache_size)
        prepared.memo = memo
    end
    local nowMs = caps.now * 1000
    local remembered = recall(
        memo,
        ____exports.requestField,
        prepared,
        facts,
        nowMs
    )
    if remembered ~= nil then
        decisionKept = true
        return remembered
    end
    hostRandom = caps.random
    randomDrawn = false
    local drawing = {now = caps.now, hostname = caps.hostname, regex = caps.regex, random = drawRandom}
    local outcome = evaluateAll(
        conf,
        prepared,
        flags,
        forwarded,
        ____exports.requestValues(conf, prepared, facts),
        drawing
    )
    if not randomDrawn then
        remember(
            memo,
            ____exports.requestField,
            prepared,
            facts,
            nowMs,
            outcome
        )
    end
    decisionKept = not randomDrawn
    return outcome
end
forwardedResults = {}
headerItems = {}
--- decideFeatures with a fixed clock and random source and no REGEX capability, for
-- test vectors (which hold only data).
function ____exports.decideAt(conf, facts, now)
    -- plugins/feature-toggle/decide.ts:387
    return ____exports.decideFeatures(
        conf,
        ____exports.prepare(conf),
        facts,
        {
            now = now,
            random = function()
                -- plugins/feature-toggle/decide.ts:388
                return 0
            end
        }
    )
end
--- One flag's evaluation for a request, for test vectors.
function ____exports.evaluateAt(conf, name, facts, now)
    -- plugins/feature-toggle/decide.ts:392
    local prepared = ____exports.prepare(conf)
    return evaluateIn(
        prepared.flags,
        name,
        ____exports.requestValues(conf, prepared, facts),
        {
            now = now,
            random = function()
                -- plugins/feature-toggle/decide.ts:394
                return 0
            end
        }
    )
end
return ____exports
