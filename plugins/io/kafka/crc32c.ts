/**
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR
 * 0xFFFFFFFF — the checksum of Kafka's RecordBatch v2 (and iSCSI, ext4, SCTP).
 * `crc32c("123456789")` is 0xE3069283.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.crc32c) and run by vitest as is.
 * LuaJIT's `bit.*` works on signed 32-bit values; the table and the running CRC are kept
 * as such, and only the result is made unsigned.
 */
import { byteAt, int32LE, type Bytes } from "./bytes";

/** TABLE[n]: the CRC register after shifting in the byte n (reflected, one byte at a time). */
const TABLE: number[] = [];
for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let k = 0; k < 8; k++) {
    crc = (crc & 1) !== 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  TABLE.push(crc | 0);
}

/**
 * "Slicing by 4": TABLE1[n], TABLE2[n], TABLE3[n] are the register after shifting in the
 * byte n followed by one, two, three zero bytes, so four bytes are folded in with four
 * independent lookups instead of four dependent steps (the checksum of every RecordBatch
 * goes through here).
 */
const TABLE1: number[] = [];
const TABLE2: number[] = [];
const TABLE3: number[] = [];
for (let n = 0; n < 256; n++) {
  const one = (TABLE[TABLE[n]! & 0xff]! ^ (TABLE[n]! >>> 8)) | 0;
  const two = (TABLE[one & 0xff]! ^ (one >>> 8)) | 0;
  TABLE1.push(one);
  TABLE2.push(two);
  TABLE3.push((TABLE[two & 0xff]! ^ (two >>> 8)) | 0);
}

/** The CRC register after the bytes `first` … `last - 1` of `data`, from register `crc`. */
function update(crc: number, data: Bytes, first: number, last: number): number {
  let i = first;
  const lastWord = last - 4;
  while (i <= lastWord) {
    crc ^= int32LE(data, i);
    crc = TABLE3[crc & 0xff]! ^ TABLE2[(crc >>> 8) & 0xff]! ^ TABLE1[(crc >>> 16) & 0xff]! ^ TABLE[crc >>> 24]!;
    i += 4;
  }
  for (; i < last; i++) {
    crc = (TABLE[(crc ^ byteAt(data, i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return crc;
}

/** An unsigned 32-bit value (LuaJIT's bit operations return signed ones). */
export function unsigned32(v: number): number {
  return v < 0 ? v + 4294967296 : v;
}

/** CRC-32C of the bytes `first` … `last - 1` (0-based; default: all) of a byte string, 0 … 2^32 - 1. */
export function crc32c(data: Bytes, first = 0, last = data.length): number {
  const crc = unsigned32(update(0xffffffff | 0, data, first, last) ^ (0xffffffff | 0));
  return crc;
}
