/**
 * Kafka request framing and the requests a producer needs, with their response decoders:
 * ApiVersions v0–v3, Metadata v8 (served by Kafka 2.1 … 4.x; 4.0 dropped v0–v3),
 * InitProducerId v0–v1, Produce v3–v8 (RecordBatch v2; Kafka 4.0 dropped v0–v2), and
 * for SASL: SaslHandshake v1 and SaslAuthenticate v0–v1 (KIP-152; Kafka 1.0 … 4.x).
 *
 * Every request is `size int32 | header | body`. The header is v1
 * (api_key int16, api_version int16, correlation_id int32, client_id nullable string),
 * or v2 for flexible versions (v1 + an empty tagged-field section). A response is
 * `size int32 | correlation_id int32 | [tags, for flexible versions] | body`;
 * ApiVersions always answers with header v0 (no tags), so a client can read the answer
 * to a version the broker does not know. Strings on the wire are UTF-8 (`utf8`/`text`).
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.requests) and run by vitest.
 */
import {
  bool,
  compactStr,
  emptyTags,
  int16,
  int32,
  nullableBytes,
  nullableStr,
  readBool,
  readCompactStr,
  readInt16,
  readInt32,
  readInt64,
  readNullableStr,
  readNullableBytes,
  reader,
  readStr,
  readUvarint,
  skipTags,
  str,
  text,
  utf8,
  type Bytes,
  type Parts,
  type Reader,
} from "./bytes";

export const API_PRODUCE = 0;
export const API_METADATA = 3;
export const API_API_VERSIONS = 18;
export const API_INIT_PRODUCER_ID = 22;
export const API_SASL_HANDSHAKE = 17;
export const API_SASL_AUTHENTICATE = 36;

/** The versions this module speaks, per API: a client picks the highest both sides know. */
export const SUPPORTED: { apiKey: number; min: number; max: number }[] = [
  { apiKey: API_PRODUCE, min: 3, max: 8 },
  { apiKey: API_METADATA, min: 8, max: 8 },
  { apiKey: API_API_VERSIONS, min: 0, max: 3 },
  { apiKey: API_INIT_PRODUCER_ID, min: 0, max: 1 },
  { apiKey: API_SASL_HANDSHAKE, min: 1, max: 1 },
  { apiKey: API_SASL_AUTHENTICATE, min: 0, max: 1 },
];

/** Kafka error codes a producer acts on (the rest are reported by number and name). */
export const ERRORS: Record<number, string> = {
  [-1]: "UNKNOWN_SERVER_ERROR",
  0: "NONE",
  1: "OFFSET_OUT_OF_RANGE",
  2: "CORRUPT_MESSAGE",
  3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE",
  6: "NOT_LEADER_OR_FOLLOWER",
  7: "REQUEST_TIMED_OUT",
  8: "BROKER_NOT_AVAILABLE",
  10: "MESSAGE_TOO_LARGE",
  13: "NETWORK_EXCEPTION",
  15: "COORDINATOR_NOT_AVAILABLE",
  19: "NOT_ENOUGH_REPLICAS",
  20: "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
  21: "INVALID_REQUIRED_ACKS",
  29: "TOPIC_AUTHORIZATION_FAILED",
  33: "UNSUPPORTED_SASL_MECHANISM",
  34: "ILLEGAL_SASL_STATE",
  35: "UNSUPPORTED_VERSION",
  43: "UNSUPPORTED_FOR_MESSAGE_FORMAT",
  45: "OUT_OF_ORDER_SEQUENCE_NUMBER",
  46: "DUPLICATE_SEQUENCE_NUMBER",
  47: "INVALID_PRODUCER_EPOCH",
  58: "SASL_AUTHENTICATION_FAILED",
  59: "UNKNOWN_PRODUCER_ID",
  74: "FENCED_LEADER_EPOCH",
  75: "UNKNOWN_LEADER_EPOCH",
  87: "INVALID_RECORD",
};

/** Whether a request of this API and version uses header v2 (flexible versions). */
export function isFlexible(apiKey: number, version: number): boolean {
  if (apiKey === API_API_VERSIONS) return version >= 3;
  if (apiKey === API_METADATA) return version >= 9;
  if (apiKey === API_PRODUCE) return version >= 9;
  if (apiKey === API_INIT_PRODUCER_ID) return version >= 2;
  return false;
}

/** A whole request: size, header (v1, or v2 when flexible), body. `clientId` is text. */
export function frameRequest(apiKey: number, version: number, correlationId: number, clientId: string | null, body: Bytes): Bytes {
  const header: Parts = [];
  int16(header, apiKey);
  int16(header, version);
  int32(header, correlationId);
  nullableStr(header, clientId == null ? null : utf8(clientId));
  if (isFlexible(apiKey, version)) emptyTags(header);
  const head = header.join("");
  const out: Parts = [];
  int32(out, head.length + body.length);
  out.push(head);
  out.push(body);
  return out.join("");
}

/** The size prefix of a response (its first 4 bytes): the number of bytes that follow. */
export function frameSize(prefix: Bytes): number {
  return readInt32(reader(prefix));
}

/**
 * Reads the response header of a response without its size prefix; `r.pos` is then at
 * the body. ApiVersions responses have no tags, whatever the version.
 */
export function readResponseHeader(frame: Bytes, apiKey: number, version: number): { correlationId: number; r: Reader } {
  const r = reader(frame);
  const correlationId = readInt32(r);
  if (apiKey !== API_API_VERSIONS && isFlexible(apiKey, version)) skipTags(r);
  return { correlationId, r };
}

// ---------------------------------------------------------------------------------------
// ApiVersions

/** ApiVersions body: empty before v3; v3 names the client software (text). */
export function apiVersionsRequest(version: number, softwareName: string, softwareVersion: string): Bytes {
  if (version < 3) return "";
  const out: Parts = [];
  compactStr(out, utf8(softwareName));
  compactStr(out, utf8(softwareVersion));
  emptyTags(out);
  return out.join("");
}

export interface ApiRange {
  apiKey: number;
  min: number;
  max: number;
}

export interface ApiVersionsResponse {
  errorCode: number;
  apis: ApiRange[];
  throttleTimeMs: number;
  error?: string;
}

/**
 * ApiVersions response body of `version`. A broker that does not know the requested
 * version answers UNSUPPORTED_VERSION (35) in the v0 layout, with its own ranges: call
 * again with version 0 to read that.
 */
export function decodeApiVersions(r: Reader, version: number): ApiVersionsResponse {
  const result: ApiVersionsResponse = { errorCode: readInt16(r), apis: [], throttleTimeMs: 0 };
  const flexible = version >= 3;
  const count = flexible ? readUvarint(r) - 1 : readInt32(r);
  for (let i = 0; i < count && r.err === undefined; i++) {
    const range: ApiRange = { apiKey: readInt16(r), min: readInt16(r), max: readInt16(r) };
    if (flexible) skipTags(r);
    result.apis.push(range);
  }
  if (version >= 1) result.throttleTimeMs = readInt32(r);
  if (flexible) skipTags(r); // supported / finalized features travel as tagged fields
  if (r.err !== undefined) result.error = r.err;
  else if (r.pos !== r.data.length) result.error = `${r.data.length - r.pos} bytes after the ApiVersions response`;
  return result;
}

/**
 * The version to use for `apiKey`: the highest that both this module (SUPPORTED) and the
 * broker (its ApiVersions ranges) know; -1 when none.
 */
export function pickVersion(apis: ApiRange[], apiKey: number): number {
  let ours: ApiRange | undefined;
  for (const range of SUPPORTED) if (range.apiKey === apiKey) ours = range;
  if (ours === undefined) return -1;
  for (const theirs of apis) {
    if (theirs.apiKey === apiKey) {
      const high = Math.min(ours.max, theirs.max);
      return high >= Math.max(ours.min, theirs.min) ? high : -1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------
// Metadata v8

/** Metadata v8 body for these topics (text names). */
export function metadataRequest(topics: string[], allowAutoTopicCreation = false): Bytes {
  const out: Parts = [];
  int32(out, topics.length);
  for (const topic of topics) str(out, utf8(topic));
  bool(out, allowAutoTopicCreation);
  bool(out, false); // include_cluster_authorized_operations
  bool(out, false); // include_topic_authorized_operations
  return out.join("");
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack?: string;
}

export interface MetadataPartition {
  errorCode: number;
  partition: number;
  leaderId: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  /** Sorted by partition index. */
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId?: string;
  controllerId: number;
  topics: MetadataTopic[];
  error?: string;
}

function readInt32Array(r: Reader): number[] {
  const out: number[] = [];
  const count = readInt32(r);
  for (let i = 0; i < count && r.err === undefined; i++) out.push(readInt32(r));
  return out;
}

/** Metadata v8 response body. */
export function decodeMetadata(r: Reader): MetadataResponse {
  const result: MetadataResponse = { throttleTimeMs: readInt32(r), brokers: [], controllerId: -1, topics: [] };
  const brokerCount = readInt32(r);
  for (let i = 0; i < brokerCount && r.err === undefined; i++) {
    const nodeId = readInt32(r);
    const host = text(readStr(r));
    const port = readInt32(r);
    const rack = readNullableStr(r);
    result.brokers.push({ nodeId, host, port, rack: rack === undefined ? undefined : text(rack) });
  }
  const clusterId = readNullableStr(r);
  result.clusterId = clusterId === undefined ? undefined : text(clusterId);
  result.controllerId = readInt32(r);
  const topicCount = readInt32(r);
  for (let i = 0; i < topicCount && r.err === undefined; i++) {
    const topic: MetadataTopic = { errorCode: readInt16(r), name: text(readStr(r)), isInternal: readBool(r), partitions: [] };
    const partitionCount = readInt32(r);
    for (let p = 0; p < partitionCount && r.err === undefined; p++) {
      topic.partitions.push({
        errorCode: readInt16(r),
        partition: readInt32(r),
        leaderId: readInt32(r),
        leaderEpoch: readInt32(r),
        replicas: readInt32Array(r),
        isr: readInt32Array(r),
        offlineReplicas: readInt32Array(r),
      });
    }
    topic.partitions.sort((a, b) => a.partition - b.partition);
    readInt32(r); // topic_authorized_operations
    result.topics.push(topic);
  }
  readInt32(r); // cluster_authorized_operations
  if (r.err !== undefined) result.error = r.err;
  else if (r.pos !== r.data.length) result.error = `${r.data.length - r.pos} bytes after the Metadata response`;
  return result;
}

// ---------------------------------------------------------------------------------------
// SaslHandshake v1, SaslAuthenticate v0–v1: on a new connection, before any other request
// but ApiVersions, the client names a mechanism, then sends that mechanism's messages.

/** SaslHandshake v1 body: the mechanism (e.g. "PLAIN"). */
export function saslHandshakeRequest(mechanism: string): Bytes {
  const out: Parts = [];
  str(out, utf8(mechanism));
  return out.join("");
}

export interface SaslHandshakeResponse {
  errorCode: number;
  /** The mechanisms the broker's listener enables. */
  mechanisms: string[];
  error?: string;
}

export function decodeSaslHandshake(r: Reader): SaslHandshakeResponse {
  const errorCode = readInt16(r);
  const mechanisms: string[] = [];
  const count = readInt32(r);
  for (let i = 0; i < count && r.err === undefined; i++) mechanisms.push(text(readStr(r)));
  const result: SaslHandshakeResponse = { errorCode, mechanisms };
  if (r.err !== undefined) result.error = r.err;
  return result;
}

/** SaslAuthenticate v0/v1 body: the mechanism's message. */
export function saslAuthenticateRequest(authBytes: Bytes): Bytes {
  const out: Parts = [];
  nullableBytes(out, authBytes);
  return out.join("");
}

export interface SaslAuthenticateResponse {
  errorCode: number;
  /** The broker's reason, when it refused. */
  errorMessage?: string;
  /** The mechanism's answer (SCRAM: the server-first or server-final message). */
  authBytes: Bytes;
  /** v1: how long the session may last, ms (0: no limit). */
  sessionLifetimeMs: number;
  error?: string;
}

export function decodeSaslAuthenticate(r: Reader, version: number): SaslAuthenticateResponse {
  const errorCode = readInt16(r);
  const message = readNullableStr(r);
  const authBytes = readNullableBytes(r) ?? "";
  const result: SaslAuthenticateResponse = { errorCode, authBytes, sessionLifetimeMs: version >= 1 ? readInt64(r) : 0 };
  if (message !== undefined) result.errorMessage = text(message);
  if (r.err !== undefined) result.error = r.err;
  return result;
}

/**
 * SASL PLAIN's one message (RFC 4616): no authorization identity, then the user name and
 * the password, each after a NUL byte (UTF-8).
 */
export function saslPlainMessage(username: string, password: string): Bytes {
  return `\0${utf8(username)}\0${utf8(password)}`;
}

// ---------------------------------------------------------------------------------------
// InitProducerId v0–v1 (an idempotent producer: no transactional id)

/** InitProducerId v0/v1 body. */
export function initProducerIdRequest(transactionalId: string | null, transactionTimeoutMs: number): Bytes {
  const out: Parts = [];
  nullableStr(out, transactionalId == null ? null : utf8(transactionalId));
  int32(out, transactionTimeoutMs);
  return out.join("");
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: number;
  producerEpoch: number;
  error?: string;
}

export function decodeInitProducerId(r: Reader): InitProducerIdResponse {
  const result: InitProducerIdResponse = {
    throttleTimeMs: readInt32(r),
    errorCode: readInt16(r),
    producerId: readInt64(r),
    producerEpoch: readInt16(r),
  };
  if (r.err !== undefined) result.error = r.err;
  else if (r.pos !== r.data.length) result.error = `${r.data.length - r.pos} bytes after the InitProducerId response`;
  return result;
}

// ---------------------------------------------------------------------------------------
// Produce v3–v8

export interface ProducePartitionData {
  partition: number;
  /** One or more RecordBatch v2 (record-batch.ts). */
  records: Bytes;
}

export interface ProduceTopicData {
  /** Text. */
  topic: string;
  partitions: ProducePartitionData[];
}

/** Produce v3–v8 body (one layout for all of them). acks: -1 (all in-sync replicas), 1 or 0. */
export function produceRequest(acks: number, timeoutMs: number, topics: ProduceTopicData[], transactionalId: string | null = null): Bytes {
  const out: Parts = [];
  nullableStr(out, transactionalId == null ? null : utf8(transactionalId));
  int16(out, acks);
  int32(out, timeoutMs);
  int32(out, topics.length);
  for (const topicData of topics) {
    str(out, utf8(topicData.topic));
    int32(out, topicData.partitions.length);
    for (const partitionData of topicData.partitions) {
      int32(out, partitionData.partition);
      nullableBytes(out, partitionData.records);
    }
  }
  return out.join("");
}

export interface ProducePartitionResponse {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: { batchIndex: number; message?: string }[];
  errorMessage?: string;
}

export interface ProduceResponse {
  topics: { topic: string; partitions: ProducePartitionResponse[] }[];
  throttleTimeMs: number;
  error?: string;
}

/** Produce v3–v8 response body. */
export function decodeProduce(r: Reader, version: number): ProduceResponse {
  const result: ProduceResponse = { topics: [], throttleTimeMs: 0 };
  const topicCount = readInt32(r);
  for (let i = 0; i < topicCount && r.err === undefined; i++) {
    const topic = text(readStr(r));
    const partitions: ProducePartitionResponse[] = [];
    const partitionCount = readInt32(r);
    for (let p = 0; p < partitionCount && r.err === undefined; p++) {
      const response: ProducePartitionResponse = {
        partition: readInt32(r),
        errorCode: readInt16(r),
        baseOffset: readInt64(r),
        logAppendTimeMs: readInt64(r),
        logStartOffset: version >= 5 ? readInt64(r) : -1,
        recordErrors: [],
      };
      if (version >= 8) {
        const errorCount = readInt32(r);
        for (let e = 0; e < errorCount && r.err === undefined; e++) {
          const batchIndex = readInt32(r);
          const message = readNullableStr(r);
          response.recordErrors.push({ batchIndex, message: message === undefined ? undefined : text(message) });
        }
        const message = readNullableStr(r);
        response.errorMessage = message === undefined ? undefined : text(message);
      }
      partitions.push(response);
    }
    result.topics.push({ topic, partitions });
  }
  result.throttleTimeMs = readInt32(r);
  if (r.err !== undefined) result.error = r.err;
  else if (r.pos !== r.data.length) result.error = `${r.data.length - r.pos} bytes after the Produce response`;
  return result;
}

/** The name of a Kafka error code, e.g. "NOT_LEADER_OR_FOLLOWER (6)". */
export function errorName(code: number): string {
  return `${ERRORS[code] ?? "ERROR"} (${code})`;
}
