/**
 * kafka-usage's configuration, declared once. Kong's schema.lua, APISIX's JSON schema,
 * the kong-pdk Schema, docs/CONFIGURATION.md and `KafkaUsageConfig` all come from here.
 */
import { CLIENT_CERT_FIELDS, clientCertProblem } from "../core/client-cert";
import { array, boolean, integer, record, string, type Infer } from "../core/schema";
import { secretHeaderProblem } from "./redaction";

const kafka = record({
  description: "Where events go: the Kafka cluster, the topic, and how the producer writes.",
  required: true,
  fields: {
    brokers: array({
      description: 'Bootstrap brokers, "host:port" (IPv6 as "[addr]:port"); the others are found with Metadata.',
      required: true,
      minLength: 1,
      elements: string({ description: "A broker address.", minLength: 3 }),
    }),
    topic: string({ description: "Topic the events are written to (it must exist).", required: true, minLength: 1 }),
    acks: integer({ description: "-1: every in-sync replica has the batch (default); 1: the leader has it. (0, no answer at all, cannot be at-least-once.)", default: -1, min: -1, max: 1 }),
    idempotent: boolean({
      description: "Producer id and sequence numbers, so a batch sent again after a lost answer is written once.",
      default: true,
    }),
    client_id: string({ description: "Client id sent to the brokers.", default: "tollgate", minLength: 1 }),
    timeout_ms: integer({ description: "Connect, send and read timeout of one request to a broker.", default: 5000, min: 100, max: 120_000 }),
    keepalive_ms: integer({ description: "How long an idle broker connection is kept.", default: 60_000, min: 1000, max: 3_600_000 }),
    metadata_max_age_s: integer({ description: "Partition leaders are refreshed at least this often (and after a leader error).", default: 300, min: 1, max: 86_400 }),
    tls: boolean({ description: "TLS to every broker (an SSL or SASL_SSL listener).", default: false }),
    ssl_verify: boolean({
      description:
        "With tls: check each broker's certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate; kong-pdk: NODE_EXTRA_CA_CERTS) naming server_name, else the broker's host. Off: encrypted but not authenticated.",
      default: true,
    }),
    server_name: string({
      description: "With tls: the name sent as SNI and that every broker's certificate must carry (default: each broker's host). Set it when brokers are addressed by IP: nginx checks DNS names only.",
      minLength: 1,
    }),
    ...CLIENT_CERT_FIELDS,
    sasl: record({
      description: "SASL authentication on every connection, after TLS (SASL_SSL listeners of managed and self-managed Kafka). PLAIN sends the password as is: use it with tls.",
      fields: {
        mechanism: string({
          description: "PLAIN (Confluent Cloud), SCRAM-SHA-256 or SCRAM-SHA-512 (Amazon MSK, Aiven, Redpanda): SCRAM never sends the password, and the broker proves it knows it.",
          oneOf: ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"],
          default: "PLAIN",
        }),
        username: string({ description: "User name (an API key, for Confluent Cloud).", required: true, minLength: 1, referenceable: true }),
        password: string({ description: "Password (an API secret, for Confluent Cloud).", required: true, minLength: 1, referenceable: true }),
      },
    }),
  },
  check: clientCertProblem,
});

const batch = record({
  description: "When a worker flushes its queue: whichever comes first.",
  required: true,
  fields: {
    max_events: integer({ description: "Events per Produce request at most; a queue this long is flushed at once.", default: 500, min: 1, max: 100_000 }),
    max_bytes: integer({ description: "Bytes of event JSON per Produce request at most.", default: 1_000_000, min: 1024, max: 16_777_216 }),
    max_age_ms: integer({ description: "The oldest queued event waits at most this long before a flush starts.", default: 1000, min: 10, max: 60_000 }),
  },
});

const queue = record({
  description: "Each worker's queue of events not yet acknowledged by Kafka. Past either bound a new event is dropped and counted.",
  required: true,
  fields: {
    max_events: integer({ description: "Events held at most (queued and in flight).", default: 100_000, min: 1, max: 10_000_000 }),
    max_bytes: integer({ description: "Bytes of event JSON held at most (bounds the worker's memory).", default: 67_108_864, min: 1024, max: 1_073_741_824 }),
    shutdown_timeout_ms: integer({
      description: "When the worker exits, how long it keeps trying to deliver what is queued; what is left then is counted as dropped.",
      default: 10_000,
      min: 0,
      max: 300_000,
    }),
  },
});

const retry = record({
  description: "Backoff between attempts while Kafka fails: exponential, with full jitter. Events wait in the queue meanwhile, never dropped for it.",
  required: true,
  fields: {
    initial_backoff_ms: integer({ description: "Upper bound of the first wait.", default: 100, min: 1, max: 60_000 }),
    max_backoff_ms: integer({ description: "Upper bound of any wait.", default: 10_000, min: 1, max: 600_000 }),
  },
});

export const SUBJECT_FIELDS = ["id", "username", "custom_id"] as const;
export const ANONYMOUS_RULES = ["fixed", "client_ip", "skip"] as const;

export const kafkaUsageSchema = record({
  description: "One CloudEvent per request on Kafka, for metering and billing.",
  fields: {
    kafka,
    batch,
    queue,
    retry,
    source: string({
      description: "CloudEvents `source`; the gateway node id is appended (<source>/<node id>).",
      default: "tollgate",
      minLength: 1,
    }),
    type: string({ description: "CloudEvents `type` (a meter in OpenMeter, for example).", default: "com.tollgate.api.request", minLength: 1 }),
    subject: string({
      description: "Which consumer field is the event's `subject` and Kafka key; a consumer without it falls back to its id.",
      oneOf: SUBJECT_FIELDS,
      default: "id",
    }),
    anonymous: string({
      description: "Callers without a consumer: fixed (subject `anonymous_subject`), client_ip (subject ip:<address>) or skip (no event).",
      oneOf: ANONYMOUS_RULES,
      default: "fixed",
    }),
    anonymous_subject: string({ description: "The subject of anonymous callers under the fixed rule.", default: "anonymous", minLength: 1 }),
    headers: array({
      description:
        "Request headers copied into data.headers (an allowlist). Names that carry credentials (Authorization, cookies, API keys, tokens, secrets) are refused.",
      elements: string({ description: "A header name.", minLength: 1 }),
    }),
    dict: string({
      description:
        "lua_shared_dict holding the counters summed over the workers (queued, sent, retried, dropped) and the node journal: a copy of every queued event until Kafka acknowledged it, which the other workers deliver when its worker dies or exits on a reload. Size it for the journal (32m: about 40,000 events).",
      default: "tollgate_usage",
      minLength: 1,
    }),
    stats_log_interval_s: integer({ description: "Seconds between two log lines with each worker's counters; 0: none.", default: 60, min: 0, max: 86_400 }),
  },
  check: (conf) => {
    if ((conf["kafka"] as { acks: number }).acks === 0) return "kafka.acks: must be -1 or 1 (acks 0 cannot tell a delivered event from a lost one)";
    const headers = conf["headers"] as string[] | undefined;
    if (headers !== undefined) {
      for (let i = 0; i < headers.length; i++) {
        const problem = secretHeaderProblem(headers[i]!);
        if (problem !== undefined) return `headers.${i + 1}: ${problem}`;
      }
    }
    const retryConf = conf["retry"] as { initial_backoff_ms: number; max_backoff_ms: number };
    if (retryConf.max_backoff_ms < retryConf.initial_backoff_ms) return "retry.max_backoff_ms: must be at least retry.initial_backoff_ms";
    const batchConf = conf["batch"] as { max_events: number; max_bytes: number };
    const queueConf = conf["queue"] as { max_events: number; max_bytes: number };
    if (queueConf.max_events < batchConf.max_events) return "queue.max_events: must be at least batch.max_events";
    if (queueConf.max_bytes < batchConf.max_bytes) return "queue.max_bytes: must be at least batch.max_bytes";
    return undefined;
  },
});

export type KafkaUsageConfig = Infer<typeof kafkaUsageSchema>;
export type SubjectField = (typeof SUBJECT_FIELDS)[number];
export type AnonymousRule = (typeof ANONYMOUS_RULES)[number];
