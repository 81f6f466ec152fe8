local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectRest = ____lualib.__TS__ObjectRest
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local WeakMap = ____lualib.WeakMap
local __TS__New = ____lualib.__TS__New
local __TS__ArrayIndexOf = ____lualib.__TS__ArrayIndexOf
local ____exports = {}
local ____cidr = require("tollgate.core.cidr")
local parseCidr = ____cidr.parseCidr
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____windows = require("tollgate.core.windows")
local WINDOW_NAMES = ____windows.WINDOW_NAMES
local ____anchor = require("tollgate.tier_limit.anchor")
local prepareCalendar = ____anchor.prepareCalendar
local ____group = require("tollgate.tier_limit.group")
local counterLevels = ____group.counterLevels
local windowLevel = ____group.windowLevel
local ____overage = require("tollgate.tier_limit.overage")
local hasOverage = ____overage.hasOverage
local softLimit = ____overage.softLimit
local ____thresholds_2Dschema = require("tollgate.tier_limit.thresholds_schema")
local sortedThresholds = ____thresholds_2Dschema.sortedThresholds
local function redisConnection(conf)
    -- plugins/tier-limit/prepare.ts:83
    local ____conf_redis_0 = conf.redis
    local host = ____conf_redis_0.host
    local port = ____conf_redis_0.port
    local database = ____conf_redis_0.database
    local cluster_nodes = ____conf_redis_0.cluster_nodes
    local common = __TS__ObjectRest(____conf_redis_0, {host = true, port = true, database = true, cluster_nodes = true})
    if conf.policy == "redis" then
        return __TS__ObjectAssign({}, common, {host = host, port = port, database = database})
    end
    if conf.policy == "redis-cluster" then
        return __TS__ObjectAssign({}, common, {cluster_nodes = cluster_nodes})
    end
    return nil
end
local HEADER_SUFFIX = {
    second = "Second",
    minute = "Minute",
    hour = "Hour",
    day = "Day",
    week = "Week",
    month = "Month",
    year = "Year"
}
local cache = __TS__New(WeakMap)
local function prepareTiers(conf, levels)
    -- plugins/tier-limit/prepare.ts:104
    local tiers = {}
    for name in pairs(conf.tiers) do
        local tier = conf.tiers[name]
        local byMethod = {}
        local limits = tier.limits or ({})
        for method in pairs(limits) do
            local windows = {}
            for ____, window in ipairs(WINDOW_NAMES) do
                do
                    local limit = limits[method][window]
                    if limit == nil then
                        goto __continue8
                    end
                    local suffix = HEADER_SUFFIX[window]
                    local prepared = {
                        window = window,
                        limit = limit,
                        limitText = tostring(limit),
                        limitHeader = "X-RateLimit-Limit-" .. suffix,
                        remainingHeader = "X-RateLimit-Remaining-" .. suffix
                    }
                    local overage = softLimit(tier, window, limit, suffix)
                    if overage ~= nil then
                        prepared.overage = overage
                    end
                    local level = windowLevel(conf, levels, window)
                    if level ~= nil then
                        prepared.limitBy = level
                    end
                    windows[#windows + 1] = prepared
                end
                ::__continue8::
            end
            byMethod[method] = windows
        end
        tiers[name] = {unlimited = tier.unlimited, byMethod = byMethod}
    end
    return tiers
end
--- Seconds a client should wait before retrying when the counter store fails (503): the
-- store's timeout, in whole seconds and at least 1. tollgate tries the store again on
-- every request, so nothing on its side says when the store will be back; what the config
-- does say is how long a request may wait for the store before failing (redis.timeout_ms),
-- and a client paced by it adds at most one waiting request per timeout. Policy local
-- (a lua_shared_dict that failed, i.e. is full or missing) has no timeout: 1.
local function unavailableRetryAfter(conf)
    -- plugins/tier-limit/prepare.ts:145
    if conf.policy == "local" then
        return 1
    end
    return math.max(
        1,
        math.ceil(conf.redis.timeout_ms / 1000)
    )
end
local function hasSource(conf, wanted)
    -- plugins/tier-limit/prepare.ts:150
    for ____, source in ipairs(conf.tier_sources) do
        if source == wanted then
            return true
        end
    end
    return false
end
--- What a store failure is about, for the node-wide log gate: the store itself, so the
-- configs sharing one Redis report its failure once per interval, and a second Redis
-- that fails too is still reported.
local function storeKind(conf)
    -- plugins/tier-limit/prepare.ts:160
    if conf.policy == "redis" then
        return "tier-limit:store:redis:" .. (conf.redis.host or "") .. ":" .. tostring(conf.redis.port)
    end
    if conf.policy == "redis-cluster" then
        return "tier-limit:store:redis-cluster:" .. table.concat(conf.redis.cluster_nodes or ({}), ",")
    end
    return "tier-limit:store:" .. conf.policy
end
function ____exports.prepare(conf)
    -- plugins/tier-limit/prepare.ts:166
    local cached = cache:get(conf)
    if cached ~= nil then
        return cached
    end
    local trustedRanges = {}
    for ____, text in ipairs(conf.trusted_cidrs or ({})) do
        local range = parseCidr(text)
        if range ~= nil then
            trustedRanges[#trustedRanges + 1] = range
        end
    end
    local trustedHeader
    for ____, source in ipairs(conf.tier_sources) do
        if source == "trusted_header" and conf.trusted_header ~= nil then
            trustedHeader = string.lower(conf.trusted_header)
        end
    end
    local levels = counterLevels(conf)
    local byLevel = {
        levels.tag,
        unpack(levels.others)
    }
    local overage = hasOverage(conf.tiers)
    local prepared = {
        tiers = prepareTiers(conf, levels),
        trustedRanges = trustedRanges,
        trustedHeader = trustedHeader,
        needs = {
            headers = trustedHeader == nil and ({}) or ({trustedHeader}),
            jwtClaims = hasSource(conf, "jwt_claim"),
            clientIp = trustedHeader ~= nil or __TS__ArrayIndexOf(byLevel, "ip") ~= -1,
            credential = __TS__ArrayIndexOf(byLevel, "credential") ~= -1,
            group = __TS__ArrayIndexOf(byLevel, "group") ~= -1,
            routeAndService = conf.counter_scope == "route" or conf.counter_scope == "service",
            path = conf.usage_path ~= nil
        },
        storeErrors = __TS__New(
            LogThrottle,
            conf.error_log_interval,
            storeKind(conf)
        ),
        unavailableRetryAfter = tostring(unavailableRetryAfter(conf)),
        redis = redisConnection(conf),
        clearUpstream = overage and ({conf.tier_header, conf.overage_header}) or ({conf.tier_header}),
        upstreamFor = {},
        recentChecks = {byPrefix = {}, size = 0},
        thresholds = sortedThresholds(conf.thresholds),
        levels = levels,
        overageUpstream = {},
        calendar = prepareCalendar(conf)
    }
    for name in pairs(conf.tiers) do
        local headers = {}
        headers[conf.tier_header] = name
        prepared.upstreamFor[name] = headers
    end
    cache:set(conf, prepared)
    return prepared
end
return ____exports
