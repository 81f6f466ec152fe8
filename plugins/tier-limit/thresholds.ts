/**
 * Threshold events, sans IO: which thresholds (percent of a window's limit) a request's
 * count crossed, and the CloudEvent that says so.
 *
 * A threshold t of a window with limit L is crossed by the request whose count went from
 * `before` to `after` with before < t% of L <= after (`after` is what the store reported
 * with this request's cost; the sliding algorithm's estimate for sliding windows, the
 * counter for fixed ones). Only admitted requests are tested: a refused request's cost
 * is taken back (local) or never applied (Redis), so it crosses nothing. A request that
 * jumps several thresholds crosses each, in ascending order.
 *
 * "Once per subject × window × threshold" is the IO side's claim (lua/thresholds.ts): a
 * key per crossing, added to a shared dict or SET NX in Redis until the window ends. The
 * test here only picks the requests that must try a claim, so that an admitted request
 * below every threshold (the common case) costs one comparison per window.
 */
import type { ConsumerFacts } from "../core/facts";
import type { WindowName } from "../core/windows";
import { escaped, rfc3339, type UsageEvent } from "../kafka-usage/event";
import { previousWeight, type CounterCheck, type Counts } from "./decide";
import { sortedThresholds } from "./thresholds-schema";

/** The thresholds (ascending) a count crossed going from `before` to `after`, in that order. */
export function crossedThresholds(thresholds: readonly number[], limit: number, before: number, after: number): number[] {
  const crossed: number[] = [];
  for (const percent of thresholds) {
    const at = (percent * limit) / 100;
    if (before < at && after >= at) crossed.push(percent);
  }
  return crossed;
}

/** One threshold one request crossed in one window. */
export interface ThresholdCrossing {
  /** Unique per counter (scope, subject, tier, method, window and its start) and threshold: the claim's key and the event's id. */
  key: string;
  percent: number;
  window: WindowName;
  limit: number;
  /** The count with this request (rounded up, for a sliding window's estimate). */
  used: number;
  /** Epoch seconds. */
  windowStart: number;
  windowEnd: number;
}

function windowCrossings(
  found: ThresholdCrossing[] | undefined,
  thresholds: readonly number[],
  entry: CounterCheck,
  i: number,
  counts: Counts,
  cost: number,
  now: number,
): ThresholdCrossing[] | undefined {
  const limit = entry.spec.limit;
  const current = counts.current[i] ?? 0;
  const after = entry.sliding ? (counts.previous[i] ?? 0) * previousWeight(entry, now) + current : current;
  // The common case: below the lowest threshold, nothing to do.
  if (after * 100 < thresholds[0]! * limit) return found;
  for (const percent of crossedThresholds(thresholds, limit, after - cost, after)) {
    found ??= [];
    found.push({
      key: `${entry.key}:${percent}`,
      percent,
      window: entry.spec.window,
      limit,
      used: Math.ceil(after),
      windowStart: entry.windowStart,
      windowEnd: entry.resetAt,
    });
  }
  return found;
}

/**
 * The crossings of an admitted request, window by window (shortest first), or undefined
 * when it crossed none. `thresholds` must be sortedThresholds' (non-empty).
 */
export function findCrossings(
  thresholds: readonly number[],
  checks: readonly CounterCheck[],
  counts: Counts,
  cost: number,
  now: number,
): ThresholdCrossing[] | undefined {
  let found: ThresholdCrossing[] | undefined;
  // The first two windows without a loop (see decide.ts planAccess).
  const count = checks.length;
  if (count > 0) found = windowCrossings(found, thresholds, checks[0]!, 0, counts, cost, now);
  if (count > 1) found = windowCrossings(found, thresholds, checks[1]!, 1, counts, cost, now);
  for (let i = 2; i < count; i++) found = windowCrossings(found, thresholds, checks[i]!, i, counts, cost, now);
  return found;
}

/**
 * What a sequence of requests on one counter emits, with the claims a store keeps: per
 * request, the thresholds it emits. `count` is what the store reported with the
 * request's cost; a refused request (allowed false) emits nothing. Models the Lua and
 * kong-pdk flow for test vectors (a count that falls — a refund, a sliding estimate
 * decaying — and rises again re-crosses nothing already claimed).
 */
export function thresholdSequence(thresholds: readonly number[], limit: number, requests: { count: number; cost: number; allowed: boolean }[]): number[][] {
  const sorted = sortedThresholds(thresholds);
  const claimed: { [percent: number]: boolean } = {};
  const emitted: number[][] = [];
  for (const request of requests) {
    const now: number[] = [];
    if (request.allowed) {
      for (const percent of crossedThresholds(sorted, limit, request.count - request.cost, request.count)) {
        if (claimed[percent] === true) continue;
        claimed[percent] = true;
        now.push(percent);
      }
    }
    emitted.push(now);
  }
  return emitted;
}

/** The subject a threshold event names: the consumer's custom_id, else username, else id; an anonymous caller by address. */
export function thresholdSubject(consumer: ConsumerFacts | undefined, clientIp: string | undefined): string {
  // Falsy rather than undefined: a vector passes JSON null for "no consumer".
  if (!consumer) return `ip:${clientIp ?? "unknown"}`;
  const named = consumer.custom_id ?? consumer.username;
  return named !== undefined && named !== "" ? named : consumer.id;
}

export interface ThresholdData {
  subject: string;
  tier: string;
  window: WindowName;
  limit: number;
  used: number;
  percent: number;
  window_start: string;
  window_end: string;
}

/** A CloudEvent as kafka-usage's usage events are, with threshold data. */
export type ThresholdEvent = Omit<UsageEvent, "data"> & { data: ThresholdData };

/** The CloudEvent of a crossing; `nowMs` is when it was found (epoch ms). */
export function buildThresholdEvent(
  settings: { type: string; source: string },
  crossing: ThresholdCrossing,
  subject: string,
  tier: string,
  nowMs: number,
): ThresholdEvent {
  return {
    specversion: "1.0",
    id: crossing.key,
    source: settings.source,
    type: settings.type,
    subject,
    time: rfc3339(nowMs),
    datacontenttype: "application/json",
    data: {
      subject,
      tier,
      window: crossing.window,
      limit: crossing.limit,
      used: crossing.used,
      percent: crossing.percent,
      window_start: rfc3339(crossing.windowStart * 1000),
      window_end: rfc3339(crossing.windowEnd * 1000),
    },
  };
}

/**
 * The event as JSON, keys in the order above: the same bytes in both runtimes, valid
 * UTF-8 whatever the subject's bytes (kafka-usage/event.ts escaped, through core/utf8.ts).
 */
export function encodeThresholdEvent(event: ThresholdEvent): string {
  const d = event.data;
  const subject = escaped(event.subject);
  return (
    `{"specversion":"1.0","id":"${escaped(event.id)}","source":"${escaped(event.source)}","type":"${escaped(event.type)}",` +
    `"subject":"${subject}","time":"${event.time}","datacontenttype":"application/json",` +
    `"data":{"subject":"${subject}","tier":"${escaped(d.tier)}","window":"${d.window}","limit":${d.limit},"used":${d.used},` +
    `"percent":${d.percent},"window_start":"${d.window_start}","window_end":"${d.window_end}"}}`
  );
}

/** buildThresholdEvent then encodeThresholdEvent, for test vectors. */
export function thresholdEventJson(
  settings: { type: string; source: string },
  crossing: ThresholdCrossing,
  subject: string,
  tier: string,
  nowMs: number,
): string {
  return encodeThresholdEvent(buildThresholdEvent(settings, crossing, subject, tier, nowMs));
}
