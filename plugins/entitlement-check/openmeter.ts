/**
 * OpenMeter as a subscription source (`service.format: openmeter`). Pure: the hosts make
 * the calls (one per required feature) and hand the answers here.
 *
 * The API, from OpenMeter's published OpenAPI document (openmeterio/openmeter,
 * api/openapi.yaml, operation getEntitlementValue):
 *
 *   GET /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value
 *   200 EntitlementValue {hasAccess: boolean (required), balance?, usage?, overage?,
 *       totalAvailableGrantAmount? (numbers; "only available for metered entitlements"),
 *       config? (string; static entitlements)}
 *   404 no such subject or entitlement (application/problem+json)
 *   400, 401, 403, 412, 500, 503: errors
 *
 * The document marks this v1 subject endpoint deprecated in favour of
 * GET /api/v2/customers/{customerIdOrKey}/entitlements/{featureKey}/value (same
 * hasAccess / balance shape, EntitlementValueV2); the v1 path is the one asked for here.
 *
 * Mapping into a subscription (status active; the plan is inferred from the granted
 * features, as for Stripe, see decide.ts): a feature with hasAccess true is granted; a
 * metered one (it has a balance) with hasAccess false is exhausted, which decide.ts
 * answers with 402; a boolean or static one with hasAccess false, or a 404, is missing
 * (403). When every feature is a 404 the subject is unknown to OpenMeter: no
 * subscription. Any other status, or a 200 without a boolean hasAccess, is an error
 * (stale answer within cache.stale_ttl, else fail_open / 503), like the other contracts.
 */
import { isNull, isObject } from "../core/values";
import type { RequestFacts } from "../core/facts";
import type { AccessOutcome } from "../core/outcome";
import { evaluate } from "./decide";
import type { EntitlementCheckConfig } from "./schema";
import type { Lookup, Subscription } from "./subscription";

/** One call's result, as a host hands it over: the HTTP status and the decoded JSON body (undefined when not JSON). */
export interface ServiceAnswer {
  status: number;
  body: unknown;
}

/** The path (after the service URL's base path) that asks about `feature`; `escape` percent-encodes a path segment. */
export function openMeterPath(subject: string, feature: string, escape: (this: void, segment: string) => string): string {
  return `/api/v1/subjects/${escape(subject)}/entitlements/${escape(feature)}/value`;
}

/** The answers to the calls for `features` (same order) as one lookup. */
export function fromOpenMeter(features: readonly string[], answers: readonly ServiceAnswer[]): Lookup {
  const granted: string[] = [];
  const exhausted: string[] = [];
  let unknownEverywhere = true;
  for (let i = 0; i < features.length; i++) {
    const answer = answers[i];
    if (answer === undefined) return { kind: "unknown", reason: `no answer for feature '${features[i]}'` };
    if (answer.status === 404) continue;
    unknownEverywhere = false;
    if (answer.status !== 200) return { kind: "unknown", reason: `OpenMeter answered ${answer.status} for feature '${features[i]}'` };
    const body = answer.body;
    if (!isObject(body) || typeof body["hasAccess"] !== "boolean") return { kind: "unknown", reason: `OpenMeter's value of '${features[i]}' has no boolean hasAccess` };
    if (body["hasAccess"] === true) granted.push(features[i]!);
    else if (!isNull(body["balance"])) exhausted.push(features[i]!);
  }
  if (unknownEverywhere && features.length > 0) return { kind: "none" };
  granted.sort();
  exhausted.sort();
  const subscription: Subscription = { status: "active" };
  if (granted.length > 0) subscription.features = granted;
  if (exhausted.length > 0) subscription.exhausted = exhausted;
  return { kind: "found", subscription };
}

/** Vector helper: the decision for a request when OpenMeter answers `answers` for the route's required features. */
export function decideFromOpenMeter(conf: EntitlementCheckConfig, facts: RequestFacts, answers: ServiceAnswer[], now: number): AccessOutcome {
  return evaluate(conf, facts, fromOpenMeter(conf.required_features ?? [], answers), now);
}
