/**
 * IPv4 and IPv6 addresses and CIDR ranges as byte arrays, matched by prefix.
 * Pure string and number work, so it runs the same in Node and LuaJIT. Parsing
 * happens when a config is prepared; matching a request's address against the
 * prepared ranges costs one parse of that address.
 */
import { allAsciiDigits } from "./digits";

export interface CidrRange {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  bytes: number[];
  prefix: number;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    if (!allAsciiDigits(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseHexGroup(group: string): number | undefined {
  if (group.length === 0 || group.length > 4) return undefined;
  let value = 0;
  for (let i = 0; i < group.length; i++) {
    const code = group.charCodeAt(i);
    let digit: number;
    if (code >= 48 && code <= 57) digit = code - 48;
    else if (code >= 97 && code <= 102) digit = code - 87;
    else if (code >= 65 && code <= 70) digit = code - 55;
    else return undefined;
    value = value * 16 + digit;
  }
  return value;
}

/** Groups of one side of "::" (or of a whole address), with a trailing dotted IPv4 allowed. */
function parseGroups(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const words: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (allowIpv4Tail && i === parts.length - 1 && part.includes(".")) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      words.push(v4[0]! * 256 + v4[1]!, v4[2]! * 256 + v4[3]!);
    } else {
      const word = parseHexGroup(part);
      if (word === undefined) return undefined;
      words.push(word);
    }
  }
  return words;
}

function parseIpv6(text: string): number[] | undefined {
  const gap = text.indexOf("::");
  let words: number[] | undefined;
  if (gap === -1) {
    words = parseGroups(text, true);
    if (words === undefined || words.length !== 8) return undefined;
  } else {
    if (text.indexOf("::", gap + 1) !== -1) return undefined;
    const head = parseGroups(text.substring(0, gap), false);
    const tail = parseGroups(text.substring(gap + 2), true);
    if (head === undefined || tail === undefined || head.length + tail.length > 7) return undefined;
    words = [...head];
    for (let i = head.length + tail.length; i < 8; i++) words.push(0);
    for (const word of tail) words.push(word);
  }
  const bytes: number[] = [];
  for (const word of words) bytes.push(Math.floor(word / 256), word % 256);
  return bytes;
}

/** An address as bytes (4 for IPv4, 16 for IPv6), or undefined if it is not one. */
export function parseIp(text: string): number[] | undefined {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.substring(0, slash);
  const bytes = parseIp(address);
  if (bytes === undefined) return undefined;
  const max = bytes.length * 8;
  if (slash === -1) return { bytes, prefix: max };
  const prefixText = text.substring(slash + 1);
  if (prefixText === "" || prefixText.length > 3) return undefined;
  if (!allAsciiDigits(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { bytes, prefix };
}

function inRange(address: number[], range: CidrRange): boolean {
  if (address.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; i < address.length && bits > 0; i++) {
    const a = address[i]!;
    const b = range.bytes[i]!;
    if (bits >= 8) {
      if (a !== b) return false;
      bits -= 8;
    } else {
      const unit = 2 ** (8 - bits);
      return Math.floor(a / unit) === Math.floor(b / unit);
    }
  }
  return true;
}

/** Whether `ip` lies in any of `ranges` (false when `ip` is not an address). */
export function ipInRanges(ip: string, ranges: readonly CidrRange[]): boolean {
  const address = parseIp(ip);
  if (address === undefined) return false;
  for (const range of ranges) if (inRange(address, range)) return true;
  return false;
}

/** ipInRanges over ranges given as text (unparseable ranges match nothing). */
export function ipInStrings(ip: string, cidrs: readonly string[]): boolean {
  const ranges: CidrRange[] = [];
  for (const text of cidrs) {
    const range = parseCidr(text);
    if (range !== undefined) ranges.push(range);
  }
  return ipInRanges(ip, ranges);
}
