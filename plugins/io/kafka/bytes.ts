/**
 * Byte strings and the primitive encodings of the Kafka protocol (big-endian integers,
 * unsigned and zig-zag varints, strings, bytes, tagged-field buffers).
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.kafka.bytes) and run by vitest as is,
 * and both must produce the same bytes. A byte string (`Bytes`) is a string whose every
 * unit is one byte, 0 … 255: in LuaJIT that is any string; in JavaScript a "binary"
 * string of char codes 0 … 255 (convert text with `utf8()`, read one with `text()`).
 *
 * Numbers: LuaJIT has doubles and 32-bit `bit.*` operations, so 64-bit fields (offsets,
 * timestamps in ms, producer ids) are numbers below 2^53 in magnitude, written as two
 * 32-bit halves; varints are computed with arithmetic, not shifts.
 */

export type Bytes = string;

/**
 * True where strings are byte strings (LuaJIT): `"é".length` is 2 there (two UTF-8
 * bytes) and 1 in JavaScript (one UTF-16 unit).
 */
export const BYTE_STRINGS = "\u00e9".length === 2;

/**
 * Lua's `string` functions, declared here rather than taken from lua-types so that
 * Node's type check accepts the file; only called where BYTE_STRINGS holds (LuaJIT).
 */
declare const string: {
  byte(this: void, s: string, index: number): number;
  sub(this: void, s: string, first: number, last: number): string;
};

const TWO_32 = 4294967296;

/** CHARS[b]: the one-byte string of byte b (one table look-up instead of a call per byte). */
const CHARS: string[] = [];
for (let b = 0; b < 256; b++) CHARS.push(String.fromCharCode(b));

/**
 * The byte at 0-based `i` of a byte string. In Lua through a local, not `return
 * string.byte(…)`: a function that ends in a tail call to a builtin cannot start a LuaJIT
 * trace (its return to the caller aborts it: "leaving loop in root trace" or "NYI: return
 * to lower frame"), and every tail call on a trace counts toward its loop-unroll limit.
 * The same holds for every small helper below that returns a builtin's result.
 */
export const byteAt: (this: void, s: Bytes, i: number) => number = BYTE_STRINGS
  ? (s, i) => {
      const b = string.byte(s, i + 1);
      return b;
    }
  : (s, i) => s.charCodeAt(i);

/** Four bytes at 0-based `i`, little-endian, as a signed 32-bit value (CRC-32C and murmur2 read words so). */
export function int32LE(s: Bytes, i: number): number {
  const word = byteAt(s, i) | (byteAt(s, i + 1) << 8) | (byteAt(s, i + 2) << 16) | (byteAt(s, i + 3) << 24);
  return word;
}

/** Bytes `first` … `last - 1` (0-based) of a byte string. */
export const slice: (this: void, s: Bytes, first: number, last: number) => Bytes = BYTE_STRINGS
  ? (s, first, last) => {
      const part = string.sub(s, first + 1, last);
      return part;
    }
  : (s, first, last) => s.substring(first, last);

/** The one-byte string of `b` (0 … 255). */
export function char(b: number): Bytes {
  return CHARS[b & 0xff] as string;
}

// ---------------------------------------------------------------------------------------
// Text and hex

/** UTF-8 bytes of a text: the text itself in LuaJIT; encoded from UTF-16 in JavaScript. */
export function utf8(s: string): Bytes {
  if (BYTE_STRINGS) return s;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return s;
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    } else if (code >= 0xd800 && code <= 0xdfff) {
      code = 0xfffd; // a lone surrogate is sent as U+FFFD by every UTF-8 encoder
    }
    if (code < 0x80) {
      out.push(char(code));
    } else if (code < 0x800) {
      out.push(char(0xc0 | (code >> 6)), char(0x80 | (code & 0x3f)));
    } else if (code < 0x10000) {
      out.push(char(0xe0 | (code >> 12)), char(0x80 | ((code >> 6) & 0x3f)), char(0x80 | (code & 0x3f)));
    } else {
      out.push(
        char(0xf0 | (code >> 18)),
        char(0x80 | ((code >> 12) & 0x3f)),
        char(0x80 | ((code >> 6) & 0x3f)),
        char(0x80 | (code & 0x3f)),
      );
    }
  }
  return out.join("");
}

/**
 * The text of UTF-8 bytes: the bytes themselves in LuaJIT; decoded to UTF-16 in
 * JavaScript (an invalid sequence becomes U+FFFD).
 */
export function text(bytes: Bytes): string {
  if (BYTE_STRINGS) return bytes;
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return bytes;
  const out: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes.charCodeAt(i);
    let need = 0;
    let code = b;
    if (b >= 0xf0 && b < 0xf8) {
      need = 3;
      code = b & 0x07;
    } else if (b >= 0xe0) {
      need = b < 0xf0 ? 2 : -1;
      code = b & 0x0f;
    } else if (b >= 0xc0) {
      need = 1;
      code = b & 0x1f;
    } else if (b >= 0x80) {
      need = -1;
    }
    let valid = need >= 0 && i + need < bytes.length;
    for (let k = 1; valid && k <= need; k++) {
      const next = bytes.charCodeAt(i + k);
      if ((next & 0xc0) !== 0x80) valid = false;
      else code = code * 64 + (next & 0x3f);
    }
    if (!valid) {
      out.push("\ufffd");
      i++;
      continue;
    }
    if (code >= 0x10000) {
      code -= 0x10000;
      out.push(String.fromCharCode(0xd800 + Math.floor(code / 1024), 0xdc00 + (code % 1024)));
    } else {
      out.push(String.fromCharCode(code));
    }
    i += need + 1;
  }
  return out.join("");
}

/** HEX_PAIRS[b]: the two lowercase hex digits of byte b. */
const HEX_PAIRS: string[] = [];
const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"];
for (let b = 0; b < 256; b++) HEX_PAIRS.push(`${DIGITS[b >> 4]}${DIGITS[b & 15]}`);

/** Lowercase hex of a byte string. */
export function toHex(bytes: Bytes): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    out.push(HEX_PAIRS[byteAt(bytes, i)] as string);
  }
  return out.join("");
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** The bytes of a hex string (either case; spaces ignored); undefined if it is not hex. */
export function fromHex(hex: string): Bytes | undefined {
  const out: string[] = [];
  let high = -1;
  for (let i = 0; i < hex.length; i++) {
    const code = byteAt(hex, i);
    if (code === 32) continue;
    const digit = hexDigit(code);
    if (digit < 0) return undefined;
    if (high < 0) high = digit;
    else {
      out.push(char(high * 16 + digit));
      high = -1;
    }
  }
  if (high >= 0) return undefined;
  return out.join("");
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** BASE64_VALUE[code]: the 6 bits of a base64 character, -1 for any other byte. */
const BASE64_VALUE: number[] = [];
for (let code = 0; code < 256; code++) BASE64_VALUE.push(BASE64.indexOf(String.fromCharCode(code)));

/** Standard base64 (RFC 4648, with padding) of a byte string. */
export function toBase64(bytes: Bytes): string {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = byteAt(bytes, i);
    const b1 = i + 1 < bytes.length ? byteAt(bytes, i + 1) : 0;
    const b2 = i + 2 < bytes.length ? byteAt(bytes, i + 2) : 0;
    const n = b0 * 65536 + b1 * 256 + b2;
    out.push(BASE64.charAt(Math.floor(n / 262144) % 64), BASE64.charAt(Math.floor(n / 4096) % 64));
    out.push(i + 1 < bytes.length ? BASE64.charAt(Math.floor(n / 64) % 64) : "=", i + 2 < bytes.length ? BASE64.charAt(n % 64) : "=");
  }
  return out.join("");
}

/** The bytes of standard base64 text (padding required); undefined when it is not base64. */
export function fromBase64(text64: string): Bytes | undefined {
  if (text64.length % 4 !== 0) return undefined;
  const out: string[] = [];
  for (let i = 0; i < text64.length; i += 4) {
    const last = i + 4 === text64.length;
    const pad = last ? (byteAt(text64, i + 3) === 61 ? (byteAt(text64, i + 2) === 61 ? 2 : 1) : 0) : 0;
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const value = j >= 4 - pad ? 0 : (BASE64_VALUE[byteAt(text64, i + j)] as number);
      if (value < 0) return undefined;
      n = n * 64 + value;
    }
    out.push(char(Math.floor(n / 65536)));
    if (pad < 2) out.push(char(Math.floor(n / 256) % 256));
    if (pad < 1) out.push(char(n % 256));
  }
  return out.join("");
}

// ---------------------------------------------------------------------------------------
// Writing: encoders push byte strings onto an array of parts, joined once at the end.

export type Parts = Bytes[];

export function int8(out: Parts, v: number): void {
  out.push(char(v & 0xff));
}

export function int16(out: Parts, v: number): void {
  out.push(String.fromCharCode((v >> 8) & 0xff, v & 0xff));
}

/** A 32-bit integer, signed or unsigned (both wrap to the same four bytes). */
export function int32(out: Parts, v: number): void {
  out.push(String.fromCharCode((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff));
}

/** A 64-bit integer given as a number with |v| < 2^53 (two's complement when negative). */
export function int64(out: Parts, v: number): void {
  const high = Math.floor(v / TWO_32);
  const low = v - high * TWO_32; // 0 … 2^32 - 1
  int32(out, high);
  int32(out, low);
}

export function bool(out: Parts, v: boolean): void {
  out.push(char(v ? 1 : 0));
}

/**
 * Unsigned varint (7 bits per byte, low group first), 0 ≤ v < 2^53. Values below 2^14
 * (record lengths, deltas, sizes: nearly all of them) take a branch, not the loop: a loop
 * inside a function that a hot loop calls makes LuaJIT give up compiling the caller.
 */
export function uvarint(out: Parts, v: number): void {
  if (v < 0x80) {
    out.push(char(v));
    return;
  }
  if (v < 0x4000) {
    out.push(String.fromCharCode((v % 0x80) + 0x80, Math.floor(v / 0x80)));
    return;
  }
  while (v >= 0x80) {
    out.push(char((v % 0x80) + 0x80));
    v = Math.floor(v / 0x80);
  }
  out.push(char(v));
}

/** Zig-zag encoding of a signed integer (|n| < 2^52): 0, -1, 1, -2 … → 0, 1, 2, 3 … */
export function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

/**
 * UVARINTS[u]: the bytes of the unsigned varint u, for u < 4096: record lengths, deltas
 * and sizes are nearly all below that (2^11 in magnitude, zig-zagged).
 */
const UVARINTS: Bytes[] = [];
for (let u = 0; u < 0x1000; u++) UVARINTS.push(u < 0x80 ? (CHARS[u] as string) : String.fromCharCode((u % 0x80) + 0x80, Math.floor(u / 0x80)));

/**
 * The bytes varint() writes for `n`: a table look-up for the usual sizes. The record
 * encoder calls this several times per record, so LuaJIT compiles it before the loop over
 * the records; a branch taken differently per record (1 or 2 bytes) would leave that trace
 * and start side traces that wander on through the caller's loop ("too many snapshots").
 */
export function varintBytes(n: number): Bytes {
  const u = zigzag(n);
  if (u < 0x1000) return UVARINTS[u] as string;
  const out: Parts = [];
  uvarint(out, u);
  const bytes = out.join("");
  return bytes;
}

/** Signed varint (Kafka's `varint` and `varlong`: zig-zag, then unsigned varint). */
export function varint(out: Parts, n: number): void {
  uvarint(out, zigzag(n));
}

/** STRING: int16 length, then the bytes. */
export function str(out: Parts, s: Bytes): void {
  int16(out, s.length);
  out.push(s);
}

/** NULLABLE_STRING: length -1 for null. */
export function nullableStr(out: Parts, s: Bytes | null | undefined): void {
  if (s == null) int16(out, -1);
  else str(out, s);
}

/** COMPACT_STRING: unsigned varint length + 1, then the bytes. */
export function compactStr(out: Parts, s: Bytes): void {
  uvarint(out, s.length + 1);
  out.push(s);
}

/** COMPACT_NULLABLE_STRING: 0 for null. */
export function compactNullableStr(out: Parts, s: Bytes | null | undefined): void {
  if (s == null) uvarint(out, 0);
  else compactStr(out, s);
}

/** NULLABLE_BYTES: int32 length (-1 for null), then the bytes. */
export function nullableBytes(out: Parts, b: Bytes | null | undefined): void {
  if (b == null) int32(out, -1);
  else {
    int32(out, b.length);
    out.push(b);
  }
}

/** An empty tagged-field section (flexible versions). */
export function emptyTags(out: Parts): void {
  out.push(CHARS[0] as string);
}

// ---------------------------------------------------------------------------------------
// Reading: a cursor over a byte string. A read past the end sets `err` and returns 0 /
// empty values; decoders check `err` once at the end.

export interface Reader {
  data: Bytes;
  /** 0-based position of the next byte. */
  pos: number;
  err?: string;
}

export function reader(data: Bytes, pos = 0): Reader {
  return { data, pos };
}

/** True (and `err` set) when fewer than `n` bytes remain. */
function short(r: Reader, n: number): boolean {
  if (r.pos + n <= r.data.length) return false;
  if (r.err === undefined) r.err = `truncated at byte ${r.pos} (needs ${n} more of ${r.data.length})`;
  r.pos = r.data.length;
  return true;
}

export function readInt8(r: Reader): number {
  if (short(r, 1)) return 0;
  const b = byteAt(r.data, r.pos);
  r.pos += 1;
  return b >= 0x80 ? b - 0x100 : b;
}

export function readInt16(r: Reader): number {
  if (short(r, 2)) return 0;
  const v = byteAt(r.data, r.pos) * 256 + byteAt(r.data, r.pos + 1);
  r.pos += 2;
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** An unsigned 32-bit integer (0 … 2^32 - 1). */
export function readUint32(r: Reader): number {
  if (short(r, 4)) return 0;
  const d = r.data;
  const p = r.pos;
  r.pos += 4;
  return byteAt(d, p) * 16777216 + byteAt(d, p + 1) * 65536 + byteAt(d, p + 2) * 256 + byteAt(d, p + 3);
}

export function readInt32(r: Reader): number {
  const v = readUint32(r);
  return v >= 0x80000000 ? v - TWO_32 : v;
}

/** A 64-bit integer as a number (exact while |v| < 2^53). */
export function readInt64(r: Reader): number {
  const high = readInt32(r);
  const low = readUint32(r);
  return high * TWO_32 + low;
}

export function readBool(r: Reader): boolean {
  return readInt8(r) !== 0;
}

export function readUvarint(r: Reader): number {
  // One byte (counts, lengths, tags: nearly all of them) without the loop: a loop inside a
  // function that a decoding loop calls keeps LuaJIT from compiling that loop.
  if (r.pos < r.data.length) {
    const first = byteAt(r.data, r.pos);
    if (first < 0x80) {
      r.pos += 1;
      return first;
    }
  }
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    if (short(r, 1)) return 0;
    const b = byteAt(r.data, r.pos);
    r.pos += 1;
    value += (b % 0x80) * scale;
    if (b < 0x80) return value;
    scale *= 0x80;
  }
  if (r.err === undefined) r.err = `varint longer than 8 bytes at byte ${r.pos}`;
  return 0;
}

/** A zig-zag varint or varlong. */
export function readVarint(r: Reader): number {
  const u = readUvarint(r);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

export function readBytesN(r: Reader, n: number): Bytes {
  if (n <= 0) return "";
  if (short(r, n)) return "";
  const b = slice(r.data, r.pos, r.pos + n);
  r.pos += n;
  return b;
}

export function readStr(r: Reader): Bytes {
  return readBytesN(r, readInt16(r));
}

export function readNullableStr(r: Reader): Bytes | undefined {
  const n = readInt16(r);
  return n < 0 ? undefined : readBytesN(r, n);
}

export function readCompactStr(r: Reader): Bytes {
  return readBytesN(r, readUvarint(r) - 1);
}

export function readCompactNullableStr(r: Reader): Bytes | undefined {
  const n = readUvarint(r);
  return n === 0 ? undefined : readBytesN(r, n - 1);
}

export function readNullableBytes(r: Reader): Bytes | undefined {
  const n = readInt32(r);
  return n < 0 ? undefined : readBytesN(r, n);
}

/** Skips a tagged-field section (flexible versions): count, then tag, size and data each. */
export function skipTags(r: Reader): void {
  const count = readUvarint(r);
  for (let i = 0; i < count && r.err === undefined; i++) {
    readUvarint(r);
    readBytesN(r, readUvarint(r));
  }
}
