/**
 * Time-zone rules from a TZif file (RFC 8536), as pure arithmetic on epoch seconds, so
 * the Lua plugin and the Node one read the same file the same way.
 *
 * Read: the version 2+ data block (64-bit transition times; the 32-bit v1 block is
 * skipped, RFC 8536 section 3.1), each transition's UT offset, and the footer's POSIX TZ
 * string (section 3.3), which gives the offset for instants after the last transition
 * ("EST5EDT,M3.2.0,M11.1.0"; "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"). Leap-second
 * records are skipped: tzdata's default ("right/" zones aside) has none, and gateways
 * count POSIX seconds.
 */
import { daysFromCivil } from "./windows";

/** One rule date of a POSIX TZ string: Mm.w.d, Jn or n, at `time` seconds after local midnight. */
export interface RuleDate {
  kind: "M" | "J" | "N";
  month: number;
  week: number;
  weekday: number;
  /** Day number of Jn (1–365, no Feb 29) or n (0–365). */
  day: number;
  time: number;
}

/** The footer's rule: standard offset, and daylight time with its dates if any (offsets east of UT, seconds). */
export interface PosixRule {
  std: number;
  dst?: number;
  start?: RuleDate;
  end?: RuleDate;
}

export interface Zone {
  /** Transition instants (epoch seconds), ascending. */
  times: number[];
  /** UT offset (seconds east) from each transition on. */
  offsets: number[];
  /** Offset before the first transition (local time type 0). */
  initial: number;
  /** Offsets after the last transition (from the footer); absent: the last offset stays. */
  rule?: PosixRule;
}

const TWO_32 = 4294967296;

function u8(bytes: string, at: number): number {
  return bytes.charCodeAt(at);
}

function u32(bytes: string, at: number): number {
  return ((u8(bytes, at) * 256 + u8(bytes, at + 1)) * 256 + u8(bytes, at + 2)) * 256 + u8(bytes, at + 3);
}

function i32(bytes: string, at: number): number {
  const value = u32(bytes, at);
  return value >= 2147483648 ? value - TWO_32 : value;
}

/** A big-endian two's-complement 64-bit integer; exact for tzdata's values (|t| < 2^53). */
function i64(bytes: string, at: number): number {
  return i32(bytes, at) * TWO_32 + u32(bytes, at + 4);
}

interface Header {
  version: number;
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

function header(bytes: string, at: number): Header | undefined {
  if (bytes.length < at + 44 || bytes.substring(at, at + 4) !== "TZif") return undefined;
  const v = u8(bytes, at + 4);
  return {
    version: v === 0 ? 1 : v - 48,
    isutcnt: u32(bytes, at + 20),
    isstdcnt: u32(bytes, at + 24),
    leapcnt: u32(bytes, at + 28),
    timecnt: u32(bytes, at + 32),
    typecnt: u32(bytes, at + 36),
    charcnt: u32(bytes, at + 40),
  };
}

function blockLength(h: Header, timeSize: number): number {
  return h.timecnt * timeSize + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (timeSize + 4) + h.isstdcnt + h.isutcnt;
}

/** A TZif file's rules, or a sentence saying why the bytes are not one (version 1 files included: they lack 64-bit data). */
export function parseTzif(bytes: string): Zone | string {
  const first = header(bytes, 0);
  if (first === undefined) return "not a TZif file";
  if (first.version < 2) return "TZif version 1 (no 64-bit data)";
  const at = 44 + blockLength(first, 4);
  const h = header(bytes, at);
  if (h === undefined) return "TZif file without its version 2 header";
  const data = at + 44;
  const end = data + blockLength(h, 8);
  if (h.typecnt === 0 || bytes.length < end) return "TZif file is truncated";
  const typeAt = data + h.timecnt * 9;
  const typeOffsets: number[] = [];
  for (let i = 0; i < h.typecnt; i++) typeOffsets.push(i32(bytes, typeAt + i * 6));
  const times: number[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < h.timecnt; i++) {
    const type = u8(bytes, data + h.timecnt * 8 + i);
    if (type >= h.typecnt) return "TZif transition names a missing type";
    times.push(i64(bytes, data + i * 8));
    offsets.push(typeOffsets[type]!);
  }
  const zone: Zone = { times, offsets, initial: typeOffsets[0]! };
  // Footer: "\n<TZ string>\n" (RFC 8536 section 3.3); empty means no rule.
  if (bytes.charAt(end) === "\n") {
    const close = bytes.indexOf("\n", end + 1);
    const text = close === -1 ? "" : bytes.substring(end + 1, close);
    if (text !== "") {
      const rule = parsePosixTz(text);
      if (rule === undefined) return `TZif footer '${text}' is not a POSIX TZ string`;
      zone.rule = rule;
    }
  }
  return zone;
}

/** A cursor over a POSIX TZ string. */
interface Cursor {
  text: string;
  at: number;
}

function digits(c: Cursor): number | undefined {
  const from = c.at;
  while (c.at < c.text.length) {
    const code = c.text.charCodeAt(c.at);
    if (code < 48 || code > 57) break;
    c.at++;
  }
  return c.at === from ? undefined : Number(c.text.substring(from, c.at));
}

/** A zone abbreviation: letters, or anything between < and >. */
function abbreviation(c: Cursor): boolean {
  if (c.text.charAt(c.at) === "<") {
    const close = c.text.indexOf(">", c.at);
    if (close === -1) return false;
    c.at = close + 1;
    return true;
  }
  const from = c.at;
  while (c.at < c.text.length) {
    const ch = c.text.charAt(c.at);
    if (!((ch >= "A" && ch <= "Z") || (ch >= "a" && ch <= "z"))) break;
    c.at++;
  }
  return c.at - from >= 3;
}

/** [+|-]hh[:mm[:ss]] as seconds (hours up to 167, RFC 8536 section 3.3.1). */
function hms(c: Cursor): number | undefined {
  let sign = 1;
  const ch = c.text.charAt(c.at);
  if (ch === "+" || ch === "-") {
    if (ch === "-") sign = -1;
    c.at++;
  }
  const hours = digits(c);
  if (hours === undefined || hours > 167) return undefined;
  let seconds = hours * 3600;
  for (const unit of [60, 1]) {
    if (c.text.charAt(c.at) !== ":") break;
    c.at++;
    const part = digits(c);
    if (part === undefined || part > 59) return undefined;
    seconds += part * unit;
  }
  return sign * seconds;
}

function ruleDate(c: Cursor): RuleDate | undefined {
  const date: RuleDate = { kind: "N", month: 0, week: 0, weekday: 0, day: 0, time: 7200 };
  const ch = c.text.charAt(c.at);
  if (ch === "M") {
    c.at++;
    const month = digits(c);
    if (month === undefined || month < 1 || month > 12 || c.text.charAt(c.at) !== ".") return undefined;
    c.at++;
    const week = digits(c);
    if (week === undefined || week < 1 || week > 5 || c.text.charAt(c.at) !== ".") return undefined;
    c.at++;
    const weekday = digits(c);
    if (weekday === undefined || weekday > 6) return undefined;
    date.kind = "M";
    date.month = month;
    date.week = week;
    date.weekday = weekday;
  } else {
    if (ch === "J") {
      c.at++;
      date.kind = "J";
    }
    const day = digits(c);
    if (day === undefined || day > 365 || (date.kind === "J" && day < 1)) return undefined;
    date.day = day;
  }
  if (c.text.charAt(c.at) === "/") {
    c.at++;
    const time = hms(c);
    if (time === undefined) return undefined;
    date.time = time;
  }
  return date;
}

/** A POSIX TZ string's rule, or undefined when it is not one (RFC 8536 section 3.3.1 extensions included). */
export function parsePosixTz(text: string): PosixRule | undefined {
  const c: Cursor = { text, at: 0 };
  if (!abbreviation(c)) return undefined;
  const std = hms(c);
  if (std === undefined) return undefined;
  // POSIX offsets are west of UT; ours are east.
  const rule: PosixRule = { std: -std };
  if (c.at === text.length) return rule;
  if (!abbreviation(c)) return undefined;
  rule.dst = rule.std + 3600;
  const next = text.charAt(c.at);
  if (next !== "," && c.at < text.length) {
    const dst = hms(c);
    if (dst === undefined) return undefined;
    rule.dst = -dst;
  }
  if (c.at === text.length) {
    // No dates: POSIX leaves them to the implementation; tzcode uses the US rules.
    return parsePosixTz(`${text},M3.2.0,M11.1.0`);
  }
  if (text.charAt(c.at) !== ",") return undefined;
  c.at++;
  const start = ruleDate(c);
  if (start === undefined || text.charAt(c.at) !== ",") return undefined;
  c.at++;
  const end = ruleDate(c);
  if (end === undefined || c.at !== text.length) return undefined;
  rule.start = start;
  rule.end = end;
  return rule;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a civil month (1–12). */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month - 1]!;
}

/** Local seconds (epoch-based wall clock) at which a rule date falls in `year`. */
function ruleLocalTime(date: RuleDate, year: number): number {
  let days: number;
  if (date.kind === "M") {
    const first = daysFromCivil(year, date.month, 1);
    // 1970-01-01 was a Thursday (weekday 4, Sunday = 0).
    const firstWeekday = (((first + 4) % 7) + 7) % 7;
    let day = 1 + ((date.weekday - firstWeekday + 7) % 7) + (date.week - 1) * 7;
    const length = daysInMonth(year, date.month);
    while (day > length) day -= 7;
    days = first + day - 1;
  } else if (date.kind === "J") {
    days = daysFromCivil(year, 1, 1) + date.day - 1 + (isLeap(year) && date.day >= 60 ? 1 : 0);
  } else {
    days = daysFromCivil(year, 1, 1) + date.day;
  }
  return days * 86400 + date.time;
}

/** The civil year of local seconds. */
function yearOf(localSeconds: number): number {
  // Gregorian years average 365.2425 days; correct the estimate by at most one.
  let year = 1970 + Math.floor(localSeconds / 31556952);
  if (daysFromCivil(year, 1, 1) * 86400 > localSeconds) year--;
  else if (daysFromCivil(year + 1, 1, 1) * 86400 <= localSeconds) year++;
  return year;
}

function ruleOffset(rule: PosixRule, t: number): number {
  const dst = rule.dst;
  const start = rule.start;
  const end = rule.end;
  if (dst === undefined || start === undefined || end === undefined) return rule.std;
  const year = yearOf(t + rule.std);
  // The start is given in standard time, the end in daylight time (POSIX).
  const from = ruleLocalTime(start, year) - rule.std;
  const until = ruleLocalTime(end, year) - dst;
  if (from < until) return t >= from && t < until ? dst : rule.std;
  // Southern hemisphere: daylight time spans the new year.
  return t >= until && t < from ? rule.std : dst;
}

/** UT offset (seconds east) in `zone` at instant `t` (epoch seconds); undefined zone: UTC. */
export function offsetAt(zone: Zone | undefined, t: number): number {
  if (zone === undefined) return 0;
  const times = zone.times;
  const count = times.length;
  if (count === 0 || t < times[0]!) {
    if (count === 0 && zone.rule !== undefined) return ruleOffset(zone.rule, t);
    return zone.initial;
  }
  if (t >= times[count - 1]!) return zone.rule !== undefined ? ruleOffset(zone.rule, t) : zone.offsets[count - 1]!;
  let low = 0;
  let high = count - 1;
  // times[low] <= t < times[high]
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (times[middle]! <= t) low = middle;
    else high = middle;
  }
  return zone.offsets[low]!;
}

/**
 * The first instant at which the local clock of `zone` reads `local` (epoch-based wall
 * seconds) or later: the instant itself normally; the earlier one when the clock passes
 * `local` twice (a fall-back overlap); the end of the gap when it skips it (spring
 * forward). Offsets near `local` are read a day either side: tzdata has no two
 * transitions less than two days apart in the zones in use today.
 */
export function instantOfLocal(zone: Zone | undefined, local: number): number {
  if (zone === undefined) return local;
  const before = offsetAt(zone, local - 86400);
  const after = offsetAt(zone, local + 86400);
  const early = local - before;
  const late = local - after;
  const earlyFits = offsetAt(zone, early) === before;
  const lateFits = offsetAt(zone, late) === after;
  if (earlyFits && lateFits) return early < late ? early : late;
  if (earlyFits) return early;
  if (lateFits) return late;
  // A gap: the clock jumps over `local` at the transition between `late` and `early`.
  let low = late < early ? late : early;
  let high = late < early ? early : late;
  const lowOffset = offsetAt(zone, low);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(zone, middle) === lowOffset) low = middle;
    else high = middle;
  }
  return high;
}
