/**
 * The `redis` block of a plugin config, declared once: tier-limit's counters and
 * entitlement-check's fleet-wide invalidation reach Redis the same way (host or
 * cluster seeds, ACL auth, database, TLS with verification and client certificate).
 * Its value is a RedisConnection (./redis-connection.ts). `single` and `cluster` name,
 * in the field descriptions, the settings under which the host or the seeds are used.
 */
import { CLIENT_CERT_FIELDS, clientCertProblem } from "../core/client-cert";
import { array, boolean, integer, record, string } from "../core/schema";

export function redisConnectionSpec(use: { description: string; single: string; cluster: string }) {
  return record({
    description: use.description,
    required: true,
    fields: {
      host: string({ description: `Redis host (${use.single}).`, minLength: 1 }),
      port: integer({ description: `Redis port (${use.single}).`, default: 6379, min: 1, max: 65535 }),
      cluster_nodes: array({
        description: `Seed nodes "host:port" of a Redis Cluster (${use.cluster}).`,
        elements: string({ description: "host:port", minLength: 3 }),
      }),
      username: string({ description: "ACL user name (AUTH username password).", minLength: 1, referenceable: true }),
      password: string({ description: "Password (AUTH).", minLength: 1, referenceable: true }),
      database: integer({ description: `Database number (${use.single}).`, default: 0, min: 0, max: 1000 }),
      timeout_ms: integer({ description: "Connect, send and read timeout, in milliseconds.", default: 1000, min: 1, max: 60_000 }),
      pool_size: integer({ description: "Idle connections kept per worker.", default: 64, min: 1, max: 10_000 }),
      keepalive_ms: integer({ description: "How long an idle connection is kept.", default: 60_000, min: 1, max: 3_600_000 }),
      auto_pipeline: boolean({
        description:
          "The scripts a worker's requests call while a round trip to a Redis node is under way go together in the next one (one write, one read, one connection; per node with redis-cluster); each stays its own atomic script. A queued call waits at most 10 × timeout_ms. kong-pdk: ioredis enableAutoPipelining.",
        default: true,
      }),
      ssl: boolean({ description: "TLS to Redis (a tls-port; managed Redis with in-transit encryption).", default: false }),
      ssl_verify: boolean({
        description:
          "With ssl: check the certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate; kong-pdk: NODE_EXTRA_CA_CERTS) naming server_name, else the node's host. Off: encrypted but not authenticated.",
        default: true,
      }),
      server_name: string({
        description: "With ssl: the name sent as SNI and that the certificate must carry (default: the node's host). Set it when nodes are addressed by IP: nginx checks DNS names only.",
        minLength: 1,
      }),
      ...CLIENT_CERT_FIELDS,
    },
    check: clientCertProblem,
  });
}
