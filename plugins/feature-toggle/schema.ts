/**
 * feature-toggle's configuration, declared once. Kong's schema.lua, APISIX's JSON
 * schema, the kong-pdk Schema, docs/CONFIGURATION.md and `FeatureToggleConfig` come
 * from here. Flags are written in Unleash's own shape (what `/api/client/features`
 * returns: camelCase field names), so a flag can be copied between Unleash and the
 * gateway config unchanged; `startTime` / `endTime` are tollgate's additions.
 */
import { array, boolean, integer, map, record, string, type Infer } from "../core/schema";
import { clientCertProblem } from "../core/client-cert";
import { parseHttpUrl, TLS_FIELDS } from "../core/http-url";
import { parseIsoTime } from "./parse";

/** Constraint operators of Unleash. */
export const OPERATORS = [
  "IN",
  "NOT_IN",
  "STR_STARTS_WITH",
  "STR_ENDS_WITH",
  "STR_CONTAINS",
  "NUM_EQ",
  "NUM_GT",
  "NUM_GTE",
  "NUM_LT",
  "NUM_LTE",
  "DATE_AFTER",
  "DATE_BEFORE",
  "SEMVER_EQ",
  "SEMVER_GT",
  "SEMVER_GTE",
  "SEMVER_LT",
  "SEMVER_LTE",
  "REGEX",
  "IN_CIDR",
] as const;

/** Strategies tollgate evaluates; any other name never enables (as in Unleash's SDKs). */
export const STRATEGIES = [
  "default",
  "userWithId",
  "flexibleRollout",
  "gradualRolloutUserId",
  "gradualRolloutSessionId",
  "gradualRolloutRandom",
  "remoteAddress",
  "applicationHostname",
  "tiers",
] as const;

const constraint = record({
  description: "One condition on the evaluation context (all of a strategy's constraints must hold).",
  fields: {
    contextName: string({
      description: "Context field: userId, sessionId, remoteAddress, environment, appName, currentTime, or a property (tier, plan, consumer, or one from context_headers).",
      required: true,
      minLength: 1,
    }),
    operator: string({ description: "Unleash operator.", required: true, oneOf: OPERATORS }),
    values: array({ description: "Values (IN, NOT_IN, STR_*, IN_CIDR).", elements: string({ description: "A value." }) }),
    value: string({ description: "Value (NUM_*, DATE_*, SEMVER_*, REGEX)." }),
    inverted: boolean({ description: "Negate the result.", default: false }),
    caseInsensitive: boolean({ description: "Compare without case (STR_*, REGEX).", default: false }),
  },
});

const payload = record({
  description: "Data sent with a variant.",
  fields: {
    type: string({ description: "string, json, csv or number.", required: true, minLength: 1 }),
    value: string({ description: "The payload.", required: true }),
  },
});

const override = record({
  description: "Gives a variant to the callers whose context field has one of the values.",
  fields: {
    contextName: string({ description: "Context field.", required: true, minLength: 1 }),
    values: array({ description: "Values.", required: true, elements: string({ description: "A value." }) }),
  },
});

const variant = record({
  description: "One variant of an A/B test.",
  fields: {
    name: string({ description: "Variant name (forwarded upstream).", required: true, minLength: 1 }),
    weight: integer({ description: "Share of the total weight (Unleash uses 1000 in all).", required: true, min: 0, max: 1_000_000 }),
    stickiness: string({ description: "Context field the assignment sticks to (default: userId, sessionId, remoteAddress).", minLength: 1 }),
    payload,
    overrides: array({ description: "Explicit assignments.", elements: override }),
  },
});

const strategy = record({
  description: "An activation strategy; the flag is on when any of its strategies is.",
  fields: {
    name: string({ description: "Strategy name.", required: true, oneOf: STRATEGIES }),
    parameters: map({
      description:
        "Strategy parameters as Unleash names them: rollout, stickiness, groupId (flexibleRollout); userIds; IPs; hostNames; percentage, groupId (gradualRollout*); tiers (tiers: comma-separated tier names).",
      keys: string({ description: "Parameter.", minLength: 1 }),
      values: string({ description: "Value." }),
    }),
    constraints: array({ description: "Conditions that must all hold.", elements: constraint }),
    segments: array({ description: "Ids of segments (config `segments`) whose constraints must all hold.", elements: integer({ description: "Segment id." }) }),
    variants: array({ description: "Variants given by this strategy (before the flag's own).", elements: variant }),
    disabled: boolean({ description: "A disabled strategy never enables.", default: false }),
  },
});

const dependency = record({
  description: "A parent flag this flag depends on.",
  fields: {
    feature: string({ description: "Parent flag name.", required: true, minLength: 1 }),
    enabled: boolean({ description: "Whether the parent must be on (true) or off (false).", default: true }),
    variants: array({ description: "Parent variants that satisfy the dependency.", elements: string({ description: "Variant name." }) }),
  },
});

function isoTimeCheck(value: { [key: string]: unknown }, field: string): string | undefined {
  const text = value[field];
  if (typeof text === "string" && parseIsoTime(text) === undefined) return `${field}: '${text}' is not an ISO 8601 time`;
  return undefined;
}

const flag = record({
  description: "A feature flag, in Unleash's shape.",
  fields: {
    name: string({ description: "Flag name.", required: true, minLength: 1 }),
    enabled: boolean({ description: "Kill switch: false turns the flag off for everyone.", default: true }),
    strategies: array({ description: "Activation strategies (none: on for everyone).", elements: strategy }),
    variants: array({ description: "Variants of the flag.", elements: variant }),
    dependencies: array({ description: "Parent flags.", elements: dependency }),
    startTime: string({ description: "tollgate: ISO 8601 time before which the flag is off (trials, betas).", minLength: 1 }),
    endTime: string({ description: "tollgate: ISO 8601 time from which the flag is off.", minLength: 1 }),
    upgrade: string({ description: "tollgate: upgrade hint for this flag's 403 (overrides the config's `upgrade`).", minLength: 1 }),
  },
  check: (value) => isoTimeCheck(value, "startTime") ?? isoTimeCheck(value, "endTime"),
});

const segment = record({
  description: "A named set of constraints strategies can share.",
  fields: {
    id: integer({ description: "Segment id.", required: true }),
    constraints: array({ description: "Constraints.", required: true, elements: constraint }),
  },
});

const unleash = record({
  description:
    "Poll flags from an Unleash server's client API (GET <url>/client/features with ETag), shared by all workers through `dict`; the inline `flags` serve until the first answer, and the last good answer is kept while Unleash is unreachable.",
  fields: {
    url: string({ description: "Unleash API base URL, http:// or https:// (e.g. https://unleash.internal/api).", required: true, minLength: 8 }),
    ...TLS_FIELDS,
    api_token: string({ description: "Client (backend) API token.", required: true, minLength: 1, referenceable: true }),
    poll_interval: integer({ description: "Seconds between polls (flags are at most this stale while Unleash answers).", default: 10, min: 1, max: 3600 }),
    timeout_ms: integer({ description: "Connect and read timeout of one poll.", default: 2000, min: 1, max: 60_000 }),
    dict: string({ description: "lua_shared_dict that holds the last answer for every worker (Lua hosts).", default: "tollgate_cache", minLength: 1 }),
  },
  check: (value) =>
    parseHttpUrl(value["url"] as string) === undefined ? `url: '${value["url"]}' is not an http:// or https:// URL` : clientCertProblem(value),
});

export const featureToggleSchema = record({
  description: "Unleash-compatible feature flags at the gateway.",
  fields: {
    flags: array({ description: "The flags, inline.", default: [], elements: flag }),
    segments: array({ description: "Segments the flags' strategies refer to.", default: [], elements: segment }),
    require: array({
      description: "Flags a request on this route/service needs; a caller for whom one is off gets `error_code` with JSON.",
      default: [],
      elements: string({ description: "Flag name.", minLength: 1 }),
    }),
    upgrade: string({ description: "Upgrade hint in the 403 body (a URL or a sentence), e.g. https://example.com/pricing.", minLength: 1 }),
    forward: string({
      description: "Which flags go upstream in `header`: enabled (every enabled flag), required (the required ones), none.",
      oneOf: ["enabled", "required", "none"],
      default: "enabled",
    }),
    header: string({
      description: "Request header that carries the enabled flags upstream, `name` or `name=variant`, comma-separated (a client-sent copy is removed first).",
      default: "X-Features",
      minLength: 1,
    }),
    user_id: string({
      description: "Consumer field used as Unleash userId (default stickiness): username (falls back to id), id, custom_id.",
      oneOf: ["username", "id", "custom_id"],
      default: "username",
    }),
    session_header: string({ description: "Request header used as Unleash sessionId (client-supplied: for stickiness, never for access).", minLength: 1 }),
    context_headers: map({
      description:
        "Context properties read from request headers (client-supplied: do not use them to grant paid features). consumer, tier, plan and currentTime are the gateway's and never come from a header.",
      keys: string({ description: "Property name.", minLength: 1 }),
      values: string({ description: "Header name.", minLength: 1 }),
    }),
    environment: string({ description: "Unleash environment in the context.", minLength: 1 }),
    app_name: string({ description: "Unleash appName in the context.", minLength: 1 }),
    error_code: integer({ description: "Status when a required flag is off.", default: 403, min: 400, max: 599 }),
    decision_cache_size: integer({
      description:
        "Decisions remembered per worker (kong-pdk: per process) and flag state, keyed by the values of the context fields the flags read and by which side of each startTime/endTime/DATE_* instant the clock is on; a request with the same values gets the same decision without evaluating a flag. A decision that drew a random number (random stickiness, gradualRolloutRandom, a rollout with no userId or sessionId) is never remembered. Up to twice this many are kept; 0 evaluates every flag on every request.",
      default: 10_000,
      min: 0,
      max: 1_000_000,
    }),
    unleash,
    bootstrap_file: string({
      description:
        "JSON file in the shape of Unleash's client API answer ({\"features\": […], \"segments\": […]}), read once per worker; its flags replace the inline ones and serve until Unleash (if configured) first answers.",
      minLength: 1,
    }),
  },
  check: (conf) => {
    const flags = conf["flags"] as { name: string }[];
    const names: { [name: string]: boolean } = {};
    for (let i = 0; i < flags.length; i++) {
      const name = flags[i]!.name;
      if (names[name] === true) return `flags.${i + 1}.name: '${name}' is defined twice`;
      names[name] = true;
    }
    const required = conf["require"] as string[];
    // With Unleash or a file as the source, required flags may exist only there.
    if (conf["unleash"] !== undefined || conf["bootstrap_file"] !== undefined) return undefined;
    for (let i = 0; i < required.length; i++) {
      if (names[required[i]!] !== true) return `require.${i + 1}: '${required[i]}' is not one of the configured flags`;
    }
    return undefined;
  },
});

export type FeatureToggleConfig = Infer<typeof featureToggleSchema>;
