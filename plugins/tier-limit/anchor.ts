/**
 * tier-limit's calendar, prepared once per config (the zone's rules, the fixed anchor),
 * and each caller's billing anchor, found per request from the configured sources.
 */
import { calendarBounds, localAnchor, type LocalAnchor } from "../core/calendar";
import { consumerAttribute, type RequestFacts } from "../core/facts";
import { offsetAt, type Zone } from "../core/tzif";
import type { WindowBounds, WindowName } from "../core/windows";
import { loadZone } from "../io/zoneinfo";
import { parseAnchor } from "./calendar-fields";
import type { TierLimitConfig } from "./schema";

export interface PreparedCalendar {
  /** The configured zone's rules; undefined: UTC. */
  zone?: Zone;
  /** Whether the first anchor source is consumer and the second config (the only orders there are). */
  consumerFirst: boolean;
  fromConsumer: boolean;
  /** The config's billing_anchor on the zone's clock, when source config is on. */
  fixed?: LocalAnchor;
  /** Consumers' anchors by tag text, read once (at most ANCHORS_MAX, then started over). */
  byText: { [text: string]: LocalAnchor | false };
  size: number;
}

const ANCHORS_MAX = 4096;

export function prepareCalendar(conf: TierLimitConfig): PreparedCalendar {
  // The schema check loaded the zone already; a zone that has gone since is UTC here and logged by no one, so check stays the gate.
  const zone = conf.timezone === undefined ? undefined : loadZone(conf.timezone).zone;
  const sources = conf.anchor_sources ?? [];
  let fromConsumer = false;
  let fixed: LocalAnchor | undefined;
  for (const source of sources) {
    if (source === "consumer") fromConsumer = true;
    if (source === "config" && conf.billing_anchor !== undefined) {
      const instant = parseAnchor(conf.billing_anchor);
      if (instant !== undefined) fixed = localAnchor(zone, instant);
    }
  }
  return { zone, consumerFirst: sources[0] === "consumer", fromConsumer, fixed, byText: {}, size: 0 };
}

function consumerAnchor(calendar: PreparedCalendar, facts: RequestFacts): LocalAnchor | undefined {
  const consumer = facts.consumer;
  if (consumer === undefined) return undefined;
  const text = consumerAttribute(consumer, "billing_anchor");
  if (text === undefined) return undefined;
  let anchor = calendar.byText[text];
  if (anchor === undefined) {
    const instant = parseAnchor(text);
    anchor = instant === undefined ? false : localAnchor(calendar.zone, instant);
    if (calendar.size >= ANCHORS_MAX) {
      calendar.byText = {};
      calendar.size = 0;
    }
    calendar.byText[text] = anchor;
    calendar.size++;
  }
  return anchor === false ? undefined : anchor;
}

/**
 * The caller's billing anchor: the first configured source that has one (a consumer
 * whose tag is not RFC 3339 has none), or undefined (calendar periods). The same
 * anchor text gives the same object, so the per-caller memo can compare by identity.
 */
export function callerAnchor(calendar: PreparedCalendar, facts: RequestFacts): LocalAnchor | undefined {
  if (calendar.fromConsumer) {
    if (calendar.consumerFirst || calendar.fixed === undefined) return consumerAnchor(calendar, facts) ?? calendar.fixed;
    return calendar.fixed;
  }
  return calendar.fixed;
}

/** For test vectors: the period of `window` holding `now` on `timezone`'s clock (calendar). */
export function zonedPeriod(timezone: string, window: WindowName, now: number): WindowBounds {
  return calendarBounds(loadZone(timezone).zone, window, now);
}

/** For test vectors: the period of `window` holding `now` for a caller anchored at `anchor` (RFC 3339). */
export function anchoredPeriod(timezone: string, window: WindowName, now: number, anchor: string): WindowBounds | undefined {
  const zone = loadZone(timezone).zone;
  const instant = parseAnchor(anchor);
  return instant === undefined ? undefined : calendarBounds(zone, window, now, localAnchor(zone, instant));
}

/** For test vectors: the UT offset (seconds east) of `timezone` at `t`, or the zone's problem. */
export function zoneOffset(timezone: string, t: number): number | string {
  const loaded = loadZone(timezone);
  return loaded.problem ?? offsetAt(loaded.zone, t);
}
