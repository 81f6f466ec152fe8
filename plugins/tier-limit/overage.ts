/**
 * Soft limits: a tier's window listed in `overage` lets requests beyond its limit
 * through, up to `max_overage` more when that is set, instead of refusing them. The
 * limit stays what the headers and the quota report; what a store compares against
 * becomes the admit bound (limit + max_overage). A request past the limit is an
 * overage request: marked for the client (X-RateLimit-Overage-<Window>: how many over),
 * for the upstream (overage_header: the windows) and for kafka-usage's event
 * (AccessOutcome.overage), so billing can charge it.
 */
import type { AccessOutcome } from "../core/outcome";
import { array, integer, map, string } from "../core/schema";
import { WINDOW_NAMES } from "../core/windows";
import type { PreparedTierLimit } from "./prepare";
import type { TierLimitConfig } from "./schema";

/** The admit bound of a soft window without max_overage: beyond any count a window reaches. */
export const OVERAGE_UNCAPPED = 1e15;

const MAX_OVERAGE = 1_000_000_000;

/** A tier's soft-limit fields (schema.ts puts them next to `limits`). */
export const tierOverageFields = {
  overage: array({
    description:
      "Windows of this tier whose limit is soft: requests beyond it pass, marked as overage (X-RateLimit-Overage-<Window>, overage_header, the usage event), instead of the error.",
    elements: string({ description: "A window.", oneOf: WINDOW_NAMES }),
  }),
  max_overage: map({
    description: "Per overage window, how many requests beyond the limit pass; past that the error. Unset: no cap.",
    keys: string({ description: "A window listed in overage.", oneOf: WINDOW_NAMES }),
    values: integer({ description: "Requests beyond the limit.", min: 0, max: MAX_OVERAGE }),
  }),
};

/** The config-level soft-limit field (schema.ts puts it next to tier_header). */
export const overageHeaderField = {
  overage_header: string({
    description:
      "Request header that tells the upstream a request is overage: the windows over their limit, e.g. month (a client-sent copy is removed first, when a tier has overage).",
    default: "X-API-Overage",
    minLength: 1,
  }),
};

function listed(list: readonly unknown[] | undefined, value: string): boolean {
  if (list === undefined) return false;
  for (const item of list) if (item === value) return true;
  return false;
}

/** What is wrong with a tier's overage fields, naming the field; undefined when nothing. */
export function overageProblem(tier: { [key: string]: unknown }): string | undefined {
  const overage = tier["overage"] as string[] | undefined;
  const caps = tier["max_overage"] as { [window: string]: number } | undefined;
  if (caps !== undefined) {
    for (const window in caps) if (!listed(overage, window)) return `max_overage.${window}: '${window}' is not listed in overage`;
  }
  if (overage === undefined) return undefined;
  const limits = (tier["limits"] ?? {}) as { [method: string]: { [window: string]: unknown } };
  for (let i = 0; i < overage.length; i++) {
    const window = overage[i]!;
    let limited = false;
    for (const method in limits) if (limits[method]![window] !== undefined) limited = true;
    if (!limited) return `overage.${i + 1}: '${window}' has no limit in this tier`;
  }
  return undefined;
}

/** A soft window's settings, as PreparedWindow.overage keeps them. */
export interface SoftLimit {
  /** The count a store still admits: limit + max_overage, or OVERAGE_UNCAPPED. */
  admit: number;
  /** The client header that says by how much a request is over ("X-RateLimit-Overage-Month"). */
  header: string;
}

/** The soft-limit settings of `window` in a tier with `limit`, or undefined when the window is a hard limit. */
export function softLimit(
  tier: { overage?: readonly string[]; max_overage?: { readonly [window: string]: number } },
  window: string,
  limit: number,
  headerSuffix: string,
): SoftLimit | undefined {
  if (!listed(tier.overage, window)) return undefined;
  const cap = tier.max_overage?.[window];
  return { admit: cap === undefined ? OVERAGE_UNCAPPED : limit + cap, header: `X-RateLimit-Overage-${headerSuffix}` };
}

/** Whether any tier of the config has a soft window (then overage_header is ours to strip). */
export function hasOverage(tiers: { readonly [name: string]: { overage?: readonly string[] } }): boolean {
  for (const name in tiers) {
    const overage = tiers[name]!.overage;
    if (overage !== undefined && overage.length > 0) return true;
  }
  return false;
}

/**
 * How far past its limit a window's estimate is (a whole number of requests, rounded
 * up: a sliding estimate of 100.3 against 100 is one request over); 0 when within it.
 */
export function overBy(estimate: number, limit: number): number {
  return estimate > limit ? Math.ceil(estimate - limit) : 0;
}

/**
 * The upstream headers of an overage request on `tier`: the tier's own, plus
 * overage_header naming the windows. Built once per tier and list of windows (a
 * handful per config), never mutated.
 */
function overageUpstream(
  byTier: { [tier: string]: { [windows: string]: { [name: string]: string } } },
  tierHeaders: { readonly [name: string]: string },
  tier: string,
  windows: string,
  overageHeader: string,
): { [name: string]: string } {
  let byWindows = byTier[tier];
  if (byWindows === undefined) {
    byWindows = {};
    byTier[tier] = byWindows;
  }
  let headers = byWindows[windows];
  if (headers === undefined) {
    headers = {};
    for (const name in tierHeaders) headers[name] = tierHeaders[name]!;
    headers[overageHeader] = windows;
    byWindows[windows] = headers;
  }
  return headers;
}

/**
 * Marks an admitted request's outcome as overage: upstream headers with overage_header,
 * and the windows for kafka-usage's event (AccessOutcome.overage, kept as
 * tollgate_overage). Shared by the Lua and kong-pdk access steps.
 */
export function markOverage(conf: TierLimitConfig, prepared: PreparedTierLimit, outcome: AccessOutcome, windows: string): void {
  const tier = outcome.tier!;
  outcome.upstream = overageUpstream(prepared.overageUpstream, prepared.upstreamFor[tier]!, tier, windows, conf.overage_header);
  outcome.overage = windows;
}
