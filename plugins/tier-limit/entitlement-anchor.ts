/**
 * tier-limit's anchor source entitlement: the billing period entitlement-check recorded
 * for the caller's subscription (core/billing-period.ts, io/billing-periods.ts).
 *
 * The period is authoritative: while now is in [start, end) it is the window as it is
 * (the month window for a period of up to a month, the year window for a longer one),
 * even where Stripe's own period is not a whole month (a trial, a reset anchor). The
 * other window runs on the period's start as an anchor (core/calendar.ts: whole months
 * or years, Stripe's rules). Once the period is over and no new answer came (now >=
 * end), the period's window is rolled on by whole months (years) from its start, so an
 * anchor on the 31st keeps its day; a period that was not whole (a trial) renews at its
 * end instead, as Stripe's next period begins there. With no period recorded the next source answers: the
 * first request of a subscriber on a node, which tier-limit sees before entitlement-
 * check has asked the service (tier-limit runs first), counts on the next source.
 *
 * Cost: a caller's period is read from the store (one shared dict get) at most once
 * per PERIOD_RECHECK_S per worker; in between, one table lookup. A new period (a
 * webhook, a new answer) is therefore seen within PERIOD_RECHECK_S.
 */
import { calendarBounds, localAnchor, longestPeriod, type LocalAnchor } from "../core/calendar";
import { consumerSubject, decodePeriod, periodKey } from "../core/billing-period";
import type { RequestFacts } from "../core/facts";
import type { Zone } from "../core/tzif";
import type { WindowBounds, WindowName } from "../core/windows";
import { periodStore } from "../io/billing-periods";

/** A recorded period as an anchor: its start on the zone's clock, its end, and which window it is. */
export interface PeriodAnchor extends LocalAnchor {
  end?: number;
  /** What an over period's window rolls on from: itself (whole months or years), else its end. */
  rollFrom?: LocalAnchor;
  /** month or year: the window the period stands for. */
  periodWindow: WindowName;
}

/** Seconds a worker keeps a caller's period before reading the store again. */
export const PERIOD_RECHECK_S = 1;
const PERIODS_MAX = 4096;

export interface EntitlementPeriods {
  dict: string;
  subjectField: string;
  /** Reads the store (the host's; vectors put a map here). */
  read: (this: void, dict: string, key: string) => string | undefined;
  /** Per subject: the anchor (false: none) and until when it holds. */
  bySubject: { [subject: string]: { anchor: PeriodAnchor | false; text: string | undefined; until: number } };
  size: number;
}

export function prepareEntitlementPeriods(dict: string, subjectField: string): EntitlementPeriods {
  return { dict, subjectField, read: periodStore().get, bySubject: {}, size: 0 };
}

function toAnchor(zone: Zone | undefined, text: string): PeriodAnchor | false {
  const period = decodePeriod(text);
  if (period === undefined) return false;
  const local = localAnchor(zone, period.start) as PeriodAnchor;
  local.end = period.end;
  local.periodWindow = period.end !== undefined && period.end - period.start > longestPeriod(zone, "month") ? "year" : "month";
  if (period.end !== undefined) {
    const whole = calendarBounds(zone, local.periodWindow, period.start, local).end === period.end;
    local.rollFrom = whole ? local : localAnchor(zone, period.end);
  }
  return local;
}

/**
 * The caller's recorded period as an anchor, or undefined. The same recorded text
 * gives the same object, so tier-limit's per-caller memo (decide.ts) compares by identity.
 */
export function entitlementAnchor(periods: EntitlementPeriods, zone: Zone | undefined, facts: RequestFacts, now: number): PeriodAnchor | undefined {
  const consumer = facts.consumer;
  if (consumer === undefined) return undefined;
  const subject = consumerSubject(consumer, periods.subjectField);
  if (subject === undefined) return undefined;
  let known = periods.bySubject[subject];
  if (known === undefined || now >= known.until) {
    const text = periods.read(periods.dict, periodKey(subject));
    // An unchanged period keeps its object (and the memo its checks).
    const anchor = known !== undefined && known.text === text ? known.anchor : text === undefined ? false : toAnchor(zone, text);
    if (known === undefined) {
      if (periods.size >= PERIODS_MAX) {
        periods.bySubject = {};
        periods.size = 0;
      }
      periods.size++;
    }
    known = { anchor, text, until: now + PERIOD_RECHECK_S };
    periods.bySubject[subject] = known;
  }
  return known.anchor === false ? undefined : known.anchor;
}

/**
 * The period of calendar window `window` holding `now` for a caller anchored at
 * `anchor`: a recorded period's own bounds while they hold `now` (see the header),
 * else core/calendar.ts.
 */
export function callerBounds(zone: Zone | undefined, window: WindowName, now: number, anchor: LocalAnchor | undefined): WindowBounds {
  const period = anchor as PeriodAnchor | undefined;
  if (period !== undefined && period.end !== undefined && period.periodWindow === window && now >= period.instant) {
    if (now < period.end) return { start: period.instant, end: period.end };
    return calendarBounds(zone, window, now, period.rollFrom);
  }
  return calendarBounds(zone, window, now, anchor);
}
