/**
 * A subscriber's current billing period [start, end), as entitlement-check learns it
 * (its service's answer, a signed webhook) and tier-limit reads it (anchor source
 * entitlement). The two plugins share it through a node-wide store: a lua_shared_dict
 * on Kong and APISIX (io/lua/billing-periods.ts), the plugin server's memory on
 * kong-pdk (io/node/billing-periods.ts). Stored as text "<start> <end>" (epoch
 * seconds; end may be absent) under "bp:<subject>", the subject being the one
 * entitlement-check asks its service about. Pure.
 */
import type { ConsumerFacts } from "./facts";
import { isNull } from "./values";

export interface BillingPeriod {
  /** Epoch seconds. */
  start: number;
  /** Epoch seconds; absent when the source said only when the period began. */
  end?: number;
}

/** The store key of `subject`'s period. */
export function periodKey(subject: string): string {
  return `bp:${subject}`;
}

export function encodePeriod(period: BillingPeriod): string {
  return period.end === undefined ? `${period.start}` : `${period.start} ${period.end}`;
}

/** The period `text` holds, or undefined when it is not "<start>" or "<start> <end>" with end > start. */
export function decodePeriod(text: string): BillingPeriod | undefined {
  const space = text.indexOf(" ");
  const start = Number(space === -1 ? text : text.substring(0, space));
  if (!Number.isFinite(start) || text === "") return undefined;
  if (space === -1) return { start: Math.floor(start) };
  const end = Number(text.substring(space + 1));
  if (!Number.isFinite(end) || end <= start) return undefined;
  return { start: Math.floor(start), end: Math.floor(end) };
}

/** Epoch seconds a period may carry: a finite number from 1970 on (and below 2^40). */
export function isPeriodInstant(value: unknown): value is number {
  return typeof value === "number" && value >= 0 && value < 1099511627776 && Math.floor(value) === value;
}

/** The period from a start and an end as a source gave them (numbers or absent), or undefined when they do not make one. */
export function periodOf(start: unknown, end: unknown): BillingPeriod | undefined {
  if (!isPeriodInstant(start)) return undefined;
  if (isNull(end)) return { start };
  if (!isPeriodInstant(end) || end <= start) return undefined;
  return { start, end };
}

/** Which consumer field names a subscriber: entitlement-check's service.subject, tier-limit's entitlement_subject. */
export function consumerSubject(consumer: ConsumerFacts, field: string): string | undefined {
  if (field === "custom_id") return consumer.custom_id;
  if (field === "id") return consumer.id;
  return consumer.username ?? consumer.id;
}
