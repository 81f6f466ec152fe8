local ____lualib = require("tollgate.lualib_bundle")
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local buildPrepared, fromConsumerMap, serviceSubject, fromSource, preparedByConfig, NO_SUBSCRIPTION
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____catalog = require("tollgate.entitlement_check.catalog")
local resolveCatalog = ____catalog.resolveCatalog
local routeMatches = ____catalog.routeMatches
function buildPrepared(conf)
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
        function(____, a, b) return a.rank ~= b.rank and a.rank - b.rank or (a.name < b.name and -1 or (a.name > b.name and 1 or 0)) end
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
        serviceErrors = __TS__New(LogThrottle, conf.error_log_interval)
    }
    preparedByConfig:set(conf, prepared)
    return prepared
end
function fromConsumerMap(conf, facts)
    local consumer = facts.consumer
    local subs = conf.subscriptions
    if consumer == nil or subs == nil then
        return nil
    end
    local ____temp_0
    if consumer.username ~= nil then
        ____temp_0 = subs[consumer.username]
    else
        ____temp_0 = nil
    end
    local entry = ____temp_0
    if entry == nil then
        entry = subs[consumer.id]
    end
    if entry == nil and consumer.custom_id ~= nil then
        entry = subs[consumer.custom_id]
    end
    if entry == nil then
        return nil
    end
    return {plan = entry.plan, status = entry.status, period_end = entry.period_end, features = entry.features}
end
function serviceSubject(conf, facts)
    local consumer = facts.consumer
    do
        local ____switch14 = conf.service.subject
        local ____cond14 = ____switch14 == "custom_id"
        if ____cond14 then
            return consumer.custom_id
        end
        ____cond14 = ____cond14 or ____switch14 == "id"
        if ____cond14 then
            return consumer.id
        end
        do
            return consumer.username or consumer.id
        end
    end
end
function fromSource(conf, facts, consumer, source)
    if source == "consumer" then
        local plan = consumerAttribute(consumer, "plan")
        local ____temp_1
        if plan == nil then
            ____temp_1 = nil
        else
            ____temp_1 = {kind = "known", subscription = {plan = plan, status = "active"}, source = source}
        end
        return ____temp_1
    end
    if source == "consumer_map" then
        local subscription = fromConsumerMap(conf, facts)
        local ____temp_2
        if subscription == nil then
            ____temp_2 = nil
        else
            ____temp_2 = {kind = "known", subscription = subscription, source = source}
        end
        return ____temp_2
    end
    local subject = serviceSubject(conf, facts)
    return subject ~= nil and subject ~= "" and ({kind = "fetch", subject = subject}) or nil
end
preparedByConfig = __TS__New(WeakMap)
function ____exports.prepare(conf)
    return preparedByConfig:get(conf) or buildPrepared(conf)
end
--- Where this caller's subscription comes from. The subject is always the authenticated consumer.
function ____exports.planSubscription(conf, facts)
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
NO_SUBSCRIPTION = {kind = "none"}
--- The highest plan whose features are all entitled (Stripe lists features, not plans).
local function inferPlan(prepared, features)
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
    local out = {}
    for ____, plan in ipairs(prepared.ordered) do
        if planMeets(conf, prepared, plan, facts) then
            out[#out + 1] = plan.name
        end
    end
    return out
end
local function forbidden(conf, prepared, facts, plan, feature, message)
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
local function paymentRequired(conf, prepared, subscription, message)
    local body = {error = "payment_required", message = message, status = subscription.status}
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
    do
        local ____switch66 = subscription.status
        local ____cond66 = ____switch66 == "active" or ____switch66 == "trialing"
        if ____cond66 then
            return nil
        end
        ____cond66 = ____cond66 or ____switch66 == "past_due"
        if ____cond66 then
            do
                local ____end = subscription.period_end
                if ____end == nil or now <= ____end + conf.grace_period then
                    return nil
                end
                return "The subscription is past due and its grace period has ended"
            end
        end
        ____cond66 = ____cond66 or ____switch66 == "paused"
        if ____cond66 then
            return "The subscription is paused"
        end
        ____cond66 = ____cond66 or ____switch66 == "canceled"
        if ____cond66 then
            return "The subscription is canceled"
        end
        do
            return "The subscription is " .. subscription.status
        end
    end
end
local function joinSorted(features)
    local list = {}
    for feature in pairs(features) do
        list[#list + 1] = feature
    end
    __TS__ArraySort(list)
    return table.concat(list, ",")
end
--- The decision for a request, given what is known about the caller's subscription.
function ____exports.decideEntitlement(conf, facts, lookup, now)
    local prepared = ____exports.prepare(conf)
    if lookup.kind == "unknown" then
        if conf.fail_open then
            return {clearUpstream = prepared.clearUpstream, warning = "entitlement unknown, let through (fail_open): " .. lookup.reason}
        end
        return {clearUpstream = prepared.clearUpstream, rejection = {status = 503, body = {error = "entitlement_unavailable", message = "Entitlements cannot be checked right now; try again later"}, headers = {["Retry-After"] = "5"}}}
    end
    if lookup.kind == "none" then
        local ____forbidden_7 = forbidden
        local ____conf_5 = conf
        local ____facts_6 = facts
        local ____opt_3 = conf.required_features
        return ____forbidden_7(
            ____conf_5,
            prepared,
            ____facts_6,
            nil,
            ____opt_3 and ____opt_3[1],
            "No subscription"
        )
    end
    local subscription = lookup.subscription
    local lapsed = ____exports.lapse(conf, subscription, now)
    if lapsed ~= nil then
        return paymentRequired(conf, prepared, subscription, lapsed)
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
        local ____temp_8
        if planName ~= nil then
            ____temp_8 = prepared.plans[planName]
        else
            ____temp_8 = nil
        end
        plan = ____temp_8
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
    local upstream = {}
    if planName ~= nil then
        upstream[conf.plan_header] = planName
    end
    local featureList = subscription.features == nil and plan ~= nil and prepared.featureHeaders[plan.name] or joinSorted(features)
    if featureList ~= "" then
        upstream[conf.features_header] = featureList
    end
    if conf.status_header ~= nil then
        upstream[conf.status_header] = subscription.status
    end
    return {clearUpstream = prepared.clearUpstream, upstream = upstream, plan = planName}
end
--- The whole decision for one request, with `lookup` standing for the service's answer (vectors).
function ____exports.evaluate(conf, facts, lookup, now)
    local plan = ____exports.planSubscription(conf, facts)
    if plan.kind == "reject" then
        return {
            clearUpstream = ____exports.prepare(conf).clearUpstream,
            rejection = plan.rejection
        }
    end
    if plan.kind == "known" then
        return ____exports.decideEntitlement(conf, facts, {kind = "found", subscription = plan.subscription}, now)
    end
    if plan.kind == "none" then
        return ____exports.decideEntitlement(conf, facts, {kind = "none"}, now)
    end
    return ____exports.decideEntitlement(conf, facts, lookup, now)
end
return ____exports
