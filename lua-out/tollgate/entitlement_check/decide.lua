local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local buildPrepared, fromConsumerMap, fromConsumerTag, fromSource, passesOf, preparedByConfig, NO_SUBSCRIPTION, FETCH
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____failure_2Dbackoff = require("tollgate.io.failure_backoff")
local FAILURE_BACKOFF_S = ____failure_2Dbackoff.FAILURE_BACKOFF_S
local ____catalog = require("tollgate.entitlement_check.catalog")
local resolveCatalog = ____catalog.resolveCatalog
local routeMatches = ____catalog.routeMatches
function ____exports.prepare(conf)
    -- plugins/entitlement-check/decide.ts:56
    return preparedByConfig:get(conf) or buildPrepared(conf)
end
function buildPrepared(conf)
    -- plugins/entitlement-check/decide.ts:63
    local plans = resolveCatalog(conf.plans)
    local ordered = {}
    local featureHeaders = {}
    local hasRoutes = false
    for name in pairs(plans) do
        featureHeaders[name] = table.concat(plans[name].features, ",")
        ordered[#ordered + 1] = plans[name]
        if #plans[name].routes > 0 then
            hasRoutes = true
        end
    end
    __TS__ArraySort(
        ordered,
        function(____, a, b)
            -- plugins/entitlement-check/decide.ts:73
            return a.rank ~= b.rank and a.rank - b.rank or (a.name < b.name and -1 or (a.name > b.name and 1 or 0))
        end
    )
    local byRoute = hasRoutes and conf.required_features == nil and conf.required_plans == nil
    local prepared = {
        plans = plans,
        ordered = ordered,
        featureHeaders = featureHeaders,
        hasRoutes = hasRoutes,
        needs = {
            headers = {},
            jwtClaims = false,
            clientIp = false,
            credential = false,
            routeAndService = false,
            path = byRoute
        },
        clearUpstream = conf.status_header == nil and ({conf.plan_header, conf.features_header}) or ({conf.plan_header, conf.features_header, conf.status_header}),
        serviceErrors = __TS__New(LogThrottle, conf.error_log_interval, "entitlement-check:service:" .. (conf.service.url or "")),
        fromMap = {},
        fromTag = {},
        passByPlan = {}
    }
    for consumer in pairs(conf.subscriptions or ({})) do
        local entry = conf.subscriptions[consumer]
        local subscription = {plan = entry.plan, status = entry.status, period_end = entry.period_end, features = entry.features}
        prepared.fromMap[consumer] = {kind = "known", lookup = {kind = "found", subscription = subscription}, source = "consumer_map"}
    end
    preparedByConfig:set(conf, prepared)
    return prepared
end
function fromConsumerMap(prepared, consumer)
    -- plugins/entitlement-check/decide.ts:106
    local known = prepared.fromMap
    local ____temp_0
    if consumer.username ~= nil then
        ____temp_0 = known[consumer.username]
    else
        ____temp_0 = nil
    end
    local found = ____temp_0
    if found == nil then
        found = known[consumer.id]
    end
    if found == nil and consumer.custom_id ~= nil then
        found = known[consumer.custom_id]
    end
    return found
end
function fromConsumerTag(prepared, consumer)
    -- plugins/entitlement-check/decide.ts:115
    local plan = consumerAttribute(consumer, "plan")
    if plan == nil then
        return nil
    end
    local found = prepared.fromTag[plan]
    if found == nil then
        found = {kind = "known", lookup = {kind = "found", subscription = {plan = plan, status = "active"}}, source = "consumer"}
        prepared.fromTag[plan] = found
    end
    return found
end
--- Whom the entitlement service is asked about: the authenticated consumer, as service.subject says.
function ____exports.serviceSubject(conf, facts)
    -- plugins/entitlement-check/decide.ts:127
    local consumer = facts.consumer
    do
        local ____switch17 = conf.service.subject
        local ____cond17 = ____switch17 == "custom_id"
        if ____cond17 then
            return consumer.custom_id
        end
        ____cond17 = ____cond17 or ____switch17 == "id"
        if ____cond17 then
            return consumer.id
        end
        do
            return consumer.username or consumer.id
        end
    end
end
function fromSource(conf, facts, consumer, source)
    -- plugins/entitlement-check/decide.ts:168
    if source == "consumer" then
        return fromConsumerTag(
            ____exports.prepare(conf),
            consumer
        )
    end
    if source == "consumer_map" then
        return fromConsumerMap(
            ____exports.prepare(conf),
            consumer
        )
    end
    local subject = ____exports.serviceSubject(conf, facts)
    return subject ~= nil and subject ~= "" and FETCH or nil
end
function passesOf(prepared, plan)
    -- plugins/entitlement-check/decide.ts:365
    local byStatus = prepared.passByPlan[plan]
    if byStatus == nil then
        byStatus = {}
        prepared.passByPlan[plan] = byStatus
    end
    return byStatus
end
preparedByConfig = __TS__New(WeakMap)
--- Where this caller's subscription comes from. The subject is always the authenticated consumer.
function ____exports.planSubscription(conf, facts)
    -- plugins/entitlement-check/decide.ts:140
    if facts.consumer == nil then
        return {kind = "reject", rejection = {status = 401, body = {error = "unauthorized", message = "An authenticated consumer is required"}, headers = {}}}
    end
    local consumer = facts.consumer
    local sources = conf.subscription_sources
    local count = #sources
    if count == 0 then
        return NO_SUBSCRIPTION
    end
    local first = fromSource(conf, facts, consumer, sources[1])
    if first ~= nil or count == 1 then
        return first or NO_SUBSCRIPTION
    end
    local second = fromSource(conf, facts, consumer, sources[2])
    if second ~= nil then
        return second
    end
    do
        local i = 2
        while i < count do
            local found = fromSource(conf, facts, consumer, sources[i + 1])
            if found ~= nil then
                return found
            end
            i = i + 1
        end
    end
    return NO_SUBSCRIPTION
end
NO_SUBSCRIPTION = {kind = "none", lookup = {kind = "none"}}
FETCH = {kind = "fetch"}
--- The highest plan whose features are all entitled (Stripe lists features, not plans).
local function inferPlan(prepared, features)
    -- plugins/entitlement-check/decide.ts:176
    local best
    for ____, plan in ipairs(prepared.ordered) do
        local all = true
        for ____, feature in ipairs(plan.features) do
            if features[feature] ~= true then
                all = false
            end
        end
        if all then
            best = plan.name
        end
    end
    return best
end
local function satisfiesPlans(plan, required)
    -- plugins/entitlement-check/decide.ts:186
    for ____, wanted in ipairs(required) do
        if plan.name == wanted then
            return true
        end
        for ____, included in ipairs(plan.includes) do
            if included == wanted then
                return true
            end
        end
    end
    return false
end
local function hasFeatures(features, required)
    -- plugins/entitlement-check/decide.ts:194
    local first = required[1]
    if first ~= nil and features[first] ~= true then
        return first
    end
    do
        local i = 1
        while i < #required do
            if features[required[i + 1]] ~= true then
                return required[i + 1]
            end
            i = i + 1
        end
    end
    return nil
end
local function routeAllowed(plan, facts)
    -- plugins/entitlement-check/decide.ts:202
    local path = facts.path or "/"
    for ____, route in ipairs(plan.routes) do
        if routeMatches(route, facts.method, path) then
            return true
        end
    end
    return false
end
--- Does `plan` (with its own features only) meet this config's requirement for this request?
local function planMeets(conf, prepared, plan, facts)
    -- plugins/entitlement-check/decide.ts:209
    if conf.required_plans ~= nil and not satisfiesPlans(plan, conf.required_plans) then
        return false
    end
    if conf.required_features ~= nil and hasFeatures(plan.featureSet, conf.required_features) ~= nil then
        return false
    end
    if conf.required_plans == nil and conf.required_features == nil and prepared.hasRoutes then
        return routeAllowed(plan, facts)
    end
    return true
end
--- Plans that would unlock this request, cheapest first.
local function unlockingPlans(conf, prepared, facts)
    -- plugins/entitlement-check/decide.ts:217
    local out = {}
    for ____, plan in ipairs(prepared.ordered) do
        if planMeets(conf, prepared, plan, facts) then
            out[#out + 1] = plan.name
        end
    end
    return out
end
local function forbidden(conf, prepared, facts, plan, feature, message)
    -- plugins/entitlement-check/decide.ts:223
    local body = {error = "not_entitled", message = message}
    if feature ~= nil then
        body.feature = feature
    end
    if plan ~= nil then
        body.plan = plan
    end
    local unlocking = unlockingPlans(conf, prepared, facts)
    if #unlocking > 0 then
        body.required_plans = unlocking
    end
    if conf.upgrade_url ~= nil then
        body.upgrade_url = conf.upgrade_url
    end
    return {clearUpstream = prepared.clearUpstream, rejection = {status = 403, body = body, headers = {}}, plan = plan}
end
local function paymentRequired(conf, prepared, subscription, message, feature)
    -- plugins/entitlement-check/decide.ts:241
    local body = {error = "payment_required", message = message, status = subscription.status}
    if feature ~= nil then
        body.feature = feature
    end
    if subscription.plan ~= nil then
        body.plan = subscription.plan
    end
    if conf.upgrade_url ~= nil then
        body.upgrade_url = conf.upgrade_url
    end
    return {clearUpstream = prepared.clearUpstream, rejection = {status = 402, body = body, headers = {}}, plan = subscription.plan}
end
--- Why a subscription is not in good standing at `now`, or undefined when it is.
function ____exports.lapse(conf, subscription, now)
    -- plugins/entitlement-check/decide.ts:250
    do
        local ____switch70 = subscription.status
        local ____cond70 = ____switch70 == "active" or ____switch70 == "trialing"
        if ____cond70 then
            return nil
        end
        ____cond70 = ____cond70 or ____switch70 == "past_due"
        if ____cond70 then
            do
                local ____end = subscription.period_end
                if ____end == nil or now <= ____end + conf.grace_period then
                    return nil
                end
                return "The subscription is past due and its grace period has ended"
            end
        end
        ____cond70 = ____cond70 or ____switch70 == "paused"
        if ____cond70 then
            return "The subscription is paused"
        end
        ____cond70 = ____cond70 or ____switch70 == "canceled"
        if ____cond70 then
            return "The subscription is canceled"
        end
        do
            return "The subscription is " .. subscription.status
        end
    end
end
--- Until when (seconds, like `now`) lapse() keeps the answer it gives at `now`: the end
-- of a past_due grace period still running; undefined for ever (a status does not age).
function ____exports.lapseKeptUntil(conf, subscription, now)
    -- plugins/entitlement-check/decide.ts:273
    local ____end = subscription.period_end
    if subscription.status ~= "past_due" or ____end == nil then
        return nil
    end
    local graceEnd = ____end + conf.grace_period
    return now <= graceEnd and graceEnd or nil
end
local function joinSorted(features)
    -- plugins/entitlement-check/decide.ts:280
    local list = {}
    for feature in pairs(features) do
        list[#list + 1] = feature
    end
    __TS__ArraySort(list)
    return table.concat(list, ",")
end
local UNAVAILABLE_RETRY_AFTER = tostring(FAILURE_BACKOFF_S)
--- The first of `required` that is in `list`, or undefined.
local function firstRequired(list, required)
    -- plugins/entitlement-check/decide.ts:290
    if required == nil then
        return nil
    end
    for ____, wanted in ipairs(required) do
        for ____, item in ipairs(list) do
            if item == wanted then
                return wanted
            end
        end
    end
    return nil
end
--- The decision for a request, given what is known about the caller's subscription.
function ____exports.decideEntitlement(conf, facts, lookup, now)
    -- plugins/entitlement-check/decide.ts:297
    local prepared = ____exports.prepare(conf)
    if lookup.kind == "unknown" then
        if conf.fail_open then
            return {clearUpstream = prepared.clearUpstream, warning = "entitlement unknown, let through (fail_open): " .. lookup.reason}
        end
        return {clearUpstream = prepared.clearUpstream, rejection = {status = 503, body = {error = "entitlement_unavailable", message = "Entitlements cannot be checked right now; try again later"}, headers = {["Retry-After"] = UNAVAILABLE_RETRY_AFTER}}}
    end
    if lookup.kind == "none" then
        local ____forbidden_5 = forbidden
        local ____conf_3 = conf
        local ____facts_4 = facts
        local ____opt_1 = conf.required_features
        return ____forbidden_5(
            ____conf_3,
            prepared,
            ____facts_4,
            nil,
            ____opt_1 and ____opt_1[1],
            "No subscription"
        )
    end
    local subscription = lookup.subscription
    local lapsed = ____exports.lapse(conf, subscription, now)
    if lapsed ~= nil then
        return paymentRequired(conf, prepared, subscription, lapsed)
    end
    local ____temp_6
    if subscription.exhausted == nil then
        ____temp_6 = nil
    else
        ____temp_6 = firstRequired(subscription.exhausted, conf.required_features)
    end
    local spent = ____temp_6
    if spent ~= nil then
        return paymentRequired(
            conf,
            prepared,
            subscription,
            "The feature '" .. spent .. "' has no balance left",
            spent
        )
    end
    local planName = subscription.plan
    local extras = subscription.features
    local features
    local plan
    if extras == nil and planName ~= nil and prepared.plans[planName] ~= nil then
        plan = prepared.plans[planName]
        features = plan.featureSet
    else
        features = {}
        for ____, feature in ipairs(extras or ({})) do
            features[feature] = true
        end
        if planName == nil and extras ~= nil then
            planName = inferPlan(prepared, features)
        end
        local ____temp_7
        if planName ~= nil then
            ____temp_7 = prepared.plans[planName]
        else
            ____temp_7 = nil
        end
        plan = ____temp_7
        if plan ~= nil then
            for ____, feature in ipairs(plan.features) do
                features[feature] = true
            end
        end
    end
    if conf.required_plans ~= nil and (plan == nil or not satisfiesPlans(plan, conf.required_plans)) then
        return forbidden(
            conf,
            prepared,
            facts,
            planName,
            nil,
            "Your plan does not include this API"
        )
    end
    if conf.required_features ~= nil then
        local missing = hasFeatures(features, conf.required_features)
        if missing ~= nil then
            return forbidden(
                conf,
                prepared,
                facts,
                planName,
                missing,
                "Your plan does not include the feature '" .. missing .. "'"
            )
        end
    end
    if conf.required_plans == nil and conf.required_features == nil and prepared.hasRoutes then
        if plan == nil or not routeAllowed(plan, facts) then
            return forbidden(
                conf,
                prepared,
                facts,
                planName,
                nil,
                "Your plan does not include this route"
            )
        end
    end
    local byStatus = extras == nil and plan ~= nil and passesOf(prepared, plan.name) or nil
    local known = byStatus and byStatus[subscription.status]
    if known ~= nil then
        return known
    end
    local upstream = {}
    if planName ~= nil then
        upstream[conf.plan_header] = planName
    end
    local featureList = extras == nil and plan ~= nil and prepared.featureHeaders[plan.name] or joinSorted(features)
    if featureList ~= "" then
        upstream[conf.features_header] = featureList
    end
    if conf.status_header ~= nil then
        upstream[conf.status_header] = subscription.status
    end
    local outcome = {clearUpstream = prepared.clearUpstream, upstream = upstream, plan = planName}
    if byStatus ~= nil then
        byStatus[subscription.status] = outcome
    end
    return outcome
end
--- The whole decision for one request, with `lookup` standing for the service's answer (vectors).
function ____exports.evaluate(conf, facts, lookup, now)
    -- plugins/entitlement-check/decide.ts:375
    local plan = ____exports.planSubscription(conf, facts)
    if plan.kind == "reject" then
        return {
            clearUpstream = ____exports.prepare(conf).clearUpstream,
            rejection = plan.rejection
        }
    end
    if plan.kind == "known" or plan.kind == "none" then
        return ____exports.decideEntitlement(conf, facts, plan.lookup, now)
    end
    return ____exports.decideEntitlement(conf, facts, lookup, now)
end
return ____exports
