/**
 * Hex front ends of the Kafka protocol modules, for the test vectors
 * (tests/vectors/kafka-*.json): JSON carries no raw bytes, so byte strings go in and
 * come out as lowercase hex, and both runtimes run the same encoders in between.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.hex_api) and run by vitest.
 */
import { fromBase64, fromHex, reader, readVarint, readUvarint, toBase64, toHex, int64, uvarint, varint, utf8, type Bytes, type Parts } from "./bytes";
import { crc32c } from "./crc32c";
import { murmur2, partitionForKey } from "./murmur2";
import { decodeRecordBatch, encodeRecordBatch, type BatchOptions, type KafkaRecord } from "./record-batch";
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
  frameRequest,
  initProducerIdRequest,
  metadataRequest,
  produceRequest,
  readResponseHeader,
  saslAuthenticateRequest,
  saslHandshakeRequest,
  saslPlainMessage,
  type ProduceTopicData,
} from "./requests";

function bytes(hex: string | null | undefined): Bytes | undefined {
  if (hex == null) return undefined;
  const b = fromHex(hex);
  if (b === undefined) throw new Error(`not hex: ${hex}`);
  return b;
}

function hexOrNull(b: Bytes | null | undefined): string | undefined {
  return b == null ? undefined : toHex(b);
}

export function crc32cHex(hex: string): number {
  return crc32c(bytes(hex) as Bytes);
}

export function murmur2Hex(hex: string): number {
  return murmur2(bytes(hex) as Bytes);
}

/** murmur2 of a text's UTF-8 bytes (JavaScript strings are UTF-16: this checks `utf8`). */
export function murmur2Text(s: string): number {
  return murmur2(utf8(s));
}

/** The Java client's partition of a key (hex) for each partition count. */
export function partitionsHex(hex: string, partitionCounts: number[]): number[] {
  const key = bytes(hex) as Bytes;
  const out: number[] = [];
  for (const n of partitionCounts) out.push(partitionForKey(key, n));
  return out;
}

export function varintHex(n: number): string {
  const out: Parts = [];
  varint(out, n);
  return toHex(out.join(""));
}

export function uvarintHex(n: number): string {
  const out: Parts = [];
  uvarint(out, n);
  return toHex(out.join(""));
}

export function int64Hex(n: number): string {
  const out: Parts = [];
  int64(out, n);
  return toHex(out.join(""));
}

/** Decodes a zig-zag varint/varlong (signed) or an unsigned varint from hex. */
export function readVarintHex(hex: string, signed: boolean): number {
  const r = reader(bytes(hex) as Bytes);
  return signed ? readVarint(r) : readUvarint(r);
}

/** A record as the vectors write it: byte fields in hex (null = null). */
export interface HexRecord {
  timestamp: number;
  key?: string | null;
  value?: string | null;
  headers?: { key: string; value?: string | null }[];
}

export interface HexBatch extends BatchOptions {
  records: HexRecord[];
}

function records(spec: HexBatch): KafkaRecord[] {
  const out: KafkaRecord[] = [];
  for (const r of spec.records) {
    const headers: { key: Bytes; value?: Bytes }[] = [];
    if (r.headers != null) for (const h of r.headers) headers.push({ key: bytes(h.key) as Bytes, value: bytes(h.value) });
    out.push({ timestamp: r.timestamp, key: bytes(r.key), value: bytes(r.value), headers });
  }
  return out;
}

export function recordBatchHex(spec: HexBatch): string {
  return toHex(encodeRecordBatch(records(spec), spec));
}

/** decodeRecordBatch with byte fields in hex. */
export function decodeRecordBatchHex(hex: string): object {
  const batch = decodeRecordBatch(bytes(hex) as Bytes);
  const decodedRecords: object[] = [];
  for (const r of batch.records) {
    const headers: object[] = [];
    for (const h of r.headers) headers.push({ key: toHex(h.key), value: hexOrNull(h.value) });
    decodedRecords.push({ offset: r.offset, timestamp: r.timestamp, key: hexOrNull(r.key), value: hexOrNull(r.value), headers });
  }
  return { ...batch, records: decodedRecords };
}

/** A request as the vectors write it (the generator gives the same spec to the Java client). */
export interface HexRequest {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  body: {
    softwareName?: string;
    softwareVersion?: string;
    topics?: (string | { topic: string; partitions: { partition: number; batch: HexBatch }[] })[];
    allowAutoTopicCreation?: boolean;
    transactionalId?: string | null;
    transactionTimeoutMs?: number;
    acks?: number;
    timeoutMs?: number;
    /** SaslHandshake. */
    mechanism?: string;
    /** SaslAuthenticate, in hex. */
    authBytes?: string;
  };
}

/** A whole framed request (size prefix included), in hex. */
export function requestHex(spec: HexRequest): string {
  const b = spec.body;
  let body = "";
  if (spec.apiKey === API_API_VERSIONS) body = apiVersionsRequest(spec.version, b.softwareName ?? "", b.softwareVersion ?? "");
  else if (spec.apiKey === API_METADATA) body = metadataRequest((b.topics ?? []) as string[], b.allowAutoTopicCreation ?? false);
  else if (spec.apiKey === API_INIT_PRODUCER_ID) body = initProducerIdRequest(b.transactionalId ?? null, b.transactionTimeoutMs ?? 0);
  else if (spec.apiKey === API_PRODUCE) {
    const topics: ProduceTopicData[] = [];
    for (const t of (b.topics ?? []) as { topic: string; partitions: { partition: number; batch: HexBatch }[] }[]) {
      const partitions = [];
      for (const p of t.partitions) partitions.push({ partition: p.partition, records: encodeRecordBatch(records(p.batch), p.batch) });
      topics.push({ topic: t.topic, partitions });
    }
    body = produceRequest(b.acks ?? -1, b.timeoutMs ?? 0, topics, b.transactionalId ?? null);
  } else if (spec.apiKey === API_SASL_HANDSHAKE) body = saslHandshakeRequest(b.mechanism ?? "");
  else if (spec.apiKey === API_SASL_AUTHENTICATE) body = saslAuthenticateRequest(bytes(b.authBytes) ?? "");
  else throw new Error(`api ${spec.apiKey} has no encoder`);
  return toHex(frameRequest(spec.apiKey, spec.version, spec.correlationId, spec.clientId, body));
}

/** Decodes a response (hex, without its size prefix): the correlation id and the body. */
export function decodeResponseHex(apiKey: number, version: number, hex: string): object {
  const { correlationId, r } = readResponseHeader(bytes(hex) as Bytes, apiKey, version);
  let body: object;
  if (apiKey === API_API_VERSIONS) body = decodeApiVersions(r, version);
  else if (apiKey === API_METADATA) body = decodeMetadata(r);
  else if (apiKey === API_INIT_PRODUCER_ID) body = decodeInitProducerId(r);
  else if (apiKey === API_PRODUCE) body = decodeProduce(r, version);
  else if (apiKey === API_SASL_HANDSHAKE) body = decodeSaslHandshake(r);
  else if (apiKey === API_SASL_AUTHENTICATE) {
    const decoded = decodeSaslAuthenticate(r, version);
    body = { ...decoded, authBytes: toHex(decoded.authBytes) };
  }
  else throw new Error(`api ${apiKey} has no decoder`);
  return { correlationId, body };
}

/** SASL PLAIN's message for a user and password, in hex. */
export function saslPlainHex(username: string, password: string): string {
  return toHex(saslPlainMessage(username, password));
}

/** Base64 of bytes given in hex. */
export function base64Hex(hex: string): string {
  return toBase64(bytes(hex) ?? "");
}

/** The bytes of base64 text, in hex; null when it is not base64. */
export function fromBase64Hex(text64: string): string | undefined {
  return hexOrNull(fromBase64(text64));
}
