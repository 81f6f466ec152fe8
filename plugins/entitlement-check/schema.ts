/**
 * entitlement-check's configuration, declared once. Kong's schema.lua, APISIX's JSON
 * schema, the kong-pdk Schema, docs/CONFIGURATION.md and `EntitlementCheckConfig`
 * all come from here.
 */
import { array, boolean, integer, map, record, string, type Infer } from "../core/schema";
import { catalogProblem } from "./catalog";
import { clientCertProblem } from "../core/client-cert";
import { parseHttpUrl, TLS_FIELDS } from "../core/http-url";

/** Where a caller's subscription can come from, tried in the configured order. */
export const SUBSCRIPTION_SOURCES = ["consumer", "consumer_map", "service"] as const;

/** Subscription states (Stripe's names); see decide.ts for what each one allows. */
export const SUBSCRIPTION_STATUSES = ["active", "trialing", "past_due", "paused", "canceled", "unpaid", "incomplete"] as const;

/** The contracts the remote service may speak (subscription.ts, openmeter.ts). */
export const SERVICE_FORMATS = ["tollgate", "stripe", "openmeter"] as const;

export const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const routePattern = record({
  description: "A route a plan entitles: a path pattern and, optionally, methods.",
  fields: {
    path: string({
      description: 'Path pattern: "*" matches any run of characters (including "/"); otherwise exact, e.g. "/reports/*".',
      required: true,
      minLength: 1,
    }),
    methods: array({
      description: "Methods allowed on the path; unset: all.",
      elements: string({ description: "HTTP method.", oneOf: ROUTE_METHODS }),
      minLength: 1,
    }),
  },
});

const plan = record({
  description: "One plan: what it entitles, and which plans it includes.",
  fields: {
    includes: array({
      description: "Plans whose features and routes this plan also has (enterprise includes premium includes free).",
      elements: string({ description: "Plan name.", minLength: 1 }),
    }),
    features: array({
      description: "Feature names this plan entitles (its own; included plans add theirs).",
      elements: string({ description: "Feature.", minLength: 1 }),
    }),
    routes: array({ description: "Routes this plan entitles (its own; included plans add theirs).", elements: routePattern }),
  },
});

const subscription = record({
  description: "A subscription set by the operator (source consumer_map).",
  fields: {
    plan: string({ description: "Plan name.", required: true, minLength: 1 }),
    status: string({ description: "Subscription status.", oneOf: SUBSCRIPTION_STATUSES, default: "active" }),
    period_end: integer({ description: "End of the current billing period, epoch seconds (past_due grace counts from it).", min: 0 }),
    features: array({ description: "Extra features beyond the plan's.", elements: string({ description: "Feature.", minLength: 1 }) }),
  },
});

const service = record({
  description: "The remote entitlement service (source service): GET <url>/<subject>.",
  required: true,
  fields: {
    url: string({ description: "Base URL, http:// or https:// (e.g. https://billing.internal/entitlements).", minLength: 8 }),
    ...TLS_FIELDS,
    format: string({
      description:
        "Response contract: tollgate ({plan, status, current_period_end, features}), stripe (the active-entitlements list; plan inferred from features) or openmeter (OpenMeter's entitlement value API, one call per required feature; see openmeter.ts).",
      oneOf: SERVICE_FORMATS,
      default: "tollgate",
    }),
    subject: string({
      description: "Which consumer field names the subject in the URL: username, custom_id or id (APISIX: username for all).",
      oneOf: ["username", "custom_id", "id"],
      default: "username",
    }),
    auth_header: string({ description: "Header sent with every call (e.g. Authorization).", minLength: 1 }),
    auth_value: string({ description: "Its value (e.g. Bearer sk_…). Never logged.", minLength: 1, referenceable: true }),
    connect_timeout_ms: integer({ description: "Connect timeout.", default: 200, min: 1, max: 60_000 }),
    timeout_ms: integer({
      description: "The longest the service may take to answer once connected (sending and reading together); a request waits at most connect_timeout_ms + timeout_ms.",
      default: 500,
      min: 1,
      max: 60_000,
    }),
    pool_size: integer({ description: "Idle keepalive connections per worker.", default: 32, min: 1, max: 10_000 }),
    keepalive_ms: integer({ description: "How long an idle connection is kept.", default: 60_000, min: 1, max: 3_600_000 }),
    max_body_bytes: integer({ description: "Largest response body accepted.", default: 65_536, min: 256, max: 16_777_216 }),
  },
  check: clientCertProblem,
});

const cache = record({
  description: "Caching of service answers: a per-worker LRU in front of a lua_shared_dict.",
  required: true,
  fields: {
    ttl: integer({ description: "Seconds a service answer is fresh.", default: 60, min: 1, max: 86_400 }),
    negative_ttl: integer({ description: "Seconds a 'no subscription' (404) answer is fresh.", default: 10, min: 1, max: 86_400 }),
    stale_ttl: integer({
      description: "Seconds after expiry an answer is still used while the service fails (stale-if-error); 0: never.",
      default: 300,
      min: 0,
      max: 604_800,
    }),
    lru_size: integer({ description: "Entries in each worker's LRU (bounds per-worker memory).", default: 1000, min: 1, max: 1_000_000 }),
    dict: string({ description: "lua_shared_dict shared by the workers (its size bounds shared memory).", default: "tollgate_cache", minLength: 1 }),
    lock_timeout_ms: integer({
      description: "How long a request waits for another worker's fetch of the same subject before fetching itself.",
      default: 1000,
      min: 1,
      max: 60_000,
    }),
  },
});

const webhook = record({
  description:
    "Makes this route a billing webhook receiver: signed events drop (or, provider tollgate, set) cached answers, and nothing goes upstream. See docs/plugins/entitlement-check.md.",
  fields: {
    provider: string({
      description: "Who signs the events: stripe (Stripe-Signature) or tollgate (Tollgate-Signature, tollgate's own contract).",
      required: true,
      oneOf: ["stripe", "tollgate"],
    }),
    secret: string({ description: "The signing secret (Stripe: the endpoint's whsec_…). Never logged.", required: true, minLength: 8, referenceable: true }),
    tolerance: integer({
      description: "Seconds a signature's timestamp may be away from now (either way); event ids are remembered that long to refuse replays.",
      default: 300,
      min: 1,
      max: 86_400,
    }),
    max_body_bytes: integer({ description: "Largest event body accepted (by Content-Length and by bytes read).", default: 262_144, min: 1024, max: 16_777_216 }),
  },
});

export const entitlementCheckSchema = record({
  description: "Plan and subscription-status gating.",
  fields: {
    plans: map({
      description: "The plan catalog, by name.",
      required: true,
      keys: string({ description: "Plan name.", minLength: 1 }),
      values: plan,
    }),
    subscription_sources: array({
      description:
        "Where the subscription comes from, first hit wins: consumer (Kong tag plan:<name>, APISIX label plan; status active), consumer_map (subscriptions), service (the remote entitlement service).",
      elements: string({ description: "A source.", oneOf: SUBSCRIPTION_SOURCES }),
      default: ["consumer", "consumer_map"],
      minLength: 1,
    }),
    subscriptions: map({
      description: "Subscriptions by consumer username, id or custom_id (source consumer_map).",
      keys: string({ description: "Consumer.", minLength: 1 }),
      values: subscription,
    }),
    service,
    cache,
    webhook,
    required_features: array({
      description: "Features this route or service requires (all of them).",
      elements: string({ description: "Feature.", minLength: 1 }),
    }),
    required_plans: array({
      description: "Plans any one of which (or a plan including it) may use this route or service.",
      elements: string({ description: "Plan name.", minLength: 1 }),
    }),
    grace_period: integer({
      description: "Seconds a past_due subscription keeps its entitlements after period_end.",
      default: 259_200,
      min: 0,
      max: 31_536_000,
    }),
    upgrade_url: string({ description: "Where a refused caller can upgrade; sent in 402/403 bodies.", minLength: 1 }),
    plan_header: string({ description: "Request header carrying the plan upstream (client copies removed).", default: "X-Plan", minLength: 1 }),
    features_header: string({
      description: "Request header carrying the entitled features upstream, comma-separated and sorted (client copies removed).",
      default: "X-Entitlements",
      minLength: 1,
    }),
    status_header: string({
      description: "Request header carrying the subscription status upstream, e.g. X-Subscription-Status (client copies removed); unset: not sent.",
      minLength: 1,
    }),
    fail_open: boolean({
      description: "When the subscription is unknown (service failing, nothing cached): true lets the request through, false answers 503.",
      default: false,
    }),
    error_log_interval: integer({
      description: "Seconds between two error-log lines about a failing service.",
      default: 60,
      min: 1,
      max: 86_400,
    }),
  },
  check: (conf) => {
    const problem = catalogProblem(conf["plans"] as { [name: string]: { includes?: string[] } });
    if (problem !== undefined) return problem;
    const plans = conf["plans"] as { [name: string]: unknown };
    const required = conf["required_plans"] as string[] | undefined;
    if (required !== undefined) {
      for (let i = 0; i < required.length; i++) {
        if (plans[required[i]!] === undefined) return `required_plans.${i + 1}: '${required[i]}' is not one of the configured plans`;
      }
    }
    const subs = conf["subscriptions"] as { [consumer: string]: { plan: string } } | undefined;
    if (subs !== undefined) {
      for (const consumer in subs) {
        if (plans[subs[consumer]!.plan] === undefined) {
          return `subscriptions.${consumer}.plan: '${subs[consumer]!.plan}' is not one of the configured plans`;
        }
      }
    }
    for (const source of conf["subscription_sources"] as string[]) {
      if (source === "service") {
        const url = (conf["service"] as { url?: string }).url;
        if (url === undefined) return "service.url: required when subscription_sources has service";
        if (parseHttpUrl(url) === undefined) return "service.url: must be http[s]://host[:port][/path]";
        // OpenMeter is asked about features, one call each: which ones is the route's to say.
        if ((conf["service"] as { format: string }).format === "openmeter" && conf["required_features"] === undefined) {
          return "required_features: required when service.format is openmeter (the features OpenMeter is asked about)";
        }
      }
    }
    return undefined;
  },
});

export type EntitlementCheckConfig = Infer<typeof entitlementCheckSchema>;
export type SubscriptionSource = (typeof SUBSCRIPTION_SOURCES)[number];
