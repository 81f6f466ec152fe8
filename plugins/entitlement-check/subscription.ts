/**
 * What is known about a caller's subscription, and the mappers from a remote
 * entitlement service's answer to it. Pure: the HTTP call and JSON decoding happen
 * in the host's I/O layer, which hands the decoded body here.
 *
 * tollgate's contract (format "tollgate"), `GET <service.url>/<subject>`:
 *   200 {"plan": "premium", "status": "active", "current_period_end": 1767225600,
 *        "features": ["reports", "export"]}
 *       plan: string (optional when features say it all); status: one of
 *       active, trialing, past_due, paused, canceled, unpaid, incomplete (default
 *       active); current_period_end: epoch seconds (optional); features: extra
 *       features beyond the plan's (optional).
 *   404 the subject has no subscription (cached for cache.negative_ttl)
 *   anything else: an error (stale answer within cache.stale_ttl, else fail_open/503)
 *
 * Stripe's active-entitlements list (format "stripe"), as returned by
 * `GET /v1/entitlements/active_entitlements?customer=…`:
 *   200 {"object": "list", "data": [{"object": "entitlements.active_entitlement",
 *        "id": "ent_…", "feature": "feat_…", "lookup_key": "reports", "livemode": false}],
 *        "has_more": false, "url": "/v1/entitlements/active_entitlements"}
 *   Each lookup_key is a feature; the status is active (Stripe lists only active
 *   entitlements); the plan is the highest catalog plan whose features are all
 *   entitled (see decide.ts).
 */
import { isList, isNull, isObject } from "../core/values";
import { SUBSCRIPTION_STATUSES } from "./schema";

export interface Subscription {
  plan?: string;
  status: string;
  /** Epoch seconds. */
  period_end?: number;
  features?: string[];
  /** Metered features whose balance is used up (OpenMeter): a request requiring one gets 402. */
  exhausted?: string[];
}

export type Lookup =
  | { kind: "found"; subscription: Subscription }
  /** The source knows the caller has no subscription. */
  | { kind: "none" }
  /** Nothing could be learned (service failing, nothing cached). */
  | { kind: "unknown"; reason: string };

function knownStatus(status: string): boolean {
  for (const s of SUBSCRIPTION_STATUSES) if (s === status) return true;
  return false;
}

function stringList(value: unknown): string[] | undefined {
  if (!isList(value)) return undefined;
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== "string") return undefined;
    out.push(item);
  }
  return out;
}

function fromTollgate(body: unknown): Lookup {
  if (!isObject(body)) return { kind: "unknown", reason: "response body is not a JSON object" };
  const plan = body["plan"];
  const status = isNull(body["status"]) ? "active" : body["status"];
  const periodEnd = body["current_period_end"];
  if (!isNull(plan) && (typeof plan !== "string" || plan === "")) return { kind: "unknown", reason: "plan is not a string" };
  if (typeof status !== "string" || !knownStatus(status)) return { kind: "unknown", reason: `unknown status '${String(status)}'` };
  if (!isNull(periodEnd) && typeof periodEnd !== "number") return { kind: "unknown", reason: "current_period_end is not a number" };
  let features: string[] | undefined;
  if (!isNull(body["features"])) {
    features = stringList(body["features"]);
    if (features === undefined) return { kind: "unknown", reason: "features is not a list of strings" };
  }
  const subscription: Subscription = { status };
  if (typeof plan === "string") subscription.plan = plan;
  if (typeof periodEnd === "number") subscription.period_end = periodEnd;
  if (features !== undefined && features.length > 0) subscription.features = features;
  return { kind: "found", subscription };
}

function fromStripe(body: unknown): Lookup {
  if (!isObject(body) || body["object"] !== "list") return { kind: "unknown", reason: "not a Stripe list object" };
  const data = body["data"];
  if (!isList(data)) return { kind: "unknown", reason: "data is not a list" };
  const features: string[] = [];
  for (const item of data) {
    if (!isObject(item) || item["object"] !== "entitlements.active_entitlement") {
      return { kind: "unknown", reason: "data holds something other than entitlements.active_entitlement" };
    }
    const key = item["lookup_key"];
    if (typeof key !== "string" || key === "") return { kind: "unknown", reason: "an active entitlement has no lookup_key" };
    features.push(key);
  }
  features.sort();
  const subscription: Subscription = { status: "active" };
  if (features.length > 0) subscription.features = features;
  return { kind: "found", subscription };
}

/** Maps an HTTP status and decoded JSON body (undefined or null when it was not JSON) to a lookup. */
export function mapServiceResponse(format: string, httpStatus: number, body: unknown): Lookup {
  if (httpStatus === 404) return { kind: "none" };
  if (httpStatus !== 200) return { kind: "unknown", reason: `entitlement service answered ${httpStatus}` };
  if (isNull(body)) return { kind: "unknown", reason: "response body is not JSON" };
  return format === "stripe" ? fromStripe(body) : fromTollgate(body);
}
