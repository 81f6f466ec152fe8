/**
 * entitlement-check's decisions, sans IO. A host adapter calls, per request:
 *
 *   1. planSubscription(conf, facts)     the subscription from config, or the subject
 *                                        to look up in the entitlement service
 *   2. (I/O) the cache, then the service (see io/lua/cache.ts, io/lua/http.ts)
 *   3. decideEntitlement(conf, facts, lookup, now)   pass with upstream headers, or
 *                                        401 / 402 / 403 / 503
 *
 * Status rules: active and trialing are in good standing; past_due keeps its
 * entitlements until period_end + grace_period (without a period_end, the grace
 * cannot run out); paused, canceled, unpaid and incomplete answer 402.
 *
 * Requirement: required_plans (any one, or a plan that includes it) and
 * required_features (all) when configured; with neither, the route must match one
 * of the caller's plan's route patterns when the catalog declares any; otherwise a
 * subscription in good standing suffices.
 */
import { consumerAttribute, type ConsumerFacts, type FactNeeds, type RequestFacts } from "../core/facts";
import { LogThrottle } from "../core/log-throttle";
import { FAILURE_BACKOFF_S } from "../io/failure-backoff";
import type { AccessOutcome, Rejection } from "../core/outcome";
import { resolveCatalog, routeMatches, type ResolvedPlan } from "./catalog";
import type { EntitlementCheckConfig, SubscriptionSource } from "./schema";
import type { Lookup, Subscription } from "./subscription";

export interface PreparedEntitlementCheck {
  plans: { [name: string]: ResolvedPlan };
  /** Plans sorted cheapest first (fewest includes, then name). */
  ordered: ResolvedPlan[];
  /** Each plan's features, comma-joined (the features header value). */
  featureHeaders: { [plan: string]: string };
  /** Some plan declares route patterns. */
  hasRoutes: boolean;
  needs: FactNeeds;
  /** Headers removed from the client's request before anything is forwarded. */
  clearUpstream: string[];
  serviceErrors: LogThrottle;
  /**
   * What the config's own sources say, built once so that a request allocates nothing
   * for them (garbage collection is most of a small plugin's cost): the subscriptions
   * map as "known" plans, and the plans consumer tags name (filled as they are seen).
   */
  fromMap: { [consumer: string]: SubscriptionPlan };
  fromTag: { [plan: string]: SubscriptionPlan };
  /**
   * Pass outcomes by plan and status, for subscriptions without extra features: the
   * outcome is then a function of those two (and the config), so it is built once and
   * shared, unchanged, by their requests. Bounded: catalog plans × passing statuses.
   */
  passByPlan: { [plan: string]: { [status: string]: AccessOutcome } };
}

const preparedByConfig = new WeakMap<EntitlementCheckConfig, PreparedEntitlementCheck>();

export function prepare(conf: EntitlementCheckConfig): PreparedEntitlementCheck {
  // The per-request lookup is a function of its own: the builder below makes closures,
  // and a return from a function that makes closures is a bytecode (UCLO) LuaJIT cannot
  // compile, which kept every request's trace from compiling.
  return preparedByConfig.get(conf) ?? buildPrepared(conf);
}

function buildPrepared(conf: EntitlementCheckConfig): PreparedEntitlementCheck {
  const plans = resolveCatalog(conf.plans);
  const ordered: ResolvedPlan[] = [];
  const featureHeaders: { [plan: string]: string } = {};
  let hasRoutes = false;
  for (const name in plans) {
    featureHeaders[name] = plans[name]!.features.join(",");
    ordered.push(plans[name]!);
    if (plans[name]!.routes.length > 0) hasRoutes = true;
  }
  ordered.sort((a, b) => (a.rank !== b.rank ? a.rank - b.rank : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const byRoute = hasRoutes && conf.required_features === undefined && conf.required_plans === undefined;
  const prepared: PreparedEntitlementCheck = {
    plans,
    ordered,
    featureHeaders,
    hasRoutes,
    needs: { headers: [], jwtClaims: false, clientIp: false, credential: false, routeAndService: false, path: byRoute },
    clearUpstream: conf.status_header === undefined ? [conf.plan_header, conf.features_header] : [conf.plan_header, conf.features_header, conf.status_header],
    // Gated per service: configs asking one service report its failure once per interval.
    serviceErrors: new LogThrottle(conf.error_log_interval, `entitlement-check:service:${conf.service.url ?? ""}`),
    fromMap: {},
    fromTag: {},
    passByPlan: {},
  };
  for (const consumer in conf.subscriptions ?? {}) {
    const entry = conf.subscriptions![consumer]!;
    const subscription: Subscription = { plan: entry.plan, status: entry.status, period_end: entry.period_end, features: entry.features };
    prepared.fromMap[consumer] = { kind: "known", lookup: { kind: "found", subscription }, source: "consumer_map" };
  }
  preparedByConfig.set(conf, prepared);
  return prepared;
}

export type SubscriptionPlan =
  | { kind: "reject"; rejection: Rejection }
  /** The config's sources know: decide with `lookup` (built once, see PreparedEntitlementCheck). */
  | { kind: "known"; lookup: Lookup; source: SubscriptionSource }
  /** Ask the service (through the cache) about serviceSubject(conf, facts). */
  | { kind: "fetch" }
  /** No source has a subscription: decide with `lookup` (no subscription). */
  | { kind: "none"; lookup: Lookup };

function fromConsumerMap(prepared: PreparedEntitlementCheck, consumer: ConsumerFacts): SubscriptionPlan | undefined {
  const known = prepared.fromMap;
  let found = consumer.username !== undefined ? known[consumer.username] : undefined;
  if (found === undefined) found = known[consumer.id];
  if (found === undefined && consumer.custom_id !== undefined) found = known[consumer.custom_id];
  return found;
}

/** The consumer's `plan` tag or label as an active subscription (one object per plan name and config). */
function fromConsumerTag(prepared: PreparedEntitlementCheck, consumer: ConsumerFacts): SubscriptionPlan | undefined {
  const plan = consumerAttribute(consumer, "plan");
  if (plan === undefined) return undefined;
  let found = prepared.fromTag[plan];
  if (found === undefined) {
    found = { kind: "known", lookup: { kind: "found", subscription: { plan, status: "active" } }, source: "consumer" };
    prepared.fromTag[plan] = found;
  }
  return found;
}

/** Whom the entitlement service is asked about: the authenticated consumer, as service.subject says. */
export function serviceSubject(conf: EntitlementCheckConfig, facts: RequestFacts): string | undefined {
  const consumer = facts.consumer!;
  switch (conf.service.subject) {
    case "custom_id":
      return consumer.custom_id;
    case "id":
      return consumer.id;
    default:
      return consumer.username ?? consumer.id;
  }
}

/** Where this caller's subscription comes from. The subject is always the authenticated consumer. */
export function planSubscription(conf: EntitlementCheckConfig, facts: RequestFacts): SubscriptionPlan {
  if (facts.consumer === undefined) {
    return {
      kind: "reject",
      rejection: { status: 401, body: { error: "unauthorized", message: "An authenticated consumer is required" }, headers: {} },
    };
  }
  // Usually one or two sources: the first two are tried without a loop, because a loop
  // that runs once per request costs LuaJIT its traces (see hosts/lua/each.ts).
  const consumer = facts.consumer;
  const sources = conf.subscription_sources;
  const count = sources.length;
  if (count === 0) return NO_SUBSCRIPTION;
  const first = fromSource(conf, facts, consumer, sources[0]!);
  if (first !== undefined || count === 1) return first ?? NO_SUBSCRIPTION;
  const second = fromSource(conf, facts, consumer, sources[1]!);
  if (second !== undefined) return second;
  for (let i = 2; i < count; i++) {
    const found = fromSource(conf, facts, consumer, sources[i]!);
    if (found !== undefined) return found;
  }
  return NO_SUBSCRIPTION;
}

const NO_SUBSCRIPTION: SubscriptionPlan = { kind: "none", lookup: { kind: "none" } };
const FETCH: SubscriptionPlan = { kind: "fetch" };

/** What one subscription source says about an authenticated caller, or undefined when it has nothing. */
function fromSource(conf: EntitlementCheckConfig, facts: RequestFacts, consumer: ConsumerFacts, source: SubscriptionSource): SubscriptionPlan | undefined {
  if (source === "consumer") return fromConsumerTag(prepare(conf), consumer);
  if (source === "consumer_map") return fromConsumerMap(prepare(conf), consumer);
  const subject = serviceSubject(conf, facts);
  return subject !== undefined && subject !== "" ? FETCH : undefined;
}

/** The highest plan whose features are all entitled (Stripe lists features, not plans). */
function inferPlan(prepared: PreparedEntitlementCheck, features: { [feature: string]: boolean }): string | undefined {
  let best: string | undefined;
  for (const plan of prepared.ordered) {
    let all = true;
    for (const feature of plan.features) if (features[feature] !== true) all = false;
    if (all) best = plan.name;
  }
  return best;
}

function satisfiesPlans(plan: ResolvedPlan, required: readonly string[]): boolean {
  for (const wanted of required) {
    if (plan.name === wanted) return true;
    for (const included of plan.includes) if (included === wanted) return true;
  }
  return false;
}

function hasFeatures(features: { [feature: string]: boolean }, required: readonly string[]): string | undefined {
  // Usually one feature: checked before (and without) the loop, as in planSubscription.
  const first = required[0];
  if (first !== undefined && features[first] !== true) return first;
  for (let i = 1; i < required.length; i++) if (features[required[i]!] !== true) return required[i];
  return undefined;
}

function routeAllowed(plan: ResolvedPlan, facts: RequestFacts): boolean {
  const path = facts.path ?? "/";
  for (const route of plan.routes) if (routeMatches(route, facts.method, path)) return true;
  return false;
}

/** Does `plan` (with its own features only) meet this config's requirement for this request? */
function planMeets(conf: EntitlementCheckConfig, prepared: PreparedEntitlementCheck, plan: ResolvedPlan, facts: RequestFacts): boolean {
  if (conf.required_plans !== undefined && !satisfiesPlans(plan, conf.required_plans)) return false;
  if (conf.required_features !== undefined && hasFeatures(plan.featureSet, conf.required_features) !== undefined) return false;
  if (conf.required_plans === undefined && conf.required_features === undefined && prepared.hasRoutes) return routeAllowed(plan, facts);
  return true;
}

/** Plans that would unlock this request, cheapest first. */
function unlockingPlans(conf: EntitlementCheckConfig, prepared: PreparedEntitlementCheck, facts: RequestFacts): string[] {
  const out: string[] = [];
  for (const plan of prepared.ordered) if (planMeets(conf, prepared, plan, facts)) out.push(plan.name);
  return out;
}

function forbidden(
  conf: EntitlementCheckConfig,
  prepared: PreparedEntitlementCheck,
  facts: RequestFacts,
  plan: string | undefined,
  feature: string | undefined,
  message: string,
): AccessOutcome {
  const body: { [key: string]: unknown } = { error: "not_entitled", message };
  if (feature !== undefined) body["feature"] = feature;
  if (plan !== undefined) body["plan"] = plan;
  const unlocking = unlockingPlans(conf, prepared, facts);
  // An empty list would be encoded as {} by Lua's cjson: leave it out instead.
  if (unlocking.length > 0) body["required_plans"] = unlocking;
  if (conf.upgrade_url !== undefined) body["upgrade_url"] = conf.upgrade_url;
  return { clearUpstream: prepared.clearUpstream, rejection: { status: 403, body, headers: {} }, plan };
}

function paymentRequired(conf: EntitlementCheckConfig, prepared: PreparedEntitlementCheck, subscription: Subscription, message: string, feature?: string): AccessOutcome {
  const body: { [key: string]: unknown } = { error: "payment_required", message, status: subscription.status };
  if (feature !== undefined) body["feature"] = feature;
  if (subscription.plan !== undefined) body["plan"] = subscription.plan;
  if (conf.upgrade_url !== undefined) body["upgrade_url"] = conf.upgrade_url;
  return { clearUpstream: prepared.clearUpstream, rejection: { status: 402, body, headers: {} }, plan: subscription.plan };
}

/** Why a subscription is not in good standing at `now`, or undefined when it is. */
export function lapse(conf: EntitlementCheckConfig, subscription: Subscription, now: number): string | undefined {
  switch (subscription.status) {
    case "active":
    case "trialing":
      return undefined;
    case "past_due": {
      const end = subscription.period_end;
      if (end === undefined || now <= end + conf.grace_period) return undefined;
      return "The subscription is past due and its grace period has ended";
    }
    case "paused":
      return "The subscription is paused";
    case "canceled":
      return "The subscription is canceled";
    default:
      return `The subscription is ${subscription.status}`;
  }
}

/**
 * Until when (seconds, like `now`) lapse() keeps the answer it gives at `now`: the end
 * of a past_due grace period still running; undefined for ever (a status does not age).
 */
export function lapseKeptUntil(conf: EntitlementCheckConfig, subscription: Subscription, now: number): number | undefined {
  const end = subscription.period_end;
  if (subscription.status !== "past_due" || end === undefined) return undefined;
  const graceEnd = end + conf.grace_period;
  return now <= graceEnd ? graceEnd : undefined;
}

function joinSorted(features: { [feature: string]: boolean }): string {
  const list: string[] = [];
  for (const feature in features) list.push(feature);
  list.sort();
  return list.join(",");
}

const UNAVAILABLE_RETRY_AFTER = `${FAILURE_BACKOFF_S}`;

/** The first of `required` that is in `list`, or undefined. */
function firstRequired(list: readonly string[], required: readonly string[] | undefined): string | undefined {
  if (required === undefined) return undefined;
  for (const wanted of required) for (const item of list) if (item === wanted) return wanted;
  return undefined;
}

/** The decision for a request, given what is known about the caller's subscription. */
export function decideEntitlement(conf: EntitlementCheckConfig, facts: RequestFacts, lookup: Lookup, now: number): AccessOutcome {
  const prepared = prepare(conf);
  if (lookup.kind === "unknown") {
    if (conf.fail_open) return { clearUpstream: prepared.clearUpstream, warning: `entitlement unknown, let through (fail_open): ${lookup.reason}` };
    return {
      clearUpstream: prepared.clearUpstream,
      rejection: {
        status: 503,
        body: { error: "entitlement_unavailable", message: "Entitlements cannot be checked right now; try again later" },
        // The cache's back-off after a failed fetch: the soonest this node asks the
        // service again (a retry before it is answered 503 without asking).
        headers: { "Retry-After": UNAVAILABLE_RETRY_AFTER },
      },
    };
  }
  if (lookup.kind === "none") return forbidden(conf, prepared, facts, undefined, conf.required_features?.[0], "No subscription");

  const subscription = lookup.subscription;
  const lapsed = lapse(conf, subscription, now);
  if (lapsed !== undefined) return paymentRequired(conf, prepared, subscription, lapsed);
  // A required metered feature with no balance left (OpenMeter) is a matter of paying, not of plan.
  const spent = subscription.exhausted === undefined ? undefined : firstRequired(subscription.exhausted, conf.required_features);
  if (spent !== undefined) return paymentRequired(conf, prepared, subscription, `The feature '${spent}' has no balance left`, spent);

  // The caller's features: its plan's (with includes) plus any the subscription adds.
  // Without extras, the plan's own set is used as is (no table per request).
  let planName = subscription.plan;
  const extras = subscription.features;
  let features: { [feature: string]: boolean };
  let plan: ResolvedPlan | undefined;
  if (extras === undefined && planName !== undefined && prepared.plans[planName] !== undefined) {
    plan = prepared.plans[planName]!;
    features = plan.featureSet;
  } else {
    features = {};
    for (const feature of extras ?? []) features[feature] = true;
    if (planName === undefined && extras !== undefined) planName = inferPlan(prepared, features);
    plan = planName !== undefined ? prepared.plans[planName] : undefined;
    if (plan !== undefined) for (const feature of plan.features) features[feature] = true;
  }

  if (conf.required_plans !== undefined && (plan === undefined || !satisfiesPlans(plan, conf.required_plans))) {
    return forbidden(conf, prepared, facts, planName, undefined, "Your plan does not include this API");
  }
  if (conf.required_features !== undefined) {
    const missing = hasFeatures(features, conf.required_features);
    if (missing !== undefined) return forbidden(conf, prepared, facts, planName, missing, `Your plan does not include the feature '${missing}'`);
  }
  if (conf.required_plans === undefined && conf.required_features === undefined && prepared.hasRoutes) {
    if (plan === undefined || !routeAllowed(plan, facts)) return forbidden(conf, prepared, facts, planName, undefined, "Your plan does not include this route");
  }

  // Without extra features the outcome is a function of plan and status: built once.
  const byStatus = extras === undefined && plan !== undefined ? passesOf(prepared, plan.name) : undefined;
  const known = byStatus?.[subscription.status];
  if (known !== undefined) return known;
  const upstream: { [name: string]: string } = {};
  if (planName !== undefined) upstream[conf.plan_header] = planName;
  // A plan's own list is joined once (prepare); only extra subscription features need a sort.
  const featureList = extras === undefined && plan !== undefined ? prepared.featureHeaders[plan.name]! : joinSorted(features);
  if (featureList !== "") upstream[conf.features_header] = featureList;
  if (conf.status_header !== undefined) upstream[conf.status_header] = subscription.status;
  const outcome: AccessOutcome = { clearUpstream: prepared.clearUpstream, upstream, plan: planName };
  if (byStatus !== undefined) byStatus[subscription.status] = outcome;
  return outcome;
}

/** The pass outcomes of one plan by status (see PreparedEntitlementCheck.passByPlan). */
function passesOf(prepared: PreparedEntitlementCheck, plan: string): { [status: string]: AccessOutcome } {
  let byStatus = prepared.passByPlan[plan];
  if (byStatus === undefined) {
    byStatus = {};
    prepared.passByPlan[plan] = byStatus;
  }
  return byStatus;
}

/** The whole decision for one request, with `lookup` standing for the service's answer (vectors). */
export function evaluate(conf: EntitlementCheckConfig, facts: RequestFacts, lookup: Lookup, now: number): AccessOutcome {
  const plan = planSubscription(conf, facts);
  if (plan.kind === "reject") return { clearUpstream: prepare(conf).clearUpstream, rejection: plan.rejection };
  if (plan.kind === "known" || plan.kind === "none") return decideEntitlement(conf, facts, plan.lookup, now);
  return decideEntitlement(conf, facts, lookup, now);
}
