/**
 * plugins/io/kafka/ (TypeScript side) against kafkajs 2.2.4's own implementations on
 * seeded random inputs, and encode → decode round trips. The fixed cases, run in both
 * runtimes, are tests/vectors/kafka-*.json.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { fromHex, reader, readUvarint, readVarint, text, toHex, utf8, uvarint, varint, type Parts } from "../../plugins/io/kafka/bytes.ts";
import { crc32c } from "../../plugins/io/kafka/crc32c.ts";
import { murmur2, partitionForKey } from "../../plugins/io/kafka/murmur2.ts";
import { decodeRecordBatch, encodeRecordBatch, type KafkaRecord } from "../../plugins/io/kafka/record-batch.ts";
import { frameRequest, frameSize, pickVersion, readResponseHeader, SUPPORTED } from "../../plugins/io/kafka/requests.ts";

const require = createRequire(import.meta.url);
const kjsCrc32C = require("kafkajs/src/protocol/recordBatch/crc32C/index.js") as (b: Buffer) => number;
const kjsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (key: Buffer) => number;

/** A small deterministic PRNG (mulberry32), so a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(next: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
}

/** Node Buffer → tollgate byte string (one char per byte). */
const bin = (b: Buffer): string => b.toString("latin1");

describe("against kafkajs on random inputs", () => {
  it("crc32c equals kafkajs's crc32C for 500 random byte strings", () => {
    const next = prng(1);
    for (let i = 0; i < 500; i++) {
      const data = randomBytes(next, Math.floor(next() * 300));
      expect(crc32c(bin(data)), data.toString("hex")).toBe(kjsCrc32C(data));
    }
  });

  it("murmur2 equals kafkajs's Java-compatible murmur2 for 2000 random keys, and the partition rule uses h & 0x7fffffff", () => {
    const next = prng(2);
    for (let i = 0; i < 2000; i++) {
      const key = randomBytes(next, Math.floor(next() * 64));
      const h = kjsMurmur2(key);
      expect(murmur2(bin(key)), key.toString("hex")).toBe(h);
      const partitions = 1 + Math.floor(next() * 64);
      expect(partitionForKey(bin(key), partitions)).toBe((h & 0x7fffffff) % partitions);
    }
  });
});

describe("round trips", () => {
  it("varints: encode → decode for edge and random values", () => {
    const next = prng(3);
    const values = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 52 - 1, -(2 ** 52)];
    for (let i = 0; i < 1000; i++) values.push(Math.floor((next() - 0.5) * 2 ** (1 + Math.floor(next() * 52))));
    for (const n of values) {
      const out: Parts = [];
      varint(out, n);
      uvarint(out, Math.abs(n));
      const r = reader(out.join(""));
      expect(readVarint(r)).toBe(n);
      expect(readUvarint(r)).toBe(Math.abs(n));
      expect(r.err).toBeUndefined();
      expect(r.pos).toBe(r.data.length);
    }
  });

  it("hex and UTF-8 helpers", () => {
    expect(toHex(fromHex("00ff7F80") as string)).toBe("00ff7f80");
    expect(fromHex("abc")).toBeUndefined();
    expect(fromHex("zz")).toBeUndefined();
    const s = "café €😀 ключ";
    expect(Buffer.from(utf8(s), "latin1").toString("utf8")).toBe(s);
    expect(text(utf8(s))).toBe(s);
    expect(text("\xff\x41")).toBe("\ufffdA");
  });

  it("RecordBatch: encode → decode for random batches, CRC valid, truncation reported", () => {
    const next = prng(4);
    for (let i = 0; i < 100; i++) {
      const base = 1_600_000_000_000 + Math.floor(next() * 1e11);
      const records: KafkaRecord[] = Array.from({ length: 1 + Math.floor(next() * 20) }, () => ({
        timestamp: base + Math.floor((next() - 0.3) * 100_000),
        key: next() < 0.2 ? null : bin(randomBytes(next, Math.floor(next() * 40))),
        value: next() < 0.1 ? null : bin(randomBytes(next, Math.floor(next() * 400))),
        headers: Array.from({ length: Math.floor(next() * 3) }, () => ({ key: "h", value: next() < 0.3 ? null : bin(randomBytes(next, 5)) })),
      }));
      const options = next() < 0.5 ? {} : { producerId: Math.floor(next() * 2 ** 45), producerEpoch: 7, baseSequence: Math.floor(next() * 2 ** 30) };
      const encoded = encodeRecordBatch(records, options);
      const decoded = decodeRecordBatch(encoded);
      expect(decoded.error).toBeUndefined();
      expect(decoded.crcValid).toBe(true);
      expect(decoded.producerId).toBe(options.producerId ?? -1);
      expect(decoded.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp)));
      expect(decoded.records.map((r) => [r.timestamp, r.key ?? null, r.value ?? null, r.headers.map((h) => [h.key, h.value ?? null])])).toEqual(
        records.map((r) => [r.timestamp, r.key ?? null, r.value ?? null, (r.headers ?? []).map((h) => [h.key, h.value ?? null])]),
      );
      const cut = decodeRecordBatch(encoded.slice(0, encoded.length - 1));
      expect(cut.error).toMatch(/only .* present/);
    }
  });
});

describe("framing", () => {
  it("frames a request with its size and reads a response header", () => {
    const frame = frameRequest(3, 8, 42, "c", "body");
    expect(frameSize(frame)).toBe(frame.length - 4);
    const { correlationId, r } = readResponseHeader(frame.slice(4 + 4), 3, 8); // skip size and api key/version
    expect(correlationId).toBe(42);
    expect(r.pos).toBe(4);
  });

  it("picks the highest version both sides know", () => {
    const broker39 = [
      { apiKey: 0, min: 0, max: 11 },
      { apiKey: 3, min: 0, max: 12 },
      { apiKey: 18, min: 0, max: 4 },
      { apiKey: 22, min: 0, max: 5 },
      { apiKey: 17, min: 0, max: 1 },
      { apiKey: 36, min: 0, max: 2 },
    ];
    expect(SUPPORTED.map((s) => pickVersion(broker39, s.apiKey))).toEqual([8, 8, 3, 1, 1, 1]);
    // A broker whose Produce starts above what tollgate speaks: no common version.
    expect(pickVersion([{ apiKey: 0, min: 9, max: 13 }], 0)).toBe(-1);
    expect(pickVersion([], 0)).toBe(-1);
  });
});
