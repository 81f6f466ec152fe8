local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____cidr = require("tollgate.core.cidr")
local parseCidr = ____cidr.parseCidr
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local boolean = ____schema.boolean
local integer = ____schema.integer
local map = ____schema.map
local record = ____schema.record
local ____string = ____schema.string
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
local ____thresholds_2Dschema = require("tollgate.tier_limit.thresholds_schema")
local thresholdEventsSpec = ____thresholds_2Dschema.thresholdEventsSpec
local thresholdsSpec = ____thresholds_2Dschema.thresholdsSpec
local ____calendar_2Dfields = require("tollgate.tier_limit.calendar_fields")
local CALENDAR_FIELDS = ____calendar_2Dfields.CALENDAR_FIELDS
local calendarProblem = ____calendar_2Dfields.calendarProblem
local ____overage = require("tollgate.tier_limit.overage")
local overageHeaderField = ____overage.overageHeaderField
local overageProblem = ____overage.overageProblem
local tierOverageFields = ____overage.tierOverageFields
local ____group = require("tollgate.tier_limit.group")
local LIMIT_BY = ____group.LIMIT_BY
local windowLimitByField = ____group.windowLimitByField
local ____redis_2Dschema = require("tollgate.io.redis_schema")
local redisConnectionSpec = ____redis_2Dschema.redisConnectionSpec
local ____cost = require("tollgate.tier_limit.cost")
local costFrom = ____cost.costFrom
--- HTTP methods a tier can limit separately; "*" covers every method not listed.
____exports.LIMITED_METHODS = {
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "*"
}
--- Where a caller's tier can come from, tried in the configured order.
____exports.TIER_SOURCES = {"consumer", "consumer_map", "jwt_claim", "trusted_header"}
local MAX_LIMIT = 1000000000
local function windowLimit(window)
    -- plugins/tier-limit/schema.ts:24
    return integer({description = "Requests allowed per " .. window .. ".", min = 0, max = MAX_LIMIT})
end
local windowLimits = record({
    description = "Limits of one tier for one method, by window; at least one window.",
    fields = {
        second = windowLimit("second"),
        minute = windowLimit("minute"),
        hour = windowLimit("hour"),
        day = windowLimit("day (from midnight, UTC or timezone)"),
        week = windowLimit("ISO week (from Monday midnight, UTC or timezone)"),
        month = windowLimit("month (calendar month, UTC or timezone; or from the caller's billing anchor)"),
        year = windowLimit("year (calendar year, UTC or timezone; or from the caller's billing anchor)")
    },
    check = function(limits)
        -- plugins/tier-limit/schema.ts:39
        for ____, window in ipairs(WINDOW_NAMES) do
            if limits[window] ~= nil then
                return nil
            end
        end
        return table.concat(WINDOW_NAMES, "|") .. ": at least one window must have a limit"
    end
})
local tier = record({
    description = "One tier: its limits per HTTP method, or unlimited.",
    fields = __TS__ObjectAssign(
        {
            unlimited = boolean({description = "No limit at all for this tier.", default = false}),
            limits = map({
                description = "Limits by HTTP method; \"*\" applies to methods not listed.",
                keys = ____string({description = "HTTP method or *.", oneOf = ____exports.LIMITED_METHODS}),
                values = windowLimits
            })
        },
        tierOverageFields
    ),
    check = function(value)
        -- plugins/tier-limit/schema.ts:56
        local overage = overageProblem(value)
        if overage ~= nil then
            return overage
        end
        if value.unlimited == true then
            return nil
        end
        local limits = value.limits
        if limits ~= nil then
            for _method in pairs(limits) do
                return nil
            end
        end
        return "limits: a tier that is not unlimited needs limits"
    end
})
local redis = redisConnectionSpec({description = "Redis connection for policies redis and redis-cluster.", single = "policy redis", cluster = "policy redis-cluster"})
local function tierNamed(conf, name)
    -- plugins/tier-limit/schema.ts:72
    local tiers = conf.tiers
    return type(name) == "string" and tiers[name] ~= nil
end
____exports.tierLimitSchema = record({
    description = "Per-tier, per-method rate limits.",
    fields = __TS__ObjectAssign(
        {
            tiers = map({
                description = "Tiers by name (free, premium, enterprise, …).",
                required = true,
                keys = ____string({description = "Tier name.", minLength = 1}),
                values = tier
            }),
            tier_sources = array({
                description = "Where the tier comes from, first hit wins: consumer (Kong tag tier:<name>, APISIX label tier or consumer group), consumer_map, jwt_claim (a verified token only), trusted_header (only from trusted_cidrs).",
                elements = ____string({description = "A tier source.", oneOf = ____exports.TIER_SOURCES}),
                default = {"consumer", "consumer_map", "jwt_claim"},
                minLength = 1
            }),
            consumer_tiers = map({
                description = "Tier by consumer username, id or custom_id (source consumer_map).",
                keys = ____string({description = "Consumer.", minLength = 1}),
                values = ____string({description = "Tier name.", minLength = 1})
            }),
            jwt_claim = ____string({description = "Claim of the JWT verified by the gateway's jwt plugin that names the tier (source jwt_claim).", default = "tier", minLength = 1}),
            trusted_header = ____string({description = "Request header set by a trusted internal proxy that names the tier (source trusted_header).", minLength = 1}),
            trusted_cidrs = array({
                description = "Client addresses allowed to set trusted_header (CIDR or address, IPv4/IPv6).",
                elements = ____string({description = "CIDR.", minLength = 2})
            }),
            default_tier = ____string({description = "Tier of an identified caller (consumer) that no source names a tier for; unset: 403."}),
            anonymous_tier = ____string({description = "Tier of a caller with no consumer; unset: 401."}),
            limit_by = ____string({description = "Whose requests are counted together: consumer, credential, ip, or group (the consumer's organization: every member shares one counter; see window_limit_by). Anonymous callers always by ip.", oneOf = LIMIT_BY, default = "consumer"})
        },
        windowLimitByField,
        {
            counter_scope = ____string({description = "Which requests share counters: config (those this plugin config handles, as Kong's rate-limiting), route, service, or global (all routes).", oneOf = {"config", "route", "service", "global"}, default = "config"}),
            algorithm = ____string({description = "sliding (sliding window counter) or fixed (calendar windows, as Kong's rate-limiting).", oneOf = {"sliding", "fixed"}, default = "sliding"}),
            cost = integer({description = "How much one request counts (with cost_from: the least it is charged).", default = 1, min = 1, max = 1000000}),
            cost_from = costFrom,
            policy = ____string({description = "Where counters live: local (lua_shared_dict), redis, redis-cluster.", oneOf = {"local", "redis", "redis-cluster"}, default = "local"}),
            dict = ____string({description = "lua_shared_dict for policy local.", default = "tollgate_tier_limit", minLength = 1}),
            redis = redis,
            fault_tolerant = boolean({description = "When the counter store fails: true lets requests through, false answers 503.", default = true}),
            error_log_interval = integer({description = "Seconds between two error-log lines about a failing store (each says how many failures).", default = 60, min = 1, max = 86400}),
            tier_header = ____string({description = "Request header that carries the resolved tier upstream (a client-sent copy is removed first).", default = "X-API-Tier", minLength = 1})
        },
        overageHeaderField,
        {
            hide_client_headers = boolean({description = "Do not send rate-limit headers to the client.", default = false}),
            error_code = integer({description = "Status of a rejected request.", default = 429, min = 400, max = 599}),
            error_message = ____string({description = "Message of a rejected request.", default = "API rate limit exceeded"}),
            usage_path = ____string({description = "A request path (e.g. /v1/usage) that tier-limit answers itself, not counted: the caller's own usage under this config as JSON (tier, and per window limit, used, remaining, overage, window start and reset), authenticated like every request of the route.", minLength = 1}),
            thresholds = thresholdsSpec,
            threshold_events = thresholdEventsSpec
        },
        CALENDAR_FIELDS
    ),
    check = function(conf)
        -- plugins/tier-limit/schema.ts:168
        for ____, field in ipairs({"default_tier", "anonymous_tier"}) do
            local name = conf[field]
            if name ~= nil and not tierNamed(conf, name) then
                return field .. ": '" .. tostring(name) .. "' is not one of the configured tiers"
            end
        end
        local byConsumer = conf.consumer_tiers
        if byConsumer ~= nil then
            for consumer in pairs(byConsumer) do
                if not tierNamed(conf, byConsumer[consumer]) then
                    return "consumer_tiers." .. consumer .. ": '" .. tostring(byConsumer[consumer]) .. "' is not one of the configured tiers"
                end
            end
        end
        local sources = conf.tier_sources
        for ____, source in ipairs(sources) do
            do
                if source ~= "trusted_header" then
                    goto __continue22
                end
                if conf.trusted_header == nil then
                    return "trusted_header: required when tier_sources has trusted_header"
                end
                local cidrs = conf.trusted_cidrs
                if cidrs == nil or #cidrs == 0 then
                    return "trusted_cidrs: at least one range is required when tier_sources has trusted_header"
                end
            end
            ::__continue22::
        end
        local cidrs = conf.trusted_cidrs
        if cidrs ~= nil then
            do
                local i = 0
                while i < #cidrs do
                    if parseCidr(cidrs[i + 1]) == nil then
                        return "trusted_cidrs." .. tostring(i + 1) .. ": '" .. tostring(cidrs[i + 1]) .. "' is not a CIDR range"
                    end
                    i = i + 1
                end
            end
        end
        local usagePath = conf.usage_path
        if type(usagePath) == "string" and (string.find(usagePath, "/", nil, true) or 0) - 1 ~= 0 then
            return "usage_path: must start with /"
        end
        local redisConf = conf.redis
        if conf.policy == "redis" and redisConf.host == nil then
            return "redis.host: required for policy redis"
        end
        if conf.policy == "redis-cluster" and (redisConf.cluster_nodes == nil or #redisConf.cluster_nodes == 0) then
            return "redis.cluster_nodes: at least one node is required for policy redis-cluster"
        end
        return calendarProblem(conf)
    end
})
return ____exports
