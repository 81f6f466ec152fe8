/**
 * Rate-limit windows on the UTC calendar, as pure arithmetic on epoch seconds (no
 * Date, no os.date) so Node and LuaJIT agree to the second.
 *
 * second, minute, hour and day are fixed lengths aligned to the epoch (as Kong's
 * rate-limiting aligns them); week is the ISO week (Monday 00:00 UTC to the next
 * Monday); month runs from the first of a calendar month, 00:00 UTC, to the first of
 * the next; year from January 1 to January 1. Local-time and billing-anchored periods
 * are core/calendar.ts's.
 */

export type WindowName = "second" | "minute" | "hour" | "day" | "week" | "month" | "year";

/** Every window, shortest first: the order limits are checked and reported in. */
export const WINDOW_NAMES: readonly WindowName[] = ["second", "minute", "hour", "day", "week", "month", "year"];

/** Length in seconds of a window of fixed length from the epoch; 0 for week, month and year (calendar-aligned). */
export function fixedWindowLength(name: WindowName): number {
  if (name === "second") return 1;
  if (name === "minute") return 60;
  if (name === "hour") return 3600;
  if (name === "day") return 86400;
  return 0;
}

export interface WindowBounds {
  /** First second of the window (epoch seconds, inclusive). */
  start: number;
  /** First second after the window (epoch seconds, exclusive). */
  end: number;
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian); month 1–12. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Civil year and month (1–12) of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month };
}

/** The window of kind `name` that contains `now` (epoch seconds, fractions allowed). */
export function windowBounds(name: WindowName, now: number): WindowBounds {
  const second = Math.floor(now);
  if (name === "week") {
    // 1970-01-01 was a Thursday: Monday is 3 days before it.
    const days = Math.floor(second / 86400);
    const start = (days - ((((days + 3) % 7) + 7) % 7)) * 86400;
    return { start, end: start + 7 * 86400 };
  }
  if (name === "year") {
    const { year } = civilFromDays(Math.floor(second / 86400));
    return { start: daysFromCivil(year, 1, 1) * 86400, end: daysFromCivil(year + 1, 1, 1) * 86400 };
  }
  if (name === "month") {
    const { year, month } = civilFromDays(Math.floor(second / 86400));
    const start = daysFromCivil(year, month, 1) * 86400;
    const end = month === 12 ? daysFromCivil(year + 1, 1, 1) * 86400 : daysFromCivil(year, month + 1, 1) * 86400;
    return { start, end };
  }
  const length = fixedWindowLength(name);
  const start = second - (second % length);
  return { start, end: start + length };
}
