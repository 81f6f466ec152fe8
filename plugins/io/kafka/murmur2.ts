/**
 * The Java Kafka client's key hash and partition rule:
 * `Utils.murmur2(keyBytes)` (MurmurHash2, 32-bit, seed 0x9747b28c) and, for a keyed
 * record, `Utils.toPositive(murmur2(keyBytes)) % numPartitions` (BuiltInPartitioner;
 * the DefaultPartitioner before it). `toPositive` is `h & 0x7fffffff`, not `Math.abs`.
 * A producer that uses the same rule puts a key on the partition every Java (and
 * librdkafka `murmur2_random`) producer would choose.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.murmur2) and run by vitest as is.
 * Java multiplies int32s with wrap-around; `mul32` does the same with operands split so
 * every intermediate product stays exact in a double (LuaJIT) before `| 0` wraps it.
 */
import { byteAt, int32LE, type Bytes } from "./bytes";

const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;
const R = 24;

/**
 * a * b modulo 2^32, as a signed 32-bit integer (Java's int multiplication). The result
 * goes through a local: `return bit.bor(…)` would end in a tail call to a builtin, which
 * LuaJIT cannot return from in a trace (see byteAt in ./bytes).
 */
function mul32(a: number, b: number): number {
  const low = (a & 0xffff) * b;
  const high = ((((a >>> 16) & 0xffff) * b) & 0xffff) << 16;
  const product = (low + high) | 0;
  return product;
}

/** Kafka's murmur2 of a byte string, as Java's signed int (-2^31 … 2^31 - 1). */
export function murmur2(data: Bytes): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = mul32(int32LE(data, i), M);
    k ^= k >>> R;
    k = mul32(k, M);
    h = mul32(h, M);
    h ^= k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= byteAt(data, whole + 2) << 16;
  if (rest >= 2) h ^= byteAt(data, whole + 1) << 8;
  if (rest >= 1) {
    h ^= byteAt(data, whole);
    h = mul32(h, M);
  }
  h ^= h >>> 13;
  h = mul32(h, M);
  h ^= h >>> 15;
  const hash = h | 0;
  return hash;
}

/** The partition (0 … numPartitions - 1) the Java client chooses for a record with this key. */
export function partitionForKey(key: Bytes, numPartitions: number): number {
  const partition = (murmur2(key) & 0x7fffffff) % numPartitions;
  return partition;
}
