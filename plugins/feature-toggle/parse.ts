/**
 * Parsers the constraint operators need, written without RegExp or Date so that
 * Node and LuaJIT read a value the same way: semantic versions (semver 2.0.0,
 * strict, no leading "v"), ISO 8601 timestamps, and decimal numbers.
 */

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

export function trim(s: string): string {
  let first = 0;
  let last = s.length;
  while (first < last && isSpace(s.charAt(first))) first++;
  while (last > first && isSpace(s.charAt(last - 1))) last--;
  return first === 0 && last === s.length ? s : s.substring(first, last);
}

/** Splits on `separator` (one character), trimming each part. */
export function splitTrimmed(s: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charAt(i) === separator) {
      parts.push(trim(s.substring(start, i)));
      start = i + 1;
    }
  }
  return parts;
}

function allDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charAt(i))) return false;
  return true;
}

/** A number written in decimal: [+-]digits[.digits][e[+-]digits] (surrounding spaces allowed); else undefined. */
export function parseDecimal(text: string): number | undefined {
  const s = trim(text);
  let i = 0;
  const n = s.length;
  if (i < n && (s.charAt(i) === "+" || s.charAt(i) === "-")) i++;
  let digits = 0;
  while (i < n && isDigit(s.charAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charAt(i) === ".") {
    i++;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (i < n && (s.charAt(i) === "e" || s.charAt(i) === "E")) {
    i++;
    if (i < n && (s.charAt(i) === "+" || s.charAt(i) === "-")) i++;
    let exponentDigits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      exponentDigits++;
    }
    if (exponentDigits === 0) return undefined;
  }
  if (i !== n) return undefined;
  return Number(s);
}

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release identifiers; empty for a release. */
  pre: string[];
}

function numericIdentifier(s: string): boolean {
  return allDigits(s) && (s.length === 1 || s.charAt(0) !== "0");
}

function validIdentifier(s: string, numericMustBeCanonical: boolean): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (!(isDigit(c) || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "-")) return false;
  }
  return !numericMustBeCanonical || !allDigits(s) || numericIdentifier(s);
}

/** A strict semver 2.0.0 version ("1.2.3", "2.0.0-alpha.1+build.5"), else undefined. */
export function parseSemver(text: string): SemVer | undefined {
  let s = trim(text);
  const plus = s.indexOf("+");
  if (plus >= 0) {
    const build = s.substring(plus + 1);
    for (const id of build.split(".")) if (!validIdentifier(id, false)) return undefined;
    s = s.substring(0, plus);
  }
  let pre: string[] = [];
  const dash = s.indexOf("-");
  if (dash >= 0) {
    pre = s.substring(dash + 1).split(".");
    for (const id of pre) if (!validIdentifier(id, true)) return undefined;
    s = s.substring(0, dash);
  }
  const core = s.split(".");
  if (core.length !== 3) return undefined;
  for (const part of core) if (!numericIdentifier(part)) return undefined;
  return { major: Number(core[0]), minor: Number(core[1]), patch: Number(core[2]), pre };
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = allDigits(a);
  const bNumeric = allDigits(b);
  if (aNumeric && bNumeric) {
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Semver precedence: -1, 0 or 1. */
export function compareSemver(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.pre.length === 0 && b.pre.length === 0) return 0;
  if (a.pre.length === 0) return 1;
  if (b.pre.length === 0) return -1;
  for (let i = 0; i < a.pre.length && i < b.pre.length; i++) {
    const c = compareIdentifiers(a.pre[i]!, b.pre[i]!);
    if (c !== 0) return c;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function fixedDigits(s: string, at: number, count: number): number | undefined {
  if (at + count > s.length) return undefined;
  const part = s.substring(at, at + count);
  return allDigits(part) ? Number(part) : undefined;
}

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp: "2024-05-01",
 * "2024-05-01T10:00", "2024-05-01T10:00:00.123Z", "…+02:00". A time without an offset
 * is read as UTC (gateways run in UTC; JavaScript would use the local zone). Else undefined.
 */
export function parseIsoTime(text: string): number | undefined {
  const s = trim(text);
  const year = fixedDigits(s, 0, 4);
  const month = fixedDigits(s, 5, 2);
  const day = fixedDigits(s, 8, 2);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (s.charAt(4) !== "-" || s.charAt(7) !== "-" || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  let ms = daysFromCivil(year, month, day) * 86_400_000;
  if (s.length === 10) return ms;
  const t = s.charAt(10);
  if (t !== "T" && t !== "t" && t !== " ") return undefined;
  const hour = fixedDigits(s, 11, 2);
  const minute = fixedDigits(s, 14, 2);
  if (hour === undefined || minute === undefined || s.charAt(13) !== ":" || hour > 24 || minute > 59) return undefined;
  ms += hour * 3_600_000 + minute * 60_000;
  let i = 16;
  if (s.charAt(i) === ":") {
    const second = fixedDigits(s, i + 1, 2);
    if (second === undefined || second > 60) return undefined;
    ms += second * 1000;
    i += 3;
    if (s.charAt(i) === "." || s.charAt(i) === ",") {
      i++;
      let fraction = "";
      while (i < s.length && isDigit(s.charAt(i))) {
        fraction += s.charAt(i);
        i++;
      }
      if (fraction.length === 0) return undefined;
      ms += Math.floor(Number(`0.${fraction}`) * 1000 + 0.5);
    }
  }
  if (i === s.length) return ms;
  const zone = s.charAt(i);
  if ((zone === "Z" || zone === "z") && i + 1 === s.length) return ms;
  if (zone !== "+" && zone !== "-") return undefined;
  const offsetHours = fixedDigits(s, i + 1, 2);
  let offsetMinutes: number | undefined = 0;
  let end = i + 3;
  if (s.charAt(end) === ":") {
    offsetMinutes = fixedDigits(s, end + 1, 2);
    end += 3;
  } else if (end < s.length) {
    offsetMinutes = fixedDigits(s, end, 2);
    end += 2;
  }
  if (offsetHours === undefined || offsetMinutes === undefined || end !== s.length) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === "+" ? ms - offset : ms + offset;
}
