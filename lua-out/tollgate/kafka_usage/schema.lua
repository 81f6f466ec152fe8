local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____client_2Dcert = require("tollgate.core.client_cert")
local CLIENT_CERT_FIELDS = ____client_2Dcert.CLIENT_CERT_FIELDS
local clientCertProblem = ____client_2Dcert.clientCertProblem
local ____schema = require("tollgate.core.schema")
local array = ____schema.array
local boolean = ____schema.boolean
local integer = ____schema.integer
local record = ____schema.record
local ____string = ____schema.string
local ____redaction = require("tollgate.kafka_usage.redaction")
local secretHeaderProblem = ____redaction.secretHeaderProblem
local kafka = record({
    description = "Where events go: the Kafka cluster, the topic, and how the producer writes.",
    required = true,
    fields = __TS__ObjectAssign(
        {
            brokers = array({
                description = "Bootstrap brokers, \"host:port\" (IPv6 as \"[addr]:port\"); the others are found with Metadata.",
                required = true,
                minLength = 1,
                elements = ____string({description = "A broker address.", minLength = 3})
            }),
            topic = ____string({description = "Topic the events are written to (it must exist).", required = true, minLength = 1}),
            acks = integer({description = "-1: every in-sync replica has the batch (default); 1: the leader has it. (0, no answer at all, cannot be at-least-once.)", default = -1, min = -1, max = 1}),
            idempotent = boolean({description = "Producer id and sequence numbers, so a batch sent again after a lost answer is written once.", default = true}),
            client_id = ____string({description = "Client id sent to the brokers.", default = "tollgate", minLength = 1}),
            timeout_ms = integer({description = "Connect, send and read timeout of one request to a broker.", default = 5000, min = 100, max = 120000}),
            keepalive_ms = integer({description = "How long an idle broker connection is kept.", default = 60000, min = 1000, max = 3600000}),
            metadata_max_age_s = integer({description = "Partition leaders are refreshed at least this often (and after a leader error).", default = 300, min = 1, max = 86400}),
            tls = boolean({description = "TLS to every broker (an SSL or SASL_SSL listener).", default = false}),
            ssl_verify = boolean({description = "With tls: check each broker's certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate; kong-pdk: NODE_EXTRA_CA_CERTS) naming server_name, else the broker's host. Off: encrypted but not authenticated.", default = true}),
            server_name = ____string({description = "With tls: the name sent as SNI and that every broker's certificate must carry (default: each broker's host). Set it when brokers are addressed by IP: nginx checks DNS names only.", minLength = 1})
        },
        CLIENT_CERT_FIELDS,
        {sasl = record({
            description = "SASL authentication on every connection, after TLS (SASL_SSL listeners of managed and self-managed Kafka). PLAIN sends the password as is: use it with tls.",
            fields = {
                mechanism = ____string({description = "PLAIN (Confluent Cloud), SCRAM-SHA-256 or SCRAM-SHA-512 (Amazon MSK, Aiven, Redpanda): SCRAM never sends the password, and the broker proves it knows it.", oneOf = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"}, default = "PLAIN"}),
                username = ____string({description = "User name (an API key, for Confluent Cloud).", required = true, minLength = 1, referenceable = true}),
                password = ____string({description = "Password (an API secret, for Confluent Cloud).", required = true, minLength = 1, referenceable = true})
            }
        })}
    ),
    check = clientCertProblem
})
local batch = record({
    description = "When a worker flushes its queue: whichever comes first.",
    required = true,
    fields = {
        max_events = integer({description = "Events per Produce request at most; a queue this long is flushed at once.", default = 500, min = 1, max = 100000}),
        max_bytes = integer({description = "Bytes of event JSON per Produce request at most.", default = 1000000, min = 1024, max = 16777216}),
        max_age_ms = integer({description = "The oldest queued event waits at most this long before a flush starts.", default = 1000, min = 10, max = 60000})
    }
})
local queue = record({
    description = "Each worker's queue of events not yet acknowledged by Kafka. Past either bound a new event is dropped and counted.",
    required = true,
    fields = {
        max_events = integer({description = "Events held at most (queued and in flight).", default = 100000, min = 1, max = 10000000}),
        max_bytes = integer({description = "Bytes of event JSON held at most (bounds the worker's memory).", default = 67108864, min = 1024, max = 1073741824}),
        shutdown_timeout_ms = integer({description = "When the worker exits, how long it keeps trying to deliver what is queued; what is left then is counted as dropped.", default = 10000, min = 0, max = 300000})
    }
})
local retry = record({
    description = "Backoff between attempts while Kafka fails: exponential, with full jitter. Events wait in the queue meanwhile, never dropped for it.",
    required = true,
    fields = {
        initial_backoff_ms = integer({description = "Upper bound of the first wait.", default = 100, min = 1, max = 60000}),
        max_backoff_ms = integer({description = "Upper bound of any wait.", default = 10000, min = 1, max = 600000})
    }
})
____exports.SUBJECT_FIELDS = {"id", "username", "custom_id"}
____exports.ANONYMOUS_RULES = {"fixed", "client_ip", "skip"}
____exports.kafkaUsageSchema = record({
    description = "One CloudEvent per request on Kafka, for metering and billing.",
    fields = {
        kafka = kafka,
        batch = batch,
        queue = queue,
        retry = retry,
        source = ____string({description = "CloudEvents `source`; the gateway node id is appended (<source>/<node id>).", default = "tollgate", minLength = 1}),
        type = ____string({description = "CloudEvents `type` (a meter in OpenMeter, for example).", default = "com.tollgate.api.request", minLength = 1}),
        subject = ____string({description = "Which consumer field is the event's `subject` and Kafka key; a consumer without it falls back to its id.", oneOf = ____exports.SUBJECT_FIELDS, default = "id"}),
        anonymous = ____string({description = "Callers without a consumer: fixed (subject `anonymous_subject`), client_ip (subject ip:<address>) or skip (no event).", oneOf = ____exports.ANONYMOUS_RULES, default = "fixed"}),
        anonymous_subject = ____string({description = "The subject of anonymous callers under the fixed rule.", default = "anonymous", minLength = 1}),
        headers = array({
            description = "Request headers copied into data.headers (an allowlist). Names that carry credentials (Authorization, cookies, API keys, tokens, secrets) are refused.",
            elements = ____string({description = "A header name.", minLength = 1})
        }),
        dict = ____string({description = "lua_shared_dict holding the counters summed over the workers (queued, sent, retried, dropped) and the node journal: a copy of every queued event until Kafka acknowledged it, which the other workers deliver when its worker dies or exits on a reload. Size it for the journal (32m: about 40,000 events).", default = "tollgate_usage", minLength = 1}),
        stats_log_interval_s = integer({description = "Seconds between two log lines with each worker's counters; 0: none.", default = 60, min = 0, max = 86400})
    },
    check = function(conf)
        -- plugins/kafka-usage/schema.ts:130
        if conf.kafka.acks == 0 then
            return "kafka.acks: must be -1 or 1 (acks 0 cannot tell a delivered event from a lost one)"
        end
        local headers = conf.headers
        if headers ~= nil then
            do
                local i = 0
                while i < #headers do
                    local problem = secretHeaderProblem(headers[i + 1])
                    if problem ~= nil then
                        return "headers." .. tostring(i + 1) .. ": " .. problem
                    end
                    i = i + 1
                end
            end
        end
        local retryConf = conf.retry
        if retryConf.max_backoff_ms < retryConf.initial_backoff_ms then
            return "retry.max_backoff_ms: must be at least retry.initial_backoff_ms"
        end
        local batchConf = conf.batch
        local queueConf = conf.queue
        if queueConf.max_events < batchConf.max_events then
            return "queue.max_events: must be at least batch.max_events"
        end
        if queueConf.max_bytes < batchConf.max_bytes then
            return "queue.max_bytes: must be at least batch.max_bytes"
        end
        return nil
    end
})
return ____exports
