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
local ____client_2Dcert = require("tollgate.core.client_cert")
local clientCertProblem = ____client_2Dcert.clientCertProblem
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local TLS_FIELDS = ____http_2Durl.TLS_FIELDS
local ____parse = require("tollgate.feature_toggle.parse")
local parseIsoTime = ____parse.parseIsoTime
--- Constraint operators of Unleash.
____exports.OPERATORS = {
    "IN",
    "NOT_IN",
    "STR_STARTS_WITH",
    "STR_ENDS_WITH",
    "STR_CONTAINS",
    "NUM_EQ",
    "NUM_GT",
    "NUM_GTE",
    "NUM_LT",
    "NUM_LTE",
    "DATE_AFTER",
    "DATE_BEFORE",
    "SEMVER_EQ",
    "SEMVER_GT",
    "SEMVER_GTE",
    "SEMVER_LT",
    "SEMVER_LTE",
    "REGEX",
    "IN_CIDR"
}
--- Strategies tollgate evaluates; any other name never enables (as in Unleash's SDKs).
____exports.STRATEGIES = {
    "default",
    "userWithId",
    "flexibleRollout",
    "gradualRolloutUserId",
    "gradualRolloutSessionId",
    "gradualRolloutRandom",
    "remoteAddress",
    "applicationHostname",
    "tiers"
}
local constraint = record({
    description = "One condition on the evaluation context (all of a strategy's constraints must hold).",
    fields = {
        contextName = ____string({description = "Context field: userId, sessionId, remoteAddress, environment, appName, currentTime, or a property (tier, plan, consumer, or one from context_headers).", required = true, minLength = 1}),
        operator = ____string({description = "Unleash operator.", required = true, oneOf = ____exports.OPERATORS}),
        values = array({
            description = "Values (IN, NOT_IN, STR_*, IN_CIDR).",
            elements = ____string({description = "A value."})
        }),
        value = ____string({description = "Value (NUM_*, DATE_*, SEMVER_*, REGEX)."}),
        inverted = boolean({description = "Negate the result.", default = false}),
        caseInsensitive = boolean({description = "Compare without case (STR_*, REGEX).", default = false})
    }
})
local payload = record({
    description = "Data sent with a variant.",
    fields = {
        type = ____string({description = "string, json, csv or number.", required = true, minLength = 1}),
        value = ____string({description = "The payload.", required = true})
    }
})
local override = record({
    description = "Gives a variant to the callers whose context field has one of the values.",
    fields = {
        contextName = ____string({description = "Context field.", required = true, minLength = 1}),
        values = array({
            description = "Values.",
            required = true,
            elements = ____string({description = "A value."})
        })
    }
})
local variant = record({
    description = "One variant of an A/B test.",
    fields = {
        name = ____string({description = "Variant name (forwarded upstream).", required = true, minLength = 1}),
        weight = integer({description = "Share of the total weight (Unleash uses 1000 in all).", required = true, min = 0, max = 1000000}),
        stickiness = ____string({description = "Context field the assignment sticks to (default: userId, sessionId, remoteAddress).", minLength = 1}),
        payload = payload,
        overrides = array({description = "Explicit assignments.", elements = override})
    }
})
local strategy = record({
    description = "An activation strategy; the flag is on when any of its strategies is.",
    fields = {
        name = ____string({description = "Strategy name.", required = true, oneOf = ____exports.STRATEGIES}),
        parameters = map({
            description = "Strategy parameters as Unleash names them: rollout, stickiness, groupId (flexibleRollout); userIds; IPs; hostNames; percentage, groupId (gradualRollout*); tiers (tiers: comma-separated tier names).",
            keys = ____string({description = "Parameter.", minLength = 1}),
            values = ____string({description = "Value."})
        }),
        constraints = array({description = "Conditions that must all hold.", elements = constraint}),
        segments = array({
            description = "Ids of segments (config `segments`) whose constraints must all hold.",
            elements = integer({description = "Segment id."})
        }),
        variants = array({description = "Variants given by this strategy (before the flag's own).", elements = variant}),
        disabled = boolean({description = "A disabled strategy never enables.", default = false})
    }
})
local dependency = record({
    description = "A parent flag this flag depends on.",
    fields = {
        feature = ____string({description = "Parent flag name.", required = true, minLength = 1}),
        enabled = boolean({description = "Whether the parent must be on (true) or off (false).", default = true}),
        variants = array({
            description = "Parent variants that satisfy the dependency.",
            elements = ____string({description = "Variant name."})
        })
    }
})
local function isoTimeCheck(value, field)
    -- plugins/feature-toggle/schema.ts:118
    local text = value[field]
    if type(text) == "string" and parseIsoTime(text) == nil then
        return field .. ": '" .. text .. "' is not an ISO 8601 time"
    end
    return nil
end
local flag = record({
    description = "A feature flag, in Unleash's shape.",
    fields = {
        name = ____string({description = "Flag name.", required = true, minLength = 1}),
        enabled = boolean({description = "Kill switch: false turns the flag off for everyone.", default = true}),
        strategies = array({description = "Activation strategies (none: on for everyone).", elements = strategy}),
        variants = array({description = "Variants of the flag.", elements = variant}),
        dependencies = array({description = "Parent flags.", elements = dependency}),
        startTime = ____string({description = "tollgate: ISO 8601 time before which the flag is off (trials, betas).", minLength = 1}),
        endTime = ____string({description = "tollgate: ISO 8601 time from which the flag is off.", minLength = 1}),
        upgrade = ____string({description = "tollgate: upgrade hint for this flag's 403 (overrides the config's `upgrade`).", minLength = 1})
    },
    check = function(value)
        -- plugins/feature-toggle/schema.ts:136
        return isoTimeCheck(value, "startTime") or isoTimeCheck(value, "endTime")
    end
})
local segment = record({
    description = "A named set of constraints strategies can share.",
    fields = {
        id = integer({description = "Segment id.", required = true}),
        constraints = array({description = "Constraints.", required = true, elements = constraint})
    }
})
local unleash = record({
    description = "Poll flags from an Unleash server's client API (GET <url>/client/features with ETag), shared by all workers through `dict`; the inline `flags` serve until the first answer, and the last good answer is kept while Unleash is unreachable.",
    fields = __TS__ObjectAssign(
        {url = ____string({description = "Unleash API base URL, http:// or https:// (e.g. https://unleash.internal/api).", required = true, minLength = 8})},
        TLS_FIELDS,
        {
            api_token = ____string({description = "Client (backend) API token.", required = true, minLength = 1, referenceable = true}),
            poll_interval = integer({description = "Seconds between polls (flags are at most this stale while Unleash answers).", default = 10, min = 1, max = 3600}),
            timeout_ms = integer({description = "Connect and read timeout of one poll.", default = 2000, min = 1, max = 60000}),
            dict = ____string({description = "lua_shared_dict that holds the last answer for every worker (Lua hosts).", default = "tollgate_cache", minLength = 1})
        }
    ),
    check = function(value)
        -- plugins/feature-toggle/schema.ts:158
        return parseHttpUrl(value.url) == nil and "url: '" .. tostring(value.url) .. "' is not an http:// or https:// URL" or clientCertProblem(value)
    end
})
____exports.featureToggleSchema = record({
    description = "Unleash-compatible feature flags at the gateway.",
    fields = {
        flags = array({description = "The flags, inline.", default = {}, elements = flag}),
        segments = array({description = "Segments the flags' strategies refer to.", default = {}, elements = segment}),
        require = array({
            description = "Flags a request on this route/service needs; a caller for whom one is off gets `error_code` with JSON.",
            default = {},
            elements = ____string({description = "Flag name.", minLength = 1})
        }),
        upgrade = ____string({description = "Upgrade hint in the 403 body (a URL or a sentence), e.g. https://example.com/pricing.", minLength = 1}),
        forward = ____string({description = "Which flags go upstream in `header`: enabled (every enabled flag), required (the required ones), none.", oneOf = {"enabled", "required", "none"}, default = "enabled"}),
        header = ____string({description = "Request header that carries the enabled flags upstream, `name` or `name=variant`, comma-separated (a client-sent copy is removed first).", default = "X-Features", minLength = 1}),
        user_id = ____string({description = "Consumer field used as Unleash userId (default stickiness): username (falls back to id), id, custom_id.", oneOf = {"username", "id", "custom_id"}, default = "username"}),
        session_header = ____string({description = "Request header used as Unleash sessionId (client-supplied: for stickiness, never for access).", minLength = 1}),
        context_headers = map({
            description = "Context properties read from request headers (client-supplied: do not use them to grant paid features). consumer, tier, plan and currentTime are the gateway's and never come from a header.",
            keys = ____string({description = "Property name.", minLength = 1}),
            values = ____string({description = "Header name.", minLength = 1})
        }),
        environment = ____string({description = "Unleash environment in the context.", minLength = 1}),
        app_name = ____string({description = "Unleash appName in the context.", minLength = 1}),
        error_code = integer({description = "Status when a required flag is off.", default = 403, min = 400, max = 599}),
        decision_cache_size = integer({description = "Decisions remembered per worker (kong-pdk: per process) and flag state, keyed by the values of the context fields the flags read and by which side of each startTime/endTime/DATE_* instant the clock is on; a request with the same values gets the same decision without evaluating a flag. A decision that drew a random number (random stickiness, gradualRolloutRandom, a rollout with no userId or sessionId) is never remembered. Up to twice this many are kept; 0 evaluates every flag on every request.", default = 10000, min = 0, max = 1000000}),
        unleash = unleash,
        bootstrap_file = ____string({description = "JSON file in the shape of Unleash's client API answer ({\"features\": […], \"segments\": […]}), read once per worker; its flags replace the inline ones and serve until Unleash (if configured) first answers.", minLength = 1})
    },
    check = function(conf)
        -- plugins/feature-toggle/schema.ts:212
        local flags = conf.flags
        local names = {}
        do
            local i = 0
            while i < #flags do
                local name = flags[i + 1].name
                if names[name] == true then
                    return "flags." .. tostring(i + 1) .. ".name: '" .. name .. "' is defined twice"
                end
                names[name] = true
                i = i + 1
            end
        end
        local required = conf.require
        if conf.unleash ~= nil or conf.bootstrap_file ~= nil then
            return nil
        end
        do
            local i = 0
            while i < #required do
                if names[required[i + 1]] ~= true then
                    return "require." .. tostring(i + 1) .. ": '" .. tostring(required[i + 1]) .. "' is not one of the configured flags"
                end
                i = i + 1
            end
        end
        return nil
    end
})
return ____exports
