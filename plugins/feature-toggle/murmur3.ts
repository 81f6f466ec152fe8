/**
 * MurmurHash3 x86_32 over the UTF-8 bytes of a string — the hash Unleash uses for
 * sticky rollouts (seed 0) and variants (seed 86028157), so a user lands in the same
 * bucket at the gateway as in every Unleash SDK.
 *
 * Pure code (no ngx): compiled to Lua (tollgate.feature_toggle.murmur3) and run by
 * vitest as is. As in ../io/redis-slot.ts, a Lua string already is its UTF-8 bytes;
 * in JavaScript it is UTF-16, so there the key is UTF-8 encoded first.
 *
 * Arithmetic stays inside what both runtimes do identically: bit operations on
 * 32-bit integers (LuaJIT's `bit` library, JavaScript's int32 operators) and
 * products below 2^53 (32-bit multiplication is done in 16-bit halves).
 */

const BYTE_STRINGS = "\u00e9".length === 2;

/** Lua's `string.byte`; only called where BYTE_STRINGS holds (LuaJIT). */
declare const string: { byte(this: void, s: string, index: number): number };

/** (a * b) mod 2^32 as a signed 32-bit integer. */
function mul32(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = (a >>> 16) & 0xffff;
  const bl = b & 0xffff;
  const bh = (b >>> 16) & 0xffff;
  return (al * bl + ((ah * bl + al * bh) & 0xffff) * 65536) | 0;
}

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  return mul32(rotl32(mul32(k, C1), 15), C2);
}

function finish(h: number, tail: number, tailLength: number, length: number): number {
  if (tailLength > 0) h ^= mixK(tail);
  h ^= length;
  h ^= h >>> 16;
  h = mul32(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = mul32(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h < 0 ? h + 4294967296 : h;
}

function hashByteString(key: string, seed: number): number {
  const length = key.length;
  let h = seed | 0;
  const blocks = length - (length % 4);
  for (let i = 0; i < blocks; i += 4) {
    const k = string.byte(key, i + 1) | (string.byte(key, i + 2) << 8) | (string.byte(key, i + 3) << 16) | (string.byte(key, i + 4) << 24);
    h ^= mixK(k);
    h = rotl32(h, 13);
    h = (mul32(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  const tailLength = length - blocks;
  if (tailLength === 3) tail ^= string.byte(key, blocks + 3) << 16;
  if (tailLength >= 2) tail ^= string.byte(key, blocks + 2) << 8;
  if (tailLength >= 1) tail ^= string.byte(key, blocks + 1);
  return finish(h, tail, tailLength, length);
}

/** The UTF-8 encoding of a JavaScript string (a lone surrogate becomes U+FFFD, as TextEncoder does). */
export function utf8Bytes(s: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    } else if (code >= 0xd800 && code <= 0xdfff) {
      code = 0xfffd;
    }
    if (code < 0x800) {
      bytes.push(0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f));
    } else {
      bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f));
    }
    bytes.push(0x80 | (code & 0x3f));
  }
  return bytes;
}

function hashByteArray(bytes: number[], seed: number): number {
  const length = bytes.length;
  let h = seed | 0;
  const blocks = length - (length % 4);
  for (let i = 0; i < blocks; i += 4) {
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixK(k);
    h = rotl32(h, 13);
    h = (mul32(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  const tailLength = length - blocks;
  if (tailLength === 3) tail ^= bytes[blocks + 2]! << 16;
  if (tailLength >= 2) tail ^= bytes[blocks + 1]! << 8;
  if (tailLength >= 1) tail ^= bytes[blocks]!;
  return finish(h, tail, tailLength, length);
}

/** murmur3_x86_32 of the UTF-8 bytes of `key`, as an unsigned integer (0 … 2^32 - 1). */
export function murmur3(key: string, seed: number): number {
  return BYTE_STRINGS ? hashByteString(key, seed) : hashByteArray(utf8Bytes(key), seed);
}

/** Unleash's normalized value: murmur3("<groupId>:<id>", seed) % normalizer + 1 (1 … normalizer). */
export function normalizedValue(id: string, groupId: string, normalizer: number, seed: number): number {
  return (murmur3(`${groupId}:${id}`, seed) % normalizer) + 1;
}
