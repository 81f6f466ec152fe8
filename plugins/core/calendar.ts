/**
 * Calendar periods of rate-limit windows: day, ISO week (from Monday), month and year
 * on a zone's local clock (local midnight, across daylight-saving changes: a day can
 * last 23 or 25 hours), and month or year periods that run on a subscriber's billing
 * anchor instead of the calendar.
 *
 * Anchored periods follow Stripe's billing_cycle_anchor (stripe.com/docs/billing/
 * subscriptions/billing-cycle): a monthly anchor on January 31 renews on the last day of
 * shorter months and returns to its own day after (Feb 28 or 29, Mar 31, Apr 30, …), at
 * the anchor's time of day; a yearly one on Feb 29 renews on Feb 28 in common years.
 * Periods run backwards from the anchor the same way, so an anchor after `now` (a
 * subscription that starts later) still gives the period that contains `now`. The
 * arithmetic is on the zone's local clock (UTC unless configured), like Stripe's on UTC.
 *
 * Pure arithmetic on epoch seconds (no Date, no os.date): Node and LuaJIT agree to the
 * second. Zones come from core/tzif.ts; undefined means UTC.
 */
import { daysInMonth, instantOfLocal, offsetAt, type Zone } from "./tzif";
import { civilFromDays, daysFromCivil, type WindowBounds, type WindowName } from "./windows";

/** Windows whose bounds depend on the calendar (and zone); the others are fixed lengths from the epoch. */
export function isCalendarWindow(window: WindowName): boolean {
  return window === "day" || window === "week" || window === "month" || window === "year";
}

/** Whether a billing anchor moves this window's periods. */
export function isAnchoredWindow(window: WindowName): boolean {
  return window === "month" || window === "year";
}

/**
 * Upper bound of a calendar window's length in seconds: 31 days for a month, … on UTC;
 * with a zone, plus the hour a daylight-saving change can add (Lord Howe's half hour fits).
 */
export function longestPeriod(zone: Zone | undefined, window: WindowName): number {
  const shift = zone === undefined ? 0 : 3600;
  if (window === "day") return 86400 + shift;
  if (window === "week") return 7 * 86400 + shift;
  if (window === "month") return 31 * 86400 + shift;
  return 366 * 86400 + shift;
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** The local day number (days since 1970-01-01 on the zone's clock) that starts at local midnight `day`. */
function dayStart(zone: Zone | undefined, day: number): number {
  return instantOfLocal(zone, day * 86400);
}

/** The local day number of the period of `window` numbered `index` from the epoch's (day, week, month, year). */
function firstDayOf(window: WindowName, index: number): number {
  if (window === "day") return index;
  // ISO weeks start on Monday; 1970-01-05 was the first Monday after the epoch (day 4).
  if (window === "week") return index * 7 - 3;
  if (window === "month") {
    const year = 1970 + Math.floor(index / 12);
    return daysFromCivil(year, floorMod(index, 12) + 1, 1);
  }
  return daysFromCivil(1970 + index, 1, 1);
}

/** The index (see firstDayOf) of the calendar period of `window` holding local day `day`. */
function periodIndex(window: WindowName, day: number): number {
  if (window === "day") return day;
  if (window === "week") return Math.floor((day + 3) / 7);
  const { year, month } = civilFromDays(day);
  if (window === "month") return (year - 1970) * 12 + month - 1;
  return year - 1970;
}

/**
 * A billing anchor on the zone's clock: its civil date and time of day, read once per
 * anchor (the per-caller memo in tier-limit keeps it).
 */
export interface LocalAnchor {
  instant: number;
  year: number;
  month: number;
  day: number;
  secondOfDay: number;
}

export function localAnchor(zone: Zone | undefined, instant: number): LocalAnchor {
  const second = Math.floor(instant);
  const local = second + offsetAt(zone, second);
  const days = Math.floor(local / 86400);
  const { year, month } = civilFromDays(days);
  return { instant: second, year, month, day: days - daysFromCivil(year, month, 1) + 1, secondOfDay: local - days * 86400 };
}

/** Start of the anchored period `index` (months, or years when `yearly`) after the anchor's: day clamped to the month's length. */
function anchoredStart(zone: Zone | undefined, anchor: LocalAnchor, index: number, yearly: boolean): number {
  const months = anchor.year * 12 + anchor.month - 1 + (yearly ? index * 12 : index);
  const year = Math.floor(months / 12);
  const month = floorMod(months, 12) + 1;
  const length = daysInMonth(year, month);
  const day = anchor.day < length ? anchor.day : length;
  return instantOfLocal(zone, daysFromCivil(year, month, day) * 86400 + anchor.secondOfDay);
}

function anchoredBounds(zone: Zone | undefined, anchor: LocalAnchor, yearly: boolean, second: number): WindowBounds {
  const local = second + offsetAt(zone, second);
  const { year, month } = civilFromDays(Math.floor(local / 86400));
  const monthsSince = year * 12 + month - (anchor.year * 12 + anchor.month);
  let index = yearly ? Math.floor(monthsSince / 12) : monthsSince;
  // The estimate is off by at most one period (the anchor's day and time in that month).
  let start = anchoredStart(zone, anchor, index, yearly);
  while (start > second) {
    index--;
    start = anchoredStart(zone, anchor, index, yearly);
  }
  let end = anchoredStart(zone, anchor, index + 1, yearly);
  while (end <= second) {
    index++;
    start = end;
    end = anchoredStart(zone, anchor, index + 1, yearly);
  }
  return { start, end };
}

/**
 * The period of calendar window `window` (day, week, month, year) that contains `now`
 * on `zone`'s clock; month and year run on `anchor` when one is given.
 */
export function calendarBounds(zone: Zone | undefined, window: WindowName, now: number, anchor?: LocalAnchor): WindowBounds {
  const second = Math.floor(now);
  if (anchor !== undefined && isAnchoredWindow(window)) return anchoredBounds(zone, anchor, window === "year", second);
  const day = Math.floor((second + offsetAt(zone, second)) / 86400);
  let index = periodIndex(window, day);
  let start = dayStart(zone, firstDayOf(window, index));
  // A fall-back overlap at midnight can put `now` on either side of its local day's bounds.
  while (start > second) {
    index--;
    start = dayStart(zone, firstDayOf(window, index));
  }
  let end = dayStart(zone, firstDayOf(window, index + 1));
  while (end <= second) {
    index++;
    start = end;
    end = dayStart(zone, firstDayOf(window, index + 1));
  }
  return { start, end };
}
