/**
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR
 * 0xFFFFFFFF — the checksum of Kafka's RecordBatch v2 (and iSCSI, ext4, SCTP).
 * `crc32c("123456789")` is 0xE3069283.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.crc32c) and run by vitest as is.
 * LuaJIT's `bit.*` works on signed 32-bit values; the table and the running CRC are kept
 * as such, and only the result is made unsigned.
 */
import { byteAt, type Bytes } from "./bytes";

/** TABLE[n]: the CRC register after shifting in the byte n (reflected, one byte at a time). */
const TABLE: number[] = [];
for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let k = 0; k < 8; k++) {
    crc = (crc & 1) !== 0 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  TABLE.push(crc);
}

/** The CRC register after the bytes `first` … `last - 1` of `data`, from register `crc`. */
function update(crc: number, data: Bytes, first: number, last: number): number {
  for (let i = first; i < last; i++) {
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
  return unsigned32(update(0xffffffff | 0, data, first, last) ^ (0xffffffff | 0));
}
