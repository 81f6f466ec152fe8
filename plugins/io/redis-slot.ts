/**
 * Redis Cluster key slots: CRC16 (CCITT, XMODEM variant: polynomial 0x1021, initial
 * value 0, no reflection, no final XOR) of the key's hash tag or whole key, modulo
 * 16384 — as the Redis Cluster specification defines them.
 *
 * Hash tag: if the key holds a `{`, and a `}` follows it, and at least one byte lies
 * between the first `{` and the first `}` after it, only those bytes are hashed.
 * So `{user1000}.following` and `{user1000}.followers` share a slot, while `foo{}{bar}`
 * hashes whole (the first tag is empty) and `foo{{bar}}zap` hashes `{bar`.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.io.redis_slot) and run by vitest as is.
 * Redis hashes the bytes it receives, i.e. UTF-8. In Lua a string already is those
 * bytes; in JavaScript it is UTF-16, so there the key is UTF-8 encoded on the fly.
 */

/** Number of hash slots of a Redis Cluster. */
export const SLOT_COUNT = 16384;
const SLOT_MASK = 16383;

/** CRC16-XMODEM lookup table: TABLE[n] is the CRC of the byte n. */
const TABLE: number[] = [];
for (let n = 0; n < 256; n++) {
  let crc = n << 8;
  for (let bit = 0; bit < 8; bit++) {
    crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  TABLE.push(crc);
}

/**
 * True where strings are byte strings (LuaJIT): `"é".length` is 2 there (two UTF-8
 * bytes) and 1 in JavaScript (one UTF-16 unit).
 */
const BYTE_STRINGS = "\u00e9".length === 2;

/**
 * Lua's `string.byte`, declared here rather than taken from lua-types so that Node's
 * type check accepts the file; it is only called where BYTE_STRINGS holds (LuaJIT).
 */
declare const string: { byte(this: void, s: string, index: number): number };

/** The byte (Lua) or UTF-16 unit (JavaScript) at 0-based `i`; braces are ASCII in both. */
const unitAt: (this: void, s: string, i: number) => number = BYTE_STRINGS
  ? (s, i) => string.byte(s, i + 1)
  : (s, i) => s.charCodeAt(i);

/** CRC16-XMODEM of the bytes `first` .. `last - 1` of a byte string (Lua). */
function crc16Bytes(key: string, first: number, last: number): number {
  let crc = 0;
  for (let i = first; i < last; i++) {
    crc = ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ unitAt(key, i)) & 0xff] as number);
  }
  return crc;
}

/** Feeds one byte into a CRC16-XMODEM. */
function crc16Step(crc: number, byte: number): number {
  return ((crc << 8) & 0xffff) ^ (TABLE[((crc >> 8) ^ byte) & 0xff] as number);
}

/** CRC16-XMODEM of the UTF-8 encoding of the UTF-16 units `first` .. `last - 1` (JavaScript). */
function crc16Utf16(key: string, first: number, last: number): number {
  let crc = 0;
  for (let i = first; i < last; i++) {
    let code = key.charCodeAt(i);
    if (code < 0x80) {
      crc = crc16Step(crc, code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < last) {
      const low = key.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    } else if (code >= 0xd800 && code <= 0xdfff) {
      code = 0xfffd; // a lone surrogate is sent as U+FFFD by every UTF-8 encoder
    }
    if (code < 0x800) {
      crc = crc16Step(crc, 0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      crc = crc16Step(crc, 0xe0 | (code >> 12));
      crc = crc16Step(crc, 0x80 | ((code >> 6) & 0x3f));
    } else {
      crc = crc16Step(crc, 0xf0 | (code >> 18));
      crc = crc16Step(crc, 0x80 | ((code >> 12) & 0x3f));
      crc = crc16Step(crc, 0x80 | ((code >> 6) & 0x3f));
    }
    crc = crc16Step(crc, 0x80 | (code & 0x3f));
  }
  return crc;
}

/** CRC16-XMODEM of a whole string's bytes (UTF-8 in JavaScript); `crc16("123456789")` is 0x31c3. */
export function crc16(key: string): number {
  return BYTE_STRINGS ? crc16Bytes(key, 0, key.length) : crc16Utf16(key, 0, key.length);
}

/** The hash slot (0 … 16383) of a key, honouring hash tags. */
export function keySlot(key: string): number {
  const length = key.length;
  // `{` and `}` are ASCII, so scanning code units finds the same tag in both runtimes.
  let first = 0;
  let last = length;
  let open = -1;
  for (let i = 0; i < length; i++) {
    if (unitAt(key, i) === 123) {
      open = i;
      break;
    }
  }
  if (open >= 0) {
    for (let i = open + 1; i < length; i++) {
      if (unitAt(key, i) === 125) {
        if (i > open + 1) {
          first = open + 1;
          last = i;
        }
        break;
      }
    }
  }
  const crc = BYTE_STRINGS ? crc16Bytes(key, first, last) : crc16Utf16(key, first, last);
  return crc & SLOT_MASK;
}
