/**
 * What a plugin's access step asks its host to do. Every plugin returns this one
 * shape, and each host adapter applies it with its own API (Kong PDK, apisix.core,
 * kong-pdk), so the logic never touches a response.
 */

/** End the request now with this status and JSON body. */
export interface Rejection {
  status: number;
  body: { [key: string]: unknown };
  headers: { [name: string]: string };
}

export interface AccessOutcome {
  /**
   * Request headers removed before anything is forwarded (client-sent copies of
   * ours). A name also in `upstream` is replaced by that value instead.
   */
  clearUpstream?: readonly string[];
  /** Request headers set for the upstream. */
  upstream?: { [name: string]: string };
  /** Response headers for the client. */
  response?: { [name: string]: string };
  /** When set, the request ends here. */
  rejection?: Rejection;
  /** Something the operator should see in the error log (the request was not failed for it). */
  warning?: string;
  /**
   * What the plugin decided about the caller, kept with the request for its usage event
   * (kafka-usage): the tier (tier-limit), the plan (entitlement-check), the enabled
   * features as forwarded upstream (feature-toggle). Adapters record them, rejected or not,
   * in Kong's kong.ctx.shared / APISIX's ctx as tollgate_tier, tollgate_plan, tollgate_features.
   */
  tier?: string;
  plan?: string;
  features?: string;
  /** An admitted request past a soft limit (tier-limit overage): its windows, e.g. "month"; as tollgate_overage. */
  overage?: string;
}

/**
 * The request headers an adapter must remove: `clearUpstream`, except names that
 * `upstream` sets anyway (setting replaces a client-sent value; a second header
 * operation would only cost time). On a rejection nothing is forwarded, but the
 * headers are still cleared so later phases and logs never see a client's copy.
 */
export function headersToClear(outcome: AccessOutcome): readonly string[] {
  const names = outcome.clearUpstream;
  if (names === undefined) return NONE;
  const upstream = outcome.upstream;
  if (outcome.rejection !== undefined || upstream === undefined) return names;
  // One or two names is every plugin's case, checked without a loop: a loop that runs
  // once or twice per request makes LuaJIT abort the traces through it, and then
  // blacklist the adapter that calls this (see hosts/lua/each.ts).
  if (names.length === 1) return upstream[names[0]!] !== undefined ? NONE : names;
  if (names.length === 2) {
    const first = upstream[names[0]!] === undefined;
    const second = upstream[names[1]!] === undefined;
    if (first && second) return names;
    if (first) return [names[0]!];
    return second ? [names[1]!] : NONE;
  }
  let kept: string[] | undefined;
  for (const name of names) {
    if (upstream[name] !== undefined) continue;
    kept ??= [];
    kept.push(name);
  }
  return kept ?? NONE;
}

const NONE: readonly string[] = [];
