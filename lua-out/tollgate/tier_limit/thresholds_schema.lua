local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____client_2Dcert = require("tollgate.core.client_cert")
local clientCertProblem = ____client_2Dcert.clientCertProblem
local ____http_2Durl = require("tollgate.core.http_url")
local parseHttpUrl = ____http_2Durl.parseHttpUrl
local TLS_FIELDS = ____http_2Durl.TLS_FIELDS
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local integer = ____schema.integer
local record = ____schema.record
local ____string = ____schema.string
____exports.thresholdsSpec = array({
    description = "Percentages of a window's limit (e.g. [80, 100]): when a caller's count in a window reaches one, one threshold event is emitted, once per caller, window and threshold (node-wide with local; fleet-wide with redis).",
    elements = integer({description = "Percent of the limit.", min = 1, max = 1000})
})
--- The thresholds of a config, ascending and without repeats (empty: none configured).
-- Here, not in thresholds.ts, because prepare.ts needs it and thresholds.ts needs decide.ts.
function ____exports.sortedThresholds(list)
    -- plugins/tier-limit/thresholds-schema.ts:20
    local sorted = {}
    if list == nil then
        return sorted
    end
    for ____, percent in ipairs(list) do
        sorted[#sorted + 1] = percent
    end
    __TS__ArraySort(
        sorted,
        function(____, a, b)
            -- plugins/tier-limit/thresholds-schema.ts:24
            return a - b
        end
    )
    local unique = {}
    for ____, percent in ipairs(sorted) do
        if #unique == 0 or unique[#unique] ~= percent then
            unique[#unique + 1] = percent
        end
    end
    return unique
end
local webhook = record({
    description = "Send threshold events to an HTTPS endpoint (for teams without Kafka): POST of the CloudEvent JSON, signed with HMAC-SHA256 in a `Tollgate-Signature: t=<unix>,v1=<hex>` header over `<t>.<body>` (as Stripe signs), retried with backoff from a bounded per-worker queue until the endpoint answers 2xx.",
    fields = __TS__ObjectAssign(
        {
            url = ____string({description = "http:// or https:// URL the events are POSTed to.", required = true, minLength = 8}),
            secret = ____string({description = "The signing secret (HMAC-SHA256 key). Never logged.", required = true, minLength = 8, referenceable = true}),
            signature_header = ____string({description = "Name of the signature header.", default = "Tollgate-Signature", minLength = 1})
        },
        TLS_FIELDS,
        {
            timeout_ms = integer({description = "Connect, send and read timeout of one attempt, in milliseconds.", default = 2000, min = 1, max = 60000}),
            max_events = integer({description = "Events a worker holds at most while the endpoint fails; past it a new event is dropped and logged.", default = 10000, min = 1, max = 1000000}),
            initial_backoff_ms = integer({description = "Upper bound of the first wait after a failed attempt (exponential, full jitter).", default = 500, min = 1, max = 60000}),
            max_backoff_ms = integer({description = "Upper bound of any wait between attempts.", default = 30000, min = 1, max = 600000})
        }
    ),
    check = function(conf)
        -- plugins/tier-limit/thresholds-schema.ts:43
        local url = conf.url
        if parseHttpUrl(url) == nil then
            return "url: '" .. url .. "' is not an http:// or https:// URL"
        end
        return clientCertProblem(conf)
    end
})
____exports.thresholdEventsSpec = record({
    description = "The CloudEvents that thresholds emit: their type and source, and an optional webhook.",
    required = true,
    fields = {
        type = ____string({description = "The events' CloudEvents `type`.", default = "com.tollgate.quota.threshold", minLength = 1}),
        source = ____string({description = "The events' CloudEvents `source`.", default = "tollgate/tier-limit", minLength = 1}),
        webhook = webhook
    }
})
return ____exports
