local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local boolean = ____schema.boolean
local integer = ____schema.integer
local map = ____schema.map
local record = ____schema.record
local ____string = ____schema.string
local ____catalog = require("tollgate.entitlement_check.catalog")
local catalogProblem = ____catalog.catalogProblem
local ____client_2Dcert = require("tollgate.core.client_cert")
local clientCertProblem = ____client_2Dcert.clientCertProblem
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local TLS_FIELDS = ____http_2Durl.TLS_FIELDS
--- Where a caller's subscription can come from, tried in the configured order.
____exports.SUBSCRIPTION_SOURCES = {"consumer", "consumer_map", "service"}
--- Subscription states (Stripe's names); see decide.ts for what each one allows.
____exports.SUBSCRIPTION_STATUSES = {
    "active",
    "trialing",
    "past_due",
    "paused",
    "canceled",
    "unpaid",
    "incomplete"
}
--- The contracts the remote service may speak (subscription.ts, openmeter.ts).
____exports.SERVICE_FORMATS = {"tollgate", "stripe", "openmeter"}
____exports.ROUTE_METHODS = {
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS"
}
local routePattern = record({
    description = "A route a plan entitles: a path pattern and, optionally, methods.",
    fields = {
        path = ____string({description = "Path pattern: \"*\" matches any run of characters (including \"/\"); otherwise exact, e.g. \"/reports/*\".", required = true, minLength = 1}),
        methods = array({
            description = "Methods allowed on the path; unset: all.",
            elements = ____string({description = "HTTP method.", oneOf = ____exports.ROUTE_METHODS}),
            minLength = 1
        })
    }
})
local plan = record({
    description = "One plan: what it entitles, and which plans it includes.",
    fields = {
        includes = array({
            description = "Plans whose features and routes this plan also has (enterprise includes premium includes free).",
            elements = ____string({description = "Plan name.", minLength = 1})
        }),
        features = array({
            description = "Feature names this plan entitles (its own; included plans add theirs).",
            elements = ____string({description = "Feature.", minLength = 1})
        }),
        routes = array({description = "Routes this plan entitles (its own; included plans add theirs).", elements = routePattern})
    }
})
local subscription = record({
    description = "A subscription set by the operator (source consumer_map).",
    fields = {
        plan = ____string({description = "Plan name.", required = true, minLength = 1}),
        status = ____string({description = "Subscription status.", oneOf = ____exports.SUBSCRIPTION_STATUSES, default = "active"}),
        period_end = integer({description = "End of the current billing period, epoch seconds (past_due grace counts from it).", min = 0}),
        features = array({
            description = "Extra features beyond the plan's.",
            elements = ____string({description = "Feature.", minLength = 1})
        })
    }
})
local service = record({
    description = "The remote entitlement service (source service): GET <url>/<subject>.",
    required = true,
    fields = __TS__ObjectAssign(
        {url = ____string({description = "Base URL, http:// or https:// (e.g. https://billing.internal/entitlements).", minLength = 8})},
        TLS_FIELDS,
        {
            format = ____string({description = "Response contract: tollgate ({plan, status, current_period_end, features}), stripe (the active-entitlements list; plan inferred from features) or openmeter (OpenMeter's entitlement value API, one call per required feature; see openmeter.ts).", oneOf = ____exports.SERVICE_FORMATS, default = "tollgate"}),
            subject = ____string({description = "Which consumer field names the subject in the URL: username, custom_id or id (APISIX: username for all).", oneOf = {"username", "custom_id", "id"}, default = "username"}),
            auth_header = ____string({description = "Header sent with every call (e.g. Authorization).", minLength = 1}),
            auth_value = ____string({description = "Its value (e.g. Bearer sk_…). Never logged.", minLength = 1, referenceable = true}),
            connect_timeout_ms = integer({description = "Connect timeout.", default = 200, min = 1, max = 60000}),
            timeout_ms = integer({description = "The longest the service may take to answer once connected (sending and reading together); a request waits at most connect_timeout_ms + timeout_ms.", default = 500, min = 1, max = 60000}),
            pool_size = integer({description = "Idle keepalive connections per worker.", default = 32, min = 1, max = 10000}),
            keepalive_ms = integer({description = "How long an idle connection is kept.", default = 60000, min = 1, max = 3600000}),
            max_body_bytes = integer({description = "Largest response body accepted.", default = 65536, min = 256, max = 16777216})
        }
    ),
    check = clientCertProblem
})
local cache = record({
    description = "Caching of service answers: a per-worker LRU in front of a lua_shared_dict.",
    required = true,
    fields = {
        ttl = integer({description = "Seconds a service answer is fresh.", default = 60, min = 1, max = 86400}),
        negative_ttl = integer({description = "Seconds a 'no subscription' (404) answer is fresh.", default = 10, min = 1, max = 86400}),
        stale_ttl = integer({description = "Seconds after expiry an answer is still used while the service fails (stale-if-error); 0: never.", default = 300, min = 0, max = 604800}),
        lru_size = integer({description = "Entries in each worker's LRU (bounds per-worker memory).", default = 1000, min = 1, max = 1000000}),
        dict = ____string({description = "lua_shared_dict shared by the workers (its size bounds shared memory).", default = "tollgate_cache", minLength = 1}),
        lock_timeout_ms = integer({description = "How long a request waits for another worker's fetch of the same subject before fetching itself.", default = 1000, min = 1, max = 60000})
    }
})
local webhook = record({
    description = "Makes this route a billing webhook receiver: signed events drop (or, provider tollgate, set) cached answers, and nothing goes upstream. See docs/plugins/entitlement-check.md.",
    fields = {
        provider = ____string({description = "Who signs the events: stripe (Stripe-Signature) or tollgate (Tollgate-Signature, tollgate's own contract).", required = true, oneOf = {"stripe", "tollgate"}}),
        secret = ____string({description = "The signing secret (Stripe: the endpoint's whsec_…). Never logged.", required = true, minLength = 8, referenceable = true}),
        tolerance = integer({description = "Seconds a signature's timestamp may be away from now (either way); event ids are remembered that long to refuse replays.", default = 300, min = 1, max = 86400}),
        max_body_bytes = integer({description = "Largest event body accepted (by Content-Length and by bytes read).", default = 262144, min = 1024, max = 16777216})
    }
})
____exports.entitlementCheckSchema = record({
    description = "Plan and subscription-status gating.",
    fields = {
        plans = map({
            description = "The plan catalog, by name.",
            required = true,
            keys = ____string({description = "Plan name.", minLength = 1}),
            values = plan
        }),
        subscription_sources = array({
            description = "Where the subscription comes from, first hit wins: consumer (Kong tag plan:<name>, APISIX label plan; status active), consumer_map (subscriptions), service (the remote entitlement service).",
            elements = ____string({description = "A source.", oneOf = ____exports.SUBSCRIPTION_SOURCES}),
            default = {"consumer", "consumer_map"},
            minLength = 1
        }),
        subscriptions = map({
            description = "Subscriptions by consumer username, id or custom_id (source consumer_map).",
            keys = ____string({description = "Consumer.", minLength = 1}),
            values = subscription
        }),
        service = service,
        cache = cache,
        webhook = webhook,
        required_features = array({
            description = "Features this route or service requires (all of them).",
            elements = ____string({description = "Feature.", minLength = 1})
        }),
        required_plans = array({
            description = "Plans any one of which (or a plan including it) may use this route or service.",
            elements = ____string({description = "Plan name.", minLength = 1})
        }),
        grace_period = integer({description = "Seconds a past_due subscription keeps its entitlements after period_end.", default = 259200, min = 0, max = 31536000}),
        upgrade_url = ____string({description = "Where a refused caller can upgrade; sent in 402/403 bodies.", minLength = 1}),
        plan_header = ____string({description = "Request header carrying the plan upstream (client copies removed).", default = "X-Plan", minLength = 1}),
        features_header = ____string({description = "Request header carrying the entitled features upstream, comma-separated and sorted (client copies removed).", default = "X-Entitlements", minLength = 1}),
        status_header = ____string({description = "Request header carrying the subscription status upstream, e.g. X-Subscription-Status (client copies removed); unset: not sent.", minLength = 1}),
        fail_open = boolean({description = "When the subscription is unknown (service failing, nothing cached): true lets the request through, false answers 503.", default = false}),
        error_log_interval = integer({description = "Seconds between two error-log lines about a failing service.", default = 60, min = 1, max = 86400})
    },
    check = function(conf)
        -- plugins/entitlement-check/schema.ts:199
        local problem = catalogProblem(conf.plans)
        if problem ~= nil then
            return problem
        end
        local plans = conf.plans
        local required = conf.required_plans
        if required ~= nil then
            do
                local i = 0
                while i < #required do
                    if plans[required[i + 1]] == nil then
                        return "required_plans." .. tostring(i + 1) .. ": '" .. tostring(required[i + 1]) .. "' is not one of the configured plans"
                    end
                    i = i + 1
                end
            end
        end
        local subs = conf.subscriptions
        if subs ~= nil then
            for consumer in pairs(subs) do
                if plans[subs[consumer].plan] == nil then
                    return "subscriptions." .. consumer .. ".plan: '" .. subs[consumer].plan .. "' is not one of the configured plans"
                end
            end
        end
        for ____, source in ipairs(conf.subscription_sources) do
            if source == "service" then
                local url = conf.service.url
                if url == nil then
                    return "service.url: required when subscription_sources has service"
                end
                if parseHttpUrl(url) == nil then
                    return "service.url: must be http[s]://host[:port][/path]"
                end
                if conf.service.format == "openmeter" and conf.required_features == nil then
                    return "required_features: required when service.format is openmeter (the features OpenMeter is asked about)"
                end
            end
        end
        return nil
    end
})
return ____exports
