--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local newService, cjson, services
local ____cache = require("tollgate.io.lua.cache")
local cacheEpoch = ____cache.cacheEpoch
local cachedGet = ____cache.cachedGet
local storeAnswer = ____cache.storeAnswer
local ____http = require("tollgate.io.lua.http")
local httpGet = ____http.httpGet
local ____consumer_2Dmemo = require("tollgate.hosts.lua.consumer_memo")
local keepFor = ____consumer_2Dmemo.keepFor
local newMemosByConfig = ____consumer_2Dmemo.newMemosByConfig
local recallFor = ____consumer_2Dmemo.recallFor
local ____decide = require("tollgate.entitlement_check.decide")
local decideEntitlement = ____decide.decideEntitlement
local lapseKeptUntil = ____decide.lapseKeptUntil
local planSubscription = ____decide.planSubscription
local prepare = ____decide.prepare
local serviceSubject = ____decide.serviceSubject
local ____service_2Drequest = require("tollgate.entitlement_check.service_request")
local serviceRequest = ____service_2Drequest.serviceRequest
local ____subscription = require("tollgate.entitlement_check.subscription")
local mapServiceResponse = ____subscription.mapServiceResponse
local ____openmeter = require("tollgate.entitlement_check.openmeter")
local fromOpenMeter = ____openmeter.fromOpenMeter
local openMeterPath = ____openmeter.openMeterPath
local ____log_2Dgate = require("tollgate.io.lua.log_gate")
local logGate = ____log_2Dgate.logGate
function newService(conf)
    -- plugins/entitlement-check/lua/access.ts:58
    local s = conf.service
    local request = serviceRequest(s)
    local format = s.format
    local features = format == "openmeter" and (conf.required_features or ({})) or nil
    local function fetch(subject)
        -- plugins/entitlement-check/lua/access.ts:64
        if request == nil then
            return nil, "service.url is not an http(s) URL"
        end
        local lookup
        if features ~= nil then
            local answers = {}
            for ____, feature in ipairs(features) do
                local response, err = httpGet(
                    request,
                    request.target.basePath .. openMeterPath(subject, feature, ngx.escape_uri)
                )
                if response == nil then
                    return nil, err
                end
                local body = cjson.decode(response.body)
                answers[#answers + 1] = {status = response.status, body = body}
            end
            lookup = fromOpenMeter(features, answers)
        else
            local response, err = httpGet(
                request,
                request.target.basePath .. "/" .. ngx.escape_uri(subject)
            )
            if response == nil then
                return nil, err
            end
            local body = cjson.decode(response.body)
            lookup = mapServiceResponse(format, response.status, body)
        end
        if lookup.kind == "unknown" then
            return nil, lookup.reason
        end
        local payload = cjson.encode(lookup)
        return {payload = payload, negative = lookup.kind == "none"}, nil
    end
    local c = conf.cache
    local service = {
        cache = {
            dict = c.dict,
            namespace = tostring(ngx.crc32_long(format .. " " .. (s.url or "") .. " " .. (s.auth_value or "") .. " " .. tostring(s.ssl_verify) .. " " .. (s.server_name or "") .. " " .. (s.client_cert or "") .. (features == nil and "" or " " .. table.concat(features, ",")))),
            lruSize = c.lru_size,
            ttl = c.ttl,
            negativeTtl = c.negative_ttl,
            staleTtl = c.stale_ttl,
            lockTimeoutMs = math.min(c.lock_timeout_ms, s.connect_timeout_ms + s.timeout_ms),
            lockTtl = (s.connect_timeout_ms + s.timeout_ms) / 1000 + 1
        },
        fetch = fetch
    }
    services[conf] = service
    return service
end
cjson = require("cjson.safe")
services = setmetatable({}, {__mode = "k"})
--- APISIX deep-copies a route's plugin config for every consumer it merges in
-- (merge_consumer_route), so one logical config arrives as many tables. State
-- derived from a config (prepared catalog, service client) is kept once per content:
-- each table maps (weakly) to the first table seen with the same JSON encoding.
local canonicalByConfig = setmetatable({}, {__mode = "kv"})
local canonicalByEncoding = setmetatable({}, {__mode = "v"})
local function canonical(conf)
    -- plugins/entitlement-check/lua/access.ts:35
    local known = canonicalByConfig[conf]
    if known ~= nil then
        return known
    end
    local encoded = cjson.encode(conf)
    local ____temp_0
    if encoded == nil then
        ____temp_0 = nil
    else
        ____temp_0 = canonicalByEncoding[encoded]
    end
    local first = ____temp_0
    if first == nil then
        first = conf
        if encoded ~= nil then
            canonicalByEncoding[encoded] = conf
        end
    end
    canonicalByConfig[conf] = first
    return first
end
local function decodeLookup(payload)
    -- plugins/entitlement-check/lua/access.ts:48
    local value = cjson.decode(payload)
    return type(value) == "table" and value or nil
end
local function serviceFor(conf)
    -- plugins/entitlement-check/lua/access.ts:53
    return services[conf] or newService(conf)
end
--- Makes `lookup` the cached answer about `subject` for configs that reach the service
-- as `original` does (same URL, format, credentials, TLS: the cache namespace); all
-- other cached answers about it are dropped. Signed webhooks (lua/webhook.ts).
function ____exports.storeServiceAnswer(original, subject, lookup)
    -- plugins/entitlement-check/lua/access.ts:114
    local payload = cjson.encode(lookup)
    return storeAnswer(
        serviceFor(canonical(original)).cache,
        subject,
        {payload = payload, negative = lookup.kind == "none"}
    )
end
--- How many config tables, distinct contents and service clients this worker holds (diagnostics).
function ____exports.configStateSizes()
    -- plugins/entitlement-check/lua/access.ts:120
    local configs = 0
    local contents = 0
    local serviceCount = 0
    for _ in pairs(canonicalByConfig) do
        configs = configs + 1
    end
    for _ in pairs(canonicalByEncoding) do
        contents = contents + 1
    end
    for _ in pairs(services) do
        serviceCount = serviceCount + 1
    end
    return {configs = configs, contents = contents, services = serviceCount}
end
--- Which optional request facts `conf` needs (adapters read only those).
function ____exports.entitlementNeeds(conf)
    -- plugins/entitlement-check/lua/access.ts:131
    return prepare(canonical(conf)).needs
end
local decisions = newMemosByConfig()
--- The decision remembered for this consumer under this config, when still good; else
-- undefined (then call entitlementAccess). `consumer`: the host's consumer table.
function ____exports.rememberedEntitlement(conf, consumer)
    -- plugins/entitlement-check/lua/access.ts:161
    local remembered = recallFor(decisions, conf, consumer)
    if remembered == nil or ngx.now() >= remembered["until"] then
        return nil
    end
    if remembered.epoch ~= nil and (remembered.dict == nil or cacheEpoch(remembered.dict) ~= remembered.epoch) then
        return nil
    end
    return remembered.outcome
end
--- Keeps `outcome` for `consumer` (see rememberedEntitlement) until `until`, or less when a grace period ends sooner.
local function remember(original, conf, consumer, outcome, lookup, ____until, epoch)
    -- plugins/entitlement-check/lua/access.ts:169
    if outcome.warning ~= nil then
        return
    end
    local now = ngx.now()
    local ____temp_1
    if lookup.kind == "found" then
        ____temp_1 = lapseKeptUntil(conf, lookup.subscription, now)
    else
        ____temp_1 = nil
    end
    local graceEnd = ____temp_1
    local kept = graceEnd == nil and ____until or math.min(____until, graceEnd)
    if kept <= now then
        return
    end
    local ____temp_2
    if epoch == nil then
        ____temp_2 = nil
    else
        ____temp_2 = ngx.shared[conf.cache.dict]
    end
    local dict = ____temp_2
    keepFor(
        decisions,
        original,
        conf.cache.lru_size,
        consumer,
        {outcome = outcome, ["until"] = kept, epoch = epoch, dict = dict}
    )
end
--- The decision for a request. `consumer`: the host's consumer table, under which the
-- decision is remembered when it can be (see rememberedEntitlement).
function ____exports.entitlementAccess(original, facts, consumer)
    -- plugins/entitlement-check/lua/access.ts:191
    local conf = canonical(original)
    local plan = planSubscription(conf, facts)
    if plan.kind == "reject" then
        return {
            clearUpstream = prepare(conf).clearUpstream,
            rejection = plan.rejection
        }
    end
    local rememberable = consumer ~= nil and prepare(conf).needs.path ~= true
    if plan.kind == "known" or plan.kind == "none" then
        local outcome = decideEntitlement(
            conf,
            facts,
            plan.lookup,
            ngx.now()
        )
        if rememberable then
            remember(
                original,
                conf,
                consumer,
                outcome,
                plan.lookup,
                math.huge,
                nil
            )
        end
        return outcome
    end
    local service = serviceFor(conf)
    local dict = ngx.shared[service.cache.dict]
    local epoch = rememberable and dict ~= nil and cacheEpoch(dict) or nil
    local lookup, state, freshUntil = cachedGet(
        service.cache,
        serviceSubject(conf, facts),
        service.fetch,
        decodeLookup
    )
    if lookup == nil then
        local report = prepare(conf).serviceErrors:occurrence(
            ngx.now(),
            logGate(conf.cache.dict)
        )
        if report > 0 then
            ngx.log(
                ngx.ERR,
                "[entitlement-check] entitlement service failed " .. tostring(report) .. " time(s) since the last report: " .. state
            )
        end
        return decideEntitlement(
            conf,
            facts,
            {kind = "unknown", reason = state},
            ngx.now()
        )
    end
    local outcome = decideEntitlement(
        conf,
        facts,
        lookup,
        ngx.now()
    )
    if rememberable and state == "fresh" then
        remember(
            original,
            conf,
            consumer,
            outcome,
            lookup,
            freshUntil,
            epoch
        )
    end
    return outcome
end
return ____exports
