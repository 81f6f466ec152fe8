/**
 * Text that is safe to put into JSON: valid UTF-8, whatever bytes the client sent.
 *
 * Client bytes (a path with %ff, a header value) reach tollgate as they came: in LuaJIT a
 * string is those bytes, and a JSON text built from them is invalid UTF-8 that strict
 * readers (Jackson, Python, TextDecoder with `fatal`) refuse. `jsonText` is what every
 * writer of JSON (usage events, error bodies, log warnings) passes client-derived text
 * through:
 *
 *   - LuaJIT: each ill-formed sequence becomes U+FFFD (bytes EF BF BD), one per "maximal
 *     subpart" — the practice of the Unicode Standard (ch. 3, "U+FFFD Substitution of
 *     Maximal Subparts") that the WHATWG Encoding Standard's UTF-8 decoder (Node's
 *     TextDecoder, Buffer#toString) follows, so the result is what Node would decode.
 *   - Node: a string is UTF-16 and was already decoded from bytes by whoever received them;
 *     only lone surrogates can remain, and each becomes U+FFFD (what a UTF-8 encoder writes
 *     for one, done here so the text itself is well formed).
 *
 * On Kong's JS plugin server the bytes are decoded before tollgate sees them: Kong sends
 * each PDK string as a msgpack str, and kong-pdk's @msgpack/msgpack (2.8) decodes one of
 * more than 200 bytes with TextDecoder (so as above, the same text as the Lua hosts), but
 * a shorter one with its own decoder (utils/utf8.ts utf8DecodeJs), which maps a stray byte
 * 0x80 … 0xFF to the code point of the same number (0xFF: "ÿ"), decodes overlongs and
 * surrogates as if they were valid, and lets a truncated sequence swallow the bytes after
 * it. The JSON stays valid (jsonText removes the lone surrogates that can give), but the
 * text then differs from the Lua hosts'. Setting TEXT_DECODER=force in the plugin
 * server's environment makes that library use TextDecoder for every string, and the two
 * agree byte for byte.
 *
 * Valid text, the usual case, is returned as it is: in LuaJIT one pattern search in C for
 * ASCII text, and a check without any allocation for valid non-ASCII text.
 *
 * Pure code: compiled to Lua (tollgate.core.utf8) and run by vitest. `repairUtf8` works on
 * byte strings (see io/kafka/bytes.ts: Lua strings, or JavaScript "binary" strings of
 * char codes 0 … 255), so the same algorithm runs in both runtimes on the vectors
 * (tests/vectors/utf8.json, through utf8-hex.ts).
 */

/** True where strings are byte strings (LuaJIT): see io/kafka/bytes.ts. */
const LUA = "\u00e9".length === 2;

/** Lua's string functions, declared here so Node's type check accepts the file; called only in LuaJIT. */
declare const string: {
  byte(this: void, s: string, index: number): number;
  find(this: void, s: string, pattern: string, init: number): number | undefined;
  sub(this: void, s: string, first: number, last: number): string;
};

/** A byte ≥ 0x80 (a Lua pattern; built with fromCharCode, which tstl makes string.char). */
const NON_ASCII = `[${String.fromCharCode(0x80)}-${String.fromCharCode(0xff)}]`;

/** U+FFFD as UTF-8 bytes. */
const REPLACEMENT = `${String.fromCharCode(0xef)}${String.fromCharCode(0xbf)}${String.fromCharCode(0xbd)}`;

/** The byte at 0-based `i` of a byte string. */
const byteAt: (this: void, s: string, i: number) => number = LUA ? (s, i) => string.byte(s, i + 1) : (s, i) => s.charCodeAt(i);

/** The 0-based index of the first byte ≥ 0x80 at or after `from`, or -1. */
const nextNonAscii: (this: void, s: string, from: number) => number = LUA
  ? (s, from) => {
      const found = string.find(s, NON_ASCII, from + 1);
      return found === undefined ? -1 : found - 1;
    }
  : (s, from) => {
      for (let i = from; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return i;
      return -1;
    };

/**
 * The length of the well-formed sequence that starts at `i` (a byte ≥ 0x80), or minus the
 * length of its maximal subpart (-1 … -3): the bytes one U+FFFD replaces. Table 3-7 of the
 * Unicode Standard (well-formed UTF-8 byte sequences) is the rule: the second byte's range
 * depends on the first (no overlongs, no surrogates, nothing above U+10FFFF).
 */
function sequenceAt(s: string, i: number, length: number): number {
  const first = byteAt(s, i);
  let need: number;
  let lower = 0x80;
  let upper = 0xbf;
  if (first >= 0xc2 && first <= 0xdf) need = 1;
  else if (first >= 0xe0 && first <= 0xef) {
    need = 2;
    if (first === 0xe0) lower = 0xa0; // below: an overlong form
    else if (first === 0xed) upper = 0x9f; // above: a surrogate, U+D800 … U+DFFF
  } else if (first >= 0xf0 && first <= 0xf4) {
    need = 3;
    if (first === 0xf0) lower = 0x90; // below: an overlong form
    else if (first === 0xf4) upper = 0x8f; // above: past U+10FFFF
  } else {
    return -1; // 80 … C1 (a continuation byte, or an overlong lead) and F5 … FF
  }
  let j = i + 1;
  for (let k = 0; k < need; k++) {
    if (j >= length) return i - j;
    const next = byteAt(s, j);
    if (next < lower || next > upper) return i - j;
    lower = 0x80;
    upper = 0xbf;
    j += 1;
  }
  return j - i;
}

/**
 * A byte string as valid UTF-8: every ill-formed sequence replaced by U+FFFD, one per
 * maximal subpart (what TextDecoder does). The string itself when it is valid already.
 */
export function repairUtf8(bytes: string): string {
  const length = bytes.length;
  let i = nextNonAscii(bytes, 0);
  // Valid text is checked without building anything; the first bad sequence starts a copy.
  let out: string[] | undefined;
  let copiedTo = 0;
  while (i >= 0) {
    const size = sequenceAt(bytes, i, length);
    if (size > 0) {
      i = nextNonAscii(bytes, i + size);
      continue;
    }
    out ??= [];
    out.push(bytes.substring(copiedTo, i), REPLACEMENT);
    copiedTo = i - size;
    i = nextNonAscii(bytes, copiedTo);
  }
  if (out === undefined) return bytes;
  out.push(bytes.substring(copiedTo));
  return out.join("");
}

/** A UTF-16 string with each lone surrogate replaced by U+FFFD; the string itself when there is none. */
function wellFormedUtf16(text: string): string {
  let out: string | undefined;
  let copiedTo = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        i += 1; // a pair: one character above U+FFFF
        continue;
      }
    }
    out = `${out ?? ""}${text.substring(copiedTo, i)}\ufffd`;
    copiedTo = i + 1;
  }
  return out === undefined ? text : `${out}${text.substring(copiedTo)}`;
}

/**
 * Client-derived text made safe for JSON (see the top of this file): valid UTF-8 in LuaJIT,
 * well-formed UTF-16 in Node. The text itself when it is already.
 */
export const jsonText: (this: void, text: string) => string = LUA ? repairUtf8 : wellFormedUtf16;

/**
 * A rejection body (core/outcome.ts) with jsonText applied to its strings, in place, and to
 * those of its lists (plan names): bodies may echo what a request named (an unknown tier from
 * a trusted header, a plan from a JWT claim or the entitlement service). Only values that
 * change are written, so bodies built once and shared stay as they are.
 */
export function repairJsonBody(body: { [key: string]: unknown }): { [key: string]: unknown } {
  for (const key in body) {
    const value = body[key];
    if (typeof value === "string") {
      const repaired = jsonText(value);
      if (repaired !== value) body[key] = repaired;
    } else if (Array.isArray(value)) {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (typeof item !== "string") continue;
        const repaired = jsonText(item);
        if (repaired !== item) list[i] = repaired;
      }
    }
  }
  return body;
}
