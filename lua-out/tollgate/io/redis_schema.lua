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
function ____exports.redisConnectionSpec(use)
    -- plugins/io/redis-schema.ts:11
    return record({
        description = use.description,
        required = true,
        fields = __TS__ObjectAssign(
            {
                host = ____string({description = "Redis host (" .. use.single .. ").", minLength = 1}),
                port = integer({description = "Redis port (" .. use.single .. ").", default = 6379, min = 1, max = 65535}),
                cluster_nodes = array({
                    description = "Seed nodes \"host:port\" of a Redis Cluster (" .. use.cluster .. ").",
                    elements = ____string({description = "host:port", minLength = 3})
                }),
                username = ____string({description = "ACL user name (AUTH username password).", minLength = 1, referenceable = true}),
                password = ____string({description = "Password (AUTH).", minLength = 1, referenceable = true}),
                database = integer({description = "Database number (" .. use.single .. ").", default = 0, min = 0, max = 1000}),
                timeout_ms = integer({description = "Connect, send and read timeout, in milliseconds.", default = 1000, min = 1, max = 60000}),
                pool_size = integer({description = "Idle connections kept per worker.", default = 64, min = 1, max = 10000}),
                keepalive_ms = integer({description = "How long an idle connection is kept.", default = 60000, min = 1, max = 3600000}),
                auto_pipeline = boolean({description = "The scripts a worker's requests call while a round trip to a Redis node is under way go together in the next one (one write, one read, one connection; per node with redis-cluster); each stays its own atomic script. A queued call waits at most 10 × timeout_ms. kong-pdk: ioredis enableAutoPipelining.", default = true}),
                ssl = boolean({description = "TLS to Redis (a tls-port; managed Redis with in-transit encryption).", default = false}),
                ssl_verify = boolean({description = "With ssl: check the certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate; kong-pdk: NODE_EXTRA_CA_CERTS) naming server_name, else the node's host. Off: encrypted but not authenticated.", default = true}),
                server_name = ____string({description = "With ssl: the name sent as SNI and that the certificate must carry (default: the node's host). Set it when nodes are addressed by IP: nginx checks DNS names only.", minLength = 1})
            },
            CLIENT_CERT_FIELDS
        ),
        check = clientCertProblem
    })
end
return ____exports
