/**
 * tier-limit's calendar settings: the zone whose local midnight starts days, weeks,
 * months and years, and where a subscriber's billing anchor comes from (month and year
 * windows then run on it: core/calendar.ts). Spread into the schema's fields; the
 * check runs with the schema's own.
 */
import { parseIsoTime } from "../feature-toggle/parse";
import { array, string } from "../core/schema";
import { zoneProblem } from "../io/zoneinfo";

/** Where a caller's billing anchor can come from, tried in the configured order. */
export const ANCHOR_SOURCES = ["consumer", "config"] as const;

export const CALENDAR_FIELDS = {
  timezone: string({
    description:
      "IANA time zone (America/New_York, Europe/Berlin, …) whose local midnight starts day, week, month and year windows, across daylight-saving changes; read from the gateway's /usr/share/zoneinfo at config load. Unset: UTC.",
    minLength: 1,
  }),
  anchor_sources: array({
    description:
      "Where a caller's billing anchor comes from, first hit wins: consumer (Kong tag billing_anchor:<RFC 3339>, APISIX label billing_anchor), config (billing_anchor). With an anchor, month and year windows run from it (Stripe's billing_cycle_anchor: the 31st renews on the last day of shorter months); without one, on the calendar. Unset: calendar only.",
    elements: string({ description: "An anchor source.", oneOf: ANCHOR_SOURCES }),
  }),
  billing_anchor: string({
    description: "Billing anchor of every caller (source config), RFC 3339, e.g. 2026-01-31T09:30:00Z.",
    minLength: 1,
  }),
};

/**
 * An RFC 3339 date-time as epoch seconds: date, time and offset all required (a date
 * alone or a time without its offset would depend on a zone); else undefined.
 */
export function parseAnchor(text: string): number | undefined {
  if (text.length < 20) return undefined;
  const ms = parseIsoTime(text);
  if (ms === undefined) return undefined;
  const last = text.charAt(text.length - 1);
  const hasOffset = last === "Z" || last === "z" || text.charAt(text.length - 6) === "+" || text.charAt(text.length - 6) === "-";
  return hasOffset ? Math.floor(ms / 1000) : undefined;
}

/** The calendar fields' cross-field rules, for the schema's check. */
export function calendarProblem(conf: { [key: string]: unknown }): string | undefined {
  const zone = conf["timezone"];
  if (typeof zone === "string") {
    const problem = zoneProblem(zone);
    if (problem !== undefined) return `timezone: ${problem}`;
  }
  const anchor = conf["billing_anchor"];
  if (typeof anchor === "string" && parseAnchor(anchor) === undefined) {
    return `billing_anchor: '${anchor}' is not an RFC 3339 date-time with an offset`;
  }
  const sources = (conf["anchor_sources"] as string[] | undefined) ?? [];
  for (const source of sources) {
    if (source === "config" && anchor === undefined) return "billing_anchor: required when anchor_sources has config";
  }
  return undefined;
}
