/**
 * tollgate's Kafka producer for the Lua hosts (Kong, APISIX, plain OpenResty), over
 * ngx_lua cosockets (`ngx.socket.tcp`) and the pure protocol modules of ../kafka/.
 * It speaks what Kafka 3.x and 4.x both serve: ApiVersions v3 (v0 fallback),
 * Metadata v8, InitProducerId v0–v1 and Produce v3–v8 with RecordBatch v2.
 *
 *   send(config, topic, records) → result per partition, or an error
 *
 * One call: discover the cluster (bootstrap brokers, ApiVersions per broker, Metadata of
 * the topic: partition leaders, refreshed after leader errors or `metadata_max_age_s`),
 * obtain a producer id when idempotent (InitProducerId), partition the records (a key:
 * the Java client's murmur2 rule; no key: one partition per call, in turn), and send one
 * Produce request per leader, acks -1 (default) or 1, over pooled keepalive connections.
 *
 * Idempotence: every partition batch carries the producer id, epoch and the partition's
 * next sequence number, which advances only when the broker acknowledged the batch. A
 * batch that failed (or timed out) is therefore sent again with the same sequence when the
 * caller retries the same records for that partition, and the broker writes it at most once
 * (DUPLICATE_SEQUENCE_NUMBER is success). Calls for one config must not overlap within a
 * worker (the caller, a single flushing timer, serializes them), or sequences could
 * interleave. Retries, backoff and queueing belong to the caller.
 *
 * Security (per connection, before any request but ApiVersions): TLS when `tls` is set
 * (the certificate checked against the gateway's trusted CAs and `tls.server_name`, or the
 * broker's host, unless `tls.verify` is off), then SASL when `sasl` is set: SaslHandshake
 * v1, then SaslAuthenticate with PLAIN's one message (use it over TLS: it carries the
 * password as is) or SCRAM-SHA-256/512's two (../kafka/scram.ts; the broker must prove
 * it knows the password too).
 *
 * Cosockets only: call from a timer, rewrite, access or content, never from log,
 * header_filter, body_filter, init or init_worker. Per worker (module-level) state: one
 * cluster view per config table (weak keys).
 */
import { clientCertificate, type ClientCertificate } from "../../core/client-cert";
import { TOLLGATE_VERSION } from "../../core/version";
import { toBase64, type Bytes } from "../kafka/bytes";
import { scramCheckServer, scramFinal, scramFirst } from "../kafka/scram";
import { randomBytes, scramCrypto } from "./crypto";
import { poolSecurity, secure } from "./tls";
import { partitionForKey } from "../kafka/murmur2";
import { encodeRecordBatch, type KafkaRecord } from "../kafka/record-batch";
import {
  API_API_VERSIONS,
  API_INIT_PRODUCER_ID,
  API_METADATA,
  API_PRODUCE,
  API_SASL_AUTHENTICATE,
  API_SASL_HANDSHAKE,
  apiVersionsRequest,
  decodeApiVersions,
  decodeInitProducerId,
  decodeMetadata,
  decodeProduce,
  decodeSaslAuthenticate,
  decodeSaslHandshake,
  errorName,
  frameRequest,
  frameSize,
  initProducerIdRequest,
  metadataRequest,
  pickVersion,
  produceRequest,
  readResponseHeader,
  saslAuthenticateRequest,
  saslHandshakeRequest,
  saslPlainMessage,
  type ProducePartitionData,
} from "../kafka/requests";

export type SaslMechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";

export interface KafkaProducerConfig {
  /** Bootstrap brokers, "host:port". */
  brokers: string[];
  /** Sent in every request header; default "tollgate". */
  client_id?: string;
  /** Connect, send and read timeout of one request, in ms. */
  timeout_ms: number;
  /** How long the broker may wait for replicas (Produce timeout_ms); default timeout_ms. */
  request_timeout_ms?: number;
  /** -1 (all in-sync replicas, default) or 1 (the leader). */
  acks?: number;
  /** Producer id, epoch and sequence numbers (default true). */
  idempotent?: boolean;
  /** Idle time of a pooled connection, ms (default 60 000). */
  keepalive_ms?: number;
  /** Pooled connections per broker per worker (default 4). */
  pool_size?: number;
  /** Metadata older than this is refreshed before a send (default 300 s). */
  metadata_max_age_s?: number;
  /** TLS to every broker: the certificate checked (unless verify is false) for server_name, else the broker's host; a client certificate when given. */
  tls?: { verify: boolean; server_name?: string; client_cert?: string; client_key?: string };
  /** SASL after connecting (and after TLS). */
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface PartitionResult {
  partition: number;
  /** Records of this call sent to the partition. */
  count: number;
  /**
   * Those records, in order. After a failure, retrying exactly these (and only these) for
   * the partition re-sends the batch with its sequence number, which idempotence needs.
   */
  records: KafkaRecord[];
  /** Offset of the first record, when the broker acknowledged the batch. */
  baseOffset?: number;
  /** Why the batch was not acknowledged (retriable or not, see `retriable`). */
  error?: string;
  /** Kafka's error code, when the broker answered for the partition with one. */
  errorCode?: number;
  retriable?: boolean;
}

export interface SendResult {
  partitions: PartitionResult[];
  /** Records acknowledged / not acknowledged. */
  sent: number;
  failed: number;
}

interface Broker {
  host: string;
  port: number;
  addr: string;
  /** Versions chosen after ApiVersions; undefined until this worker asked this broker. */
  produce?: number;
  metadata?: number;
  initProducerId?: number;
  saslAuthenticate?: number;
}

interface TopicView {
  /** Leader node id per partition (index = partition), -1 when none. */
  leaders: number[];
  fetchedAt: number;
  /** Set after a leader or connection error: refresh before the next send. */
  stale: boolean;
}

interface ClusterState {
  seeds: Broker[];
  /** By node id, from the last Metadata. */
  nodes: LuaTable<number, Broker>;
  topics: LuaTable<string, TopicView>;
  producerId: number;
  producerEpoch: number;
  /** Next sequence number per "topic:partition" (topic names have no colon). */
  sequences: LuaTable<string, number>;
  /** Partition for key-less records, advanced once per call. */
  nextPartition: number;
  /** The partition of each key seen (see partitionOf), for `keyPartitionCount` partitions. */
  keyPartitions: LuaTable<Bytes, number>;
  keyPartitionCount: number;
  keyPartitionSize: number;
  correlationId: number;
  /** Part of every pool name: how its connections are secured and as whom they are authenticated. */
  poolTag: string;
  error?: string;
}

const states = setmetatable(new LuaTable<KafkaProducerConfig, ClusterState>(), { __mode: "k" });

/** Errors after which the partition leader may have moved: refresh metadata. */
const LEADER_ERRORS = new LuaTable<number, boolean>();
for (const code of [3, 5, 6, 74, 75]) LEADER_ERRORS.set(code, true);
/** Errors worth retrying the same batch for (leader moves, timeouts, under-replication). */
const RETRIABLE = new LuaTable<number, boolean>();
for (const code of [3, 5, 6, 7, 13, 19, 20, 74, 75]) RETRIABLE.set(code, true);
/** Errors that end the producer id: a new one is fetched and sequences start again. */
const PRODUCER_RESET = new LuaTable<number, boolean>();
for (const code of [45, 47, 59]) PRODUCER_RESET.set(code, true);

const SEQUENCE_MODULUS = 2147483648;

function parseAddr(addr: string): Broker | undefined {
  const [host, port] = string.match(addr, "^%[?([^%]]+)%]?:(%d+)$");
  if (host === undefined || port === undefined) return undefined;
  return { host, port: tonumber(port) as number, addr };
}

function clientCertOf(config: KafkaProducerConfig): ClientCertificate | undefined {
  return config.tls === undefined ? undefined : clientCertificate(config.tls);
}

function stateFor(config: KafkaProducerConfig): ClusterState {
  let state = states.get(config);
  if (state !== undefined) return state;
  state = {
    seeds: [],
    nodes: new LuaTable(),
    topics: new LuaTable(),
    producerId: -1,
    producerEpoch: -1,
    sequences: new LuaTable(),
    nextPartition: 0,
    keyPartitions: new LuaTable(),
    keyPartitionCount: 0,
    keyPartitionSize: 0,
    correlationId: 0,
    poolTag: `${poolSecurity(config.tls === undefined ? undefined : { serverName: config.tls.server_name, verify: config.tls.verify, clientCert: clientCertOf(config) })}:${
      config.sasl === undefined ? "" : `${config.sasl.username}:${ngx.md5(config.sasl.password)}`
    }`,
  };
  for (const addr of config.brokers) {
    const broker = parseAddr(addr);
    if (broker === undefined) state.error = `kafka: broker '${addr}' is not host:port`;
    else state.seeds.push(broker);
  }
  if (state.seeds.length === 0 && state.error === undefined) state.error = "kafka: no broker configured";
  states.set(config, state);
  return state;
}

/** One request/response exchange on an open socket; the response frame without its size. */
function exchange(
  state: ClusterState,
  sock: TcpSocket,
  config: KafkaProducerConfig,
  apiKey: number,
  version: number,
  body: Bytes,
): LuaMultiReturn<[ReturnType<typeof readResponseHeader> | undefined, string | undefined]> {
  state.correlationId = (state.correlationId + 1) % 2147483647;
  const correlationId = state.correlationId;
  const [sent, sendErr] = sock.send(frameRequest(apiKey, version, correlationId, config.client_id ?? "tollgate", body));
  if (sent === undefined) return $multi(undefined, `send: ${sendErr}`);
  const [prefix, sizeErr] = sock.receive(4);
  if (prefix === undefined) return $multi(undefined, `receive: ${sizeErr}`);
  const size = frameSize(prefix);
  if (size < 4 || size > 104857600) return $multi(undefined, `bad response size ${size}`);
  const [frame, frameErr] = sock.receive(size);
  if (frame === undefined) return $multi(undefined, `receive: ${frameErr}`);
  const header = readResponseHeader(frame, apiKey, version);
  if (header.correlationId !== correlationId) {
    return $multi(undefined, `correlation id ${header.correlationId}, expected ${correlationId}`);
  }
  return $multi(header, undefined);
}

/**
 * A connected socket to `broker`, secured and authenticated as configured, whose API
 * versions are known (ApiVersions on the first connection of this worker to it); or
 * undefined and an error (the socket is closed).
 */
function connect(state: ClusterState, config: KafkaProducerConfig, broker: Broker): LuaMultiReturn<[TcpSocket | undefined, string | undefined]> {
  const sock = ngx.socket.tcp();
  sock.settimeouts(config.timeout_ms, config.timeout_ms, config.timeout_ms);
  const [ok, err] = sock.connect(broker.host, broker.port, { pool: `tollgate-kafka:${broker.addr}:${state.poolTag}`, pool_size: config.pool_size ?? 4 });
  if (ok === undefined) return $multi(undefined, `kafka ${broker.addr}: connect: ${err}`);
  const [reused] = sock.getreusedtimes();
  const fresh = reused === 0;
  const tls = config.tls;
  if (fresh && tls !== undefined) {
    const insecure = secure(sock, { serverName: tls.server_name ?? broker.host, verify: tls.verify, clientCert: clientCertOf(config) });
    if (insecure !== undefined) return closed(sock, `kafka ${broker.addr}: ${insecure}`);
  }
  if (broker.produce === undefined) {
    const versionsErr = learnVersions(state, config, sock, broker);
    if (versionsErr !== undefined) return closed(sock, `kafka ${broker.addr}: ${versionsErr}`);
  }
  const sasl = config.sasl;
  if (fresh && sasl !== undefined) {
    const authErr = authenticate(state, config, sock, broker, sasl);
    if (authErr !== undefined) return closed(sock, `kafka ${broker.addr}: SASL ${sasl.mechanism}: ${authErr}`);
  }
  return $multi(sock, undefined);
}

function closed(sock: TcpSocket, err: string): LuaMultiReturn<[undefined, string]> {
  sock.close();
  return $multi(undefined, err);
}

/** ApiVersions: the versions this producer uses with `broker` (kept on it); an error, or undefined. */
function learnVersions(state: ClusterState, config: KafkaProducerConfig, sock: TcpSocket, broker: Broker): string | undefined {
  let [header, exchangeErr] = exchange(state, sock, config, API_API_VERSIONS, 3, apiVersionsRequest(3, "tollgate", TOLLGATE_VERSION));
  if (header === undefined) return `ApiVersions: ${exchangeErr}`;
  let versions = decodeApiVersions(header.r, 3);
  if (versions.errorCode === 35) {
    // The broker does not know v3: it answered in the v0 layout. Ask in v0.
    [header, exchangeErr] = exchange(state, sock, config, API_API_VERSIONS, 0, "");
    if (header === undefined) return `ApiVersions: ${exchangeErr}`;
    versions = decodeApiVersions(header.r, 0);
  }
  if (versions.error !== undefined || versions.errorCode !== 0) return `ApiVersions: ${versions.error ?? errorName(versions.errorCode)}`;
  const produce = pickVersion(versions.apis, API_PRODUCE);
  const metadata = pickVersion(versions.apis, API_METADATA);
  if (produce < 0 || metadata < 0) return "no common Produce (v3-v8) or Metadata (v8) version";
  broker.produce = produce;
  broker.metadata = metadata;
  broker.initProducerId = pickVersion(versions.apis, API_INIT_PRODUCER_ID);
  broker.saslAuthenticate = pickVersion(versions.apis, API_SASL_AUTHENTICATE);
  return undefined;
}

/** SaslHandshake, then the mechanism's messages in SaslAuthenticate; an error, or undefined. */
function authenticate(
  state: ClusterState,
  config: KafkaProducerConfig,
  sock: TcpSocket,
  broker: Broker,
  sasl: NonNullable<KafkaProducerConfig["sasl"]>,
): string | undefined {
  const [handshake, handshakeErr] = exchange(state, sock, config, API_SASL_HANDSHAKE, 1, saslHandshakeRequest(sasl.mechanism));
  if (handshake === undefined) return `SaslHandshake: ${handshakeErr}`;
  const offered = decodeSaslHandshake(handshake.r);
  if (offered.error !== undefined) return `SaslHandshake: ${offered.error}`;
  if (offered.errorCode !== 0) return `${errorName(offered.errorCode)} (the listener offers ${offered.mechanisms.join(", ")})`;
  const version = broker.saslAuthenticate ?? -1;
  if (version < 0) return "the broker has no SaslAuthenticate v0-v1";
  if (sasl.mechanism === "PLAIN") {
    const [, err] = saslStep(state, config, sock, version, saslPlainMessage(sasl.username, sasl.password));
    return err;
  }
  const crypto = scramCrypto(sasl.mechanism === "SCRAM-SHA-256" ? "SHA-256" : "SHA-512");
  const random = randomBytes(18);
  if (crypto === undefined || random === undefined) return "OpenSSL's libcrypto cannot be found through the FFI";
  const first = scramFirst(sasl.username, toBase64(random));
  const [serverFirst, firstErr] = saslStep(state, config, sock, version, first.message);
  if (serverFirst === undefined) return firstErr;
  const final = scramFinal(crypto, sasl.password, first, serverFirst);
  if ("error" in final) return final.error;
  const [serverFinal, finalErr] = saslStep(state, config, sock, version, final.message);
  if (serverFinal === undefined) return finalErr;
  return scramCheckServer(serverFinal, final);
}

/** One SaslAuthenticate round: the broker's answer bytes; or undefined and an error. */
function saslStep(
  state: ClusterState,
  config: KafkaProducerConfig,
  sock: TcpSocket,
  version: number,
  message: Bytes,
): LuaMultiReturn<[Bytes | undefined, string | undefined]> {
  const [answer, answerErr] = exchange(state, sock, config, API_SASL_AUTHENTICATE, version, saslAuthenticateRequest(message));
  if (answer === undefined) return $multi(undefined, `SaslAuthenticate: ${answerErr}`);
  const result = decodeSaslAuthenticate(answer.r, version);
  if (result.error !== undefined) return $multi(undefined, `SaslAuthenticate: ${result.error}`);
  if (result.errorCode !== 0) return $multi(undefined, `${errorName(result.errorCode)}${result.errorMessage === undefined ? "" : `: ${result.errorMessage}`}`);
  return $multi(result.authBytes, undefined);
}

function release(sock: TcpSocket, config: KafkaProducerConfig): void {
  sock.setkeepalive(config.keepalive_ms ?? 60000, config.pool_size ?? 4);
}

function versionFor(broker: Broker, apiKey: number): number {
  if (apiKey === API_PRODUCE) return broker.produce ?? -1;
  if (apiKey === API_METADATA) return broker.metadata ?? -1;
  if (apiKey === API_INIT_PRODUCER_ID) return broker.initProducerId ?? -1;
  return -1;
}

/**
 * One request to `broker` on a pooled connection: the response header (its reader at the
 * body) and the version used; or undefined and an error. A pooled connection the broker
 * has closed meanwhile (it restarted, or closed an idle connection) is replaced by a fresh
 * one once.
 */
function call(
  state: ClusterState,
  config: KafkaProducerConfig,
  broker: Broker,
  apiKey: number,
  name: string,
  body: Bytes,
): LuaMultiReturn<[ReturnType<typeof readResponseHeader> | undefined, number, string | undefined]> {
  for (let attempt = 1; ; attempt++) {
    const [sock, connectErr] = connect(state, config, broker);
    if (sock === undefined) return $multi(undefined, -1, connectErr);
    const version = versionFor(broker, apiKey);
    if (version < 0) {
      release(sock, config);
      return $multi(undefined, -1, `kafka ${broker.addr}: no common ${name} version`);
    }
    const [reused] = sock.getreusedtimes();
    const [header, err] = exchange(state, sock, config, apiKey, version, body);
    if (header !== undefined) {
      release(sock, config);
      return $multi(header, version, undefined);
    }
    sock.close();
    const stale = err === "send: closed" || err === "receive: closed" || string.find(err as string, "reset by peer", 1, true) !== undefined;
    if (attempt >= 2 || reused === undefined || reused === 0 || !stale) {
      return $multi(undefined, version, `kafka ${broker.addr}: ${name}: ${err}`);
    }
  }
}

/** Brokers to ask for cluster-wide things: the known nodes, then the seeds. */
function candidates(state: ClusterState): Broker[] {
  const out: Broker[] = [];
  for (const [, broker] of state.nodes) out.push(broker);
  for (const seed of state.seeds) out.push(seed);
  return out;
}

/** Loads the topic's partitions and leaders (and the brokers) from the first broker that answers. */
function refreshMetadata(state: ClusterState, config: KafkaProducerConfig, topic: string): string | undefined {
  let lastErr = "no broker";
  for (const broker of candidates(state)) {
    const [header, , err] = call(state, config, broker, API_METADATA, "Metadata", metadataRequest([topic]));
    if (header === undefined) {
      lastErr = err as string;
      continue;
    }
    const metadata = decodeMetadata(header.r);
    if (metadata.error !== undefined) {
      lastErr = `kafka ${broker.addr}: Metadata: ${metadata.error}`;
      continue;
    }
    for (const node of metadata.brokers) {
      const addr = `${node.host}:${node.port}`;
      const known = state.nodes.get(node.nodeId);
      if (known === undefined || known.addr !== addr) state.nodes.set(node.nodeId, { host: node.host, port: node.port, addr });
    }
    const found = metadata.topics[0];
    if (found === undefined || found.name !== topic) return `kafka: Metadata without topic '${topic}'`;
    if (found.errorCode !== 0) return `kafka: topic '${topic}': ${errorName(found.errorCode)}`;
    if (found.partitions.length === 0) return `kafka: topic '${topic}' has no partitions`;
    const leaders: number[] = [];
    for (const p of found.partitions) leaders[p.partition] = p.errorCode === 0 ? p.leaderId : -1;
    for (let i = 0; i < found.partitions.length; i++) if (leaders[i] === undefined) leaders[i] = -1;
    state.topics.set(topic, { leaders, fetchedAt: ngx.now(), stale: false });
    return undefined;
  }
  return lastErr;
}

/** Obtains a producer id and epoch (retrying briefly while the coordinator loads). */
function initProducer(state: ClusterState, config: KafkaProducerConfig): string | undefined {
  let lastErr = "no broker";
  for (let attempt = 0; attempt < 10; attempt++) {
    if (attempt > 0) ngx.sleep(0.1);
    for (const broker of candidates(state)) {
      const [header, , err] = call(state, config, broker, API_INIT_PRODUCER_ID, "InitProducerId", initProducerIdRequest(null, 60000));
      if (header === undefined) {
        lastErr = err as string;
        continue;
      }
      const response = decodeInitProducerId(header.r);
      if (response.error === undefined && response.errorCode === 0) {
        state.producerId = response.producerId;
        state.producerEpoch = response.producerEpoch;
        state.sequences = new LuaTable();
        return undefined;
      }
      lastErr = `kafka ${broker.addr}: InitProducerId: ${response.error ?? errorName(response.errorCode)}`;
      // Coordinator loading or not available: wait and ask again.
      break;
    }
  }
  return lastErr;
}

/** Keys whose partitions are remembered per config, at most (then the memory starts again). */
const KEY_PARTITIONS_MAX = 10000;

/**
 * The partition of a keyed record, remembered per key: the keys are usage subjects, a few
 * per batch of hundreds, and murmur2's loop over the key's bytes inside the loop over the
 * records kept LuaJIT from compiling it ("inner loop in root trace").
 */
function partitionOf(state: ClusterState, key: Bytes, partitionCount: number): number {
  if (state.keyPartitionCount !== partitionCount || state.keyPartitionSize >= KEY_PARTITIONS_MAX) {
    state.keyPartitions = new LuaTable();
    state.keyPartitionCount = partitionCount;
    state.keyPartitionSize = 0;
  }
  let partition = state.keyPartitions.get(key);
  if (partition === undefined) {
    partition = partitionForKey(key, partitionCount);
    state.keyPartitions.set(key, partition);
    state.keyPartitionSize += 1;
  }
  return partition;
}

interface PartitionBatch {
  partition: number;
  records: KafkaRecord[];
  sequence: number;
}

/**
 * Every partition batch of `group` failed with `error`. (A module function: a closure made
 * in send() would keep LuaJIT from compiling the loops that encode each batch.)
 */
function failGroup(results: PartitionResult[], group: PartitionBatch[], error: string, retriable: boolean): void {
  for (const batch of group) results.push({ partition: batch.partition, count: batch.records.length, records: batch.records, error, retriable });
}

/**
 * Sends `records` to `topic`. Returns the outcome per partition (and the error of the first
 * failed partition), or undefined and an error when nothing could be sent (no metadata,
 * no producer id).
 */
export function send(
  config: KafkaProducerConfig,
  topic: string,
  records: KafkaRecord[],
): LuaMultiReturn<[SendResult | undefined, string | undefined]> {
  const state = stateFor(config);
  if (state.error !== undefined) return $multi(undefined, state.error);
  if (records.length === 0) return $multi({ partitions: [], sent: 0, failed: 0 }, undefined);
  const idempotent = config.idempotent !== false;
  const acks = config.acks ?? -1;
  if (acks !== -1 && acks !== 1) return $multi(undefined, "kafka: acks must be -1 or 1");

  let view = state.topics.get(topic);
  if (view === undefined || view.stale || ngx.now() - view.fetchedAt > (config.metadata_max_age_s ?? 300)) {
    const err = refreshMetadata(state, config, topic);
    if (err !== undefined) return $multi(undefined, err);
    view = state.topics.get(topic) as TopicView;
  }
  if (idempotent && state.producerId < 0) {
    const err = initProducer(state, config);
    if (err !== undefined) return $multi(undefined, err);
  }

  // Partition: the Java rule for keys; key-less records of this call share one partition.
  const partitionCount = view.leaders.length;
  const keyless = state.nextPartition % partitionCount;
  state.nextPartition = (state.nextPartition + 1) % 1073741824;
  const byPartition = new LuaTable<number, PartitionBatch>();
  const order: PartitionBatch[] = [];
  for (const record of records) {
    const partition = record.key == null ? keyless : partitionOf(state, record.key, partitionCount);
    let batch = byPartition.get(partition);
    if (batch === undefined) {
      batch = { partition, records: [], sequence: -1 };
      byPartition.set(partition, batch);
      order.push(batch);
    }
    batch.records.push(record);
  }

  // Group by leader; partitions without a leader fail at once (retriable).
  const results: PartitionResult[] = [];
  const byLeader = new LuaTable<number, PartitionBatch[]>();
  const leaders: number[] = [];
  for (const batch of order) {
    const leader = view.leaders[batch.partition] ?? -1;
    if (leader < 0 || state.nodes.get(leader) === undefined) {
      results.push({ partition: batch.partition, count: batch.records.length, records: batch.records, error: "no leader", retriable: true });
      view.stale = true;
      continue;
    }
    let group = byLeader.get(leader);
    if (group === undefined) {
      group = [];
      byLeader.set(leader, group);
      leaders.push(leader);
    }
    group.push(batch);
  }

  for (const leader of leaders) {
    const group = byLeader.get(leader) as PartitionBatch[];
    const broker = state.nodes.get(leader) as Broker;
    const partitions: ProducePartitionData[] = [];
    for (const batch of group) {
      const seqKey = `${topic}:${batch.partition}`;
      batch.sequence = idempotent ? state.sequences.get(seqKey) ?? 0 : -1;
      partitions.push({
        partition: batch.partition,
        records: encodeRecordBatch(
          batch.records,
          idempotent ? { producerId: state.producerId, producerEpoch: state.producerEpoch, baseSequence: batch.sequence } : {},
        ),
      });
    }
    const [header, version, err] = call(
      state,
      config,
      broker,
      API_PRODUCE,
      "Produce",
      produceRequest(acks, config.request_timeout_ms ?? config.timeout_ms, [{ topic, partitions }]),
    );
    if (header === undefined) {
      view.stale = true;
      failGroup(results, group, err as string, true);
      continue;
    }
    const response = decodeProduce(header.r, version);
    if (response.error !== undefined) {
      failGroup(results, group, `kafka ${broker.addr}: Produce: ${response.error}`, true);
      continue;
    }
    const answered = new LuaTable<number, boolean>();
    for (const topicResponse of response.topics) {
      for (const p of topicResponse.partitions) {
        const batch = byPartition.get(p.partition);
        if (batch === undefined || topicResponse.topic !== topic) continue;
        answered.set(p.partition, true);
        // DUPLICATE_SEQUENCE_NUMBER: this batch was already written (an earlier try).
        if (p.errorCode === 0 || (idempotent && p.errorCode === 46)) {
          if (idempotent) {
            state.sequences.set(`${topic}:${p.partition}`, (batch.sequence + batch.records.length) % SEQUENCE_MODULUS);
          }
          results.push({ partition: p.partition, count: batch.records.length, records: batch.records, baseOffset: p.baseOffset });
        } else {
          if (LEADER_ERRORS.has(p.errorCode)) view.stale = true;
          if (idempotent && PRODUCER_RESET.has(p.errorCode)) state.producerId = -1;
          const message = p.errorMessage === undefined ? "" : `: ${p.errorMessage}`;
          results.push({
            partition: p.partition,
            count: batch.records.length,
            records: batch.records,
            error: `kafka ${broker.addr}: ${errorName(p.errorCode)}${message}`,
            errorCode: p.errorCode,
            retriable: RETRIABLE.has(p.errorCode) || PRODUCER_RESET.has(p.errorCode),
          });
        }
      }
    }
    for (const batch of group) {
      if (!answered.has(batch.partition)) {
        results.push({
          partition: batch.partition,
          count: batch.records.length,
          records: batch.records,
          error: `kafka ${broker.addr}: no answer for the partition`,
          retriable: true,
        });
      }
    }
  }

  let sent = 0;
  let failed = 0;
  let firstError: string | undefined;
  for (const r of results) {
    if (r.error === undefined) sent += r.count;
    else {
      failed += r.count;
      firstError = firstError ?? `partition ${r.partition}: ${r.error}`;
    }
  }
  return $multi({ partitions: results, sent, failed }, firstError);
}

/** What this worker knows of a config's cluster (for a status endpoint and tests). */
export function clusterInfo(config: KafkaProducerConfig): object {
  const state = stateFor(config);
  const nodes: object[] = [];
  for (const [nodeId, broker] of state.nodes) {
    nodes.push({ nodeId, addr: broker.addr, produce: broker.produce, metadata: broker.metadata, initProducerId: broker.initProducerId });
  }
  const topics: object[] = [];
  for (const [name, view] of state.topics) topics.push({ name, leaders: view.leaders, stale: view.stale });
  return { nodes, topics, producerId: state.producerId, producerEpoch: state.producerEpoch, error: state.error };
}
