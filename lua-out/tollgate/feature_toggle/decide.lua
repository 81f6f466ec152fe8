local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local ____exports = {}
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____evaluate = require("tollgate.feature_toggle.evaluate")
local evaluate = ____evaluate.evaluate
local prepareFlags = ____evaluate.prepareFlags
local cache = __TS__New(WeakMap)
function ____exports.prepare(conf)
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
    local items = {}
    for ____, flag in ipairs(conf.flags) do
        local byVariant = {}
        for ____, variant in ipairs(flag.variants or ({})) do
            byVariant[variant.name] = flag.name .. "=" .. variant.name
        end
        for ____, strategy in ipairs(flag.strategies or ({})) do
            for ____, variant in ipairs(strategy.variants or ({})) do
                byVariant[variant.name] = flag.name .. "=" .. variant.name
            end
        end
        items[flag.name] = byVariant
        local hint = flag.upgrade or conf.upgrade
        if hint ~= nil then
            upgrade[flag.name] = hint
        end
    end
    local prepared = {
        flags = prepareFlags({features = conf.flags, segments = conf.segments}),
        forwarded = forwarded,
        contextHeaders = contextHeaders,
        sessionHeader = sessionHeader,
        items = items,
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
--- The Unleash context of a request: only gateway-side facts, plus the headers the operator named.
function ____exports.requestContext(conf, prepared, facts)
    local properties = {}
    local context = {remoteAddress = facts.clientIp, environment = conf.environment, appName = conf.app_name, properties = properties}
    for property in pairs(prepared.contextHeaders) do
        local ____opt_0 = facts.headers
        local value = ____opt_0 and ____opt_0[prepared.contextHeaders[property]]
        if value ~= nil and value ~= "" then
            properties[property] = value
        end
    end
    if prepared.sessionHeader ~= nil then
        local ____opt_2 = facts.headers
        context.sessionId = ____opt_2 and ____opt_2[prepared.sessionHeader]
    end
    local consumer = facts.consumer
    if consumer ~= nil then
        local userId
        if conf.user_id == "username" then
            userId = consumer.username or consumer.id
        elseif conf.user_id == "id" then
            userId = consumer.id
        else
            userId = consumer.custom_id
        end
        context.userId = userId
        properties.consumer = consumer.username or consumer.id
        properties.tier = facts.decidedTier or consumerAttribute(consumer, "tier") or consumer.group or ""
        local plan = consumerAttribute(consumer, "plan")
        properties.plan = plan or ""
    else
        properties.tier = facts.decidedTier or ""
        properties.plan = ""
        properties.consumer = ""
    end
    return context
end
local function rejection(conf, prepared, name, evaluation)
    local body = {error = "feature_not_enabled", feature = name, reason = evaluation.detail or "not_targeted"}
    local hint = prepared.upgrade[name]
    if hint ~= nil then
        body.upgrade = hint
    end
    return {clearUpstream = prepared.clearUpstream, rejection = {status = conf.error_code, body = body, headers = {}}}
end
--- The remote flags of an Unleash client-API answer (already decoded), or undefined when it is not one.
function ____exports.remoteFlagsFrom(answer)
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
--- A required flag's evaluation, kept in `seen`; the refusal when it is off.
local function evaluateRequired(conf, prepared, flags, name, context, caps, seen)
    local evaluation = evaluate(flags, name, context, caps)
    if not evaluation.enabled then
        return rejection(conf, prepared, name, evaluation)
    end
    seen[name] = evaluation
    return nil
end
--- Evaluates the required flags (refusing on the first that is off), then the forwarded ones.
function ____exports.decideFeatures(conf, prepared, facts, caps, remote)
    local context = ____exports.requestContext(conf, prepared, facts)
    local flags = remote == nil and prepared.flags or remote.flags
    local forwarded = prepared.forwarded
    if remote ~= nil and conf.forward == "enabled" then
        forwarded = remote.names
    end
    local clearUpstream = prepared.clearUpstream
    local seen = {}
    local required = conf.require
    if #required > 0 then
        local refused = evaluateRequired(
            conf,
            prepared,
            flags,
            required[1],
            context,
            caps,
            seen
        )
        if refused ~= nil then
            return refused
        end
        do
            local i = 1
            while i < #required do
                local refusedToo = evaluateRequired(
                    conf,
                    prepared,
                    flags,
                    required[i + 1],
                    context,
                    caps,
                    seen
                )
                if refusedToo ~= nil then
                    return refusedToo
                end
                i = i + 1
            end
        end
    end
    local items = {}
    for ____, name in ipairs(forwarded) do
        do
            local evaluation = seen[name] or evaluate(flags, name, context, caps)
            if not evaluation.enabled then
                goto __continue50
            end
            local variant = evaluation.variant
            local ____variant_enabled_6
            if variant.enabled then
                local ____opt_4 = prepared.items[name]
                ____variant_enabled_6 = ____opt_4 and ____opt_4[variant.name] or name .. "=" .. variant.name
            else
                ____variant_enabled_6 = name
            end
            items[#items + 1] = ____variant_enabled_6
        end
        ::__continue50::
    end
    if #items == 0 then
        return {clearUpstream = clearUpstream}
    end
    local features = table.concat(items, ",")
    local upstream = {}
    upstream[conf.header] = features
    return {clearUpstream = clearUpstream, upstream = upstream, features = features}
end
--- decideFeatures with a fixed clock and random source and no REGEX capability, for
-- test vectors (which hold only data).
function ____exports.decideAt(conf, facts, now)
    return ____exports.decideFeatures(
        conf,
        ____exports.prepare(conf),
        facts,
        {
            now = now,
            random = function() return 0 end
        }
    )
end
--- One flag's evaluation for a request, for test vectors.
function ____exports.evaluateAt(conf, name, facts, now)
    local prepared = ____exports.prepare(conf)
    return evaluate(
        prepared.flags,
        name,
        ____exports.requestContext(conf, prepared, facts),
        {
            now = now,
            random = function() return 0 end
        }
    )
end
return ____exports
