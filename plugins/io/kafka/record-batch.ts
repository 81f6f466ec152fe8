/**
 * Kafka's RecordBatch v2 (magic 2), the only record format Kafka 4 accepts (KIP-724),
 * uncompressed:
 *
 *   baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 (2)
 *   crc uint32 (CRC-32C of everything after it) | attributes int16 | lastOffsetDelta int32
 *   baseTimestamp int64 | maxTimestamp int64 | producerId int64 | producerEpoch int16
 *   baseSequence int32 | records: count int32, then each
 *     length varint | attributes int8 (0) | timestampDelta varlong | offsetDelta varint
 *     key (varint length, -1 = null, bytes) | value (same)
 *     headers: count varint, then key (varint length, bytes), value (varint length, -1 = null)
 *
 * As the Java client writes it: baseTimestamp is the first record's timestamp, deltas are
 * relative to it, maxTimestamp is the largest; a producer sends baseOffset 0 and
 * partitionLeaderEpoch -1; without idempotence producerId, producerEpoch and baseSequence
 * are -1.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.record_batch) and run by vitest.
 */
import {
  int16,
  int32,
  int64,
  int8,
  readBytesN,
  readInt16,
  readInt32,
  readInt64,
  readInt8,
  reader,
  readUint32,
  readVarint,
  varint,
  varintBytes,
  type Bytes,
  type Parts,
} from "./bytes";
import { crc32c } from "./crc32c";

export interface RecordHeader {
  key: Bytes;
  value?: Bytes | null;
}

export interface KafkaRecord {
  key?: Bytes | null;
  value?: Bytes | null;
  /** Milliseconds since the epoch (CreateTime). */
  timestamp: number;
  headers?: readonly RecordHeader[];
}

export interface BatchOptions {
  /** Idempotent / transactional producers: from InitProducerId; default -1 (none). */
  producerId?: number;
  producerEpoch?: number;
  /** Sequence number of the first record (per partition, from 0); default -1 (none). */
  baseSequence?: number;
  /** Attribute bit 4 (records of a transaction). */
  transactional?: boolean;
  /** Default -1: a producer does not know it. */
  partitionLeaderEpoch?: number;
  /** Default 0: the broker assigns offsets. */
  baseOffset?: number;
}

/** Bytes of the batch before the CRC'd part: baseOffset, batchLength, partitionLeaderEpoch, magic, crc. */
export const BATCH_HEADER_BYTES = 21;
/** Bytes of a batch with no record. */
export const EMPTY_BATCH_BYTES = 61;

const MAGIC = 2;
const TRANSACTIONAL_BIT = 0x10;
/** A record's attributes (none are defined) and an empty headers section: one zero byte each. */
const NO_ATTRIBUTES = varintBytes(0);
const NO_HEADERS = varintBytes(0);

function varBytes(out: Parts, b: Bytes | null | undefined): void {
  if (b == null) varint(out, -1);
  else {
    varint(out, b.length);
    out.push(b);
  }
}

/** The headers of the last record encoded, and their bytes (count included): see headersBytes. */
let lastHeaders: readonly RecordHeader[] | undefined;
let lastHeadersBytes: Bytes = varintBytes(0);

/**
 * The bytes of a record's headers, count included. A producer's records usually share one
 * headers array (kafka-usage's content-type): its bytes are made once, not per record.
 */
function headersBytes(headers: readonly RecordHeader[] | undefined): Bytes {
  if (headers === undefined || headers.length === 0) return NO_HEADERS;
  if (headers === lastHeaders) return lastHeadersBytes;
  const out: Parts = [varintBytes(headers.length)];
  for (const header of headers) {
    varBytes(out, header.key);
    varBytes(out, header.value);
  }
  lastHeaders = headers;
  lastHeadersBytes = out.join("");
  return lastHeadersBytes;
}

/**
 * Appends one record (length prefix included) to `out`, at `offsetDelta` with
 * `timestampDelta` from the base. Each varint is made once (varintBytes) and its length
 * counted into the record's, so the fields go straight into `out` (no per-record buffer to
 * join and copy: a batch holds hundreds), one push each.
 */
function pushRecord(out: Parts, record: KafkaRecord, offsetDelta: number, timestampDelta: number): void {
  const key = record.key;
  const value = record.value;
  const timestamp = varintBytes(timestampDelta);
  const offset = varintBytes(offsetDelta);
  const keyLength = varintBytes(key == null ? -1 : key.length);
  const valueLength = varintBytes(value == null ? -1 : value.length);
  const headers = headersBytes(record.headers);
  const length =
    1 + timestamp.length + offset.length + keyLength.length + (key == null ? 0 : key.length) + valueLength.length + (value == null ? 0 : value.length) + headers.length;
  out.push(varintBytes(length));
  out.push(NO_ATTRIBUTES);
  out.push(timestamp);
  out.push(offset);
  out.push(keyLength);
  if (key != null) out.push(key);
  out.push(valueLength);
  if (value != null) out.push(value);
  out.push(headers);
}

/** One record (length prefix included), at `offsetDelta` with `timestampDelta` from the base. */
export function encodeRecord(record: KafkaRecord, offsetDelta: number, timestampDelta: number): Bytes {
  const out: Parts = [];
  pushRecord(out, record, offsetDelta, timestampDelta);
  return out.join("");
}

/**
 * A RecordBatch v2 holding `records` (at least one), uncompressed, CreateTime.
 * Timestamps are numbers of ms below 2^53.
 */
export function encodeRecordBatch(records: KafkaRecord[], options: BatchOptions = {}): Bytes {
  const count = records.length;
  const first = records[0] as KafkaRecord;
  const baseTimestamp = first.timestamp;
  let maxTimestamp = baseTimestamp;
  const body: Parts = [];
  // attributes … baseSequence are written after the records are known (maxTimestamp).
  for (let i = 0; i < count; i++) {
    const record = records[i] as KafkaRecord;
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp;
    pushRecord(body, record, i, record.timestamp - baseTimestamp);
  }
  const head: Parts = [];
  int16(head, options.transactional === true ? TRANSACTIONAL_BIT : 0);
  int32(head, count - 1);
  int64(head, baseTimestamp);
  int64(head, maxTimestamp);
  int64(head, options.producerId ?? -1);
  int16(head, options.producerEpoch ?? -1);
  int32(head, options.baseSequence ?? -1);
  int32(head, count);
  const checked = head.join("") + body.join("");
  const out: Parts = [];
  int64(out, options.baseOffset ?? 0);
  int32(out, checked.length + 9); // partitionLeaderEpoch, magic, crc, then the checked part
  int32(out, options.partitionLeaderEpoch ?? -1);
  int8(out, MAGIC);
  int32(out, crc32c(checked));
  out.push(checked);
  return out.join("");
}

/** A decoded RecordBatch v2: what a reader sees (absolute offsets and timestamps). */
export interface DecodedBatch {
  baseOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  /** Whether the CRC-32C in the batch matches its bytes. */
  crcValid: boolean;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  records: { offset: number; timestamp: number; key?: Bytes; value?: Bytes; headers: RecordHeader[] }[];
  /** Set when the bytes are not a whole, uncompressed v2 batch. */
  error?: string;
}

function readVarBytes(r: ReturnType<typeof reader>): Bytes | undefined {
  const n = readVarint(r);
  return n < 0 ? undefined : readBytesN(r, n);
}

/** Decodes one uncompressed RecordBatch v2 at the start of `data`. */
export function decodeRecordBatch(data: Bytes): DecodedBatch {
  const r = reader(data);
  const baseOffset = readInt64(r);
  const batchLength = readInt32(r);
  const end = r.pos + batchLength;
  const batch: DecodedBatch = {
    baseOffset,
    partitionLeaderEpoch: readInt32(r),
    magic: readInt8(r),
    crc: readUint32(r),
    crcValid: false,
    attributes: 0,
    lastOffsetDelta: 0,
    baseTimestamp: 0,
    maxTimestamp: 0,
    producerId: 0,
    producerEpoch: 0,
    baseSequence: 0,
    records: [],
  };
  if (batch.magic !== MAGIC) {
    batch.error = `magic ${batch.magic}, not 2`;
    return batch;
  }
  if (end > data.length) {
    batch.error = `batch of ${batchLength} bytes, only ${data.length - 12} present`;
    return batch;
  }
  batch.crcValid = crc32c(data, r.pos, end) === batch.crc;
  batch.attributes = readInt16(r);
  batch.lastOffsetDelta = readInt32(r);
  batch.baseTimestamp = readInt64(r);
  batch.maxTimestamp = readInt64(r);
  batch.producerId = readInt64(r);
  batch.producerEpoch = readInt16(r);
  batch.baseSequence = readInt32(r);
  if ((batch.attributes & 0x07) !== 0) {
    batch.error = "compressed batches are not decoded";
    return batch;
  }
  const count = readInt32(r);
  for (let i = 0; i < count && r.err === undefined; i++) {
    const length = readVarint(r);
    const recordEnd = r.pos + length;
    readInt8(r); // attributes (unused)
    const timestampDelta = readVarint(r);
    const offsetDelta = readVarint(r);
    const key = readVarBytes(r);
    const value = readVarBytes(r);
    const headers: RecordHeader[] = [];
    const headerCount = readVarint(r);
    for (let h = 0; h < headerCount && r.err === undefined; h++) {
      const headerKey = readVarBytes(r) ?? "";
      headers.push({ key: headerKey, value: readVarBytes(r) });
    }
    if (r.pos !== recordEnd && r.err === undefined) r.err = `record ${i}: length ${length} but ${r.pos - recordEnd + length} bytes read`;
    batch.records.push({ offset: baseOffset + offsetDelta, timestamp: batch.baseTimestamp + timestampDelta, key, value, headers });
  }
  if (r.err === undefined && r.pos !== end) r.err = `${end - r.pos} bytes after the last record`;
  if (r.err !== undefined) batch.error = r.err;
  return batch;
}
