/**
 * feature-toggle's per-request decision, pure: request facts → Unleash context →
 * evaluations → an AccessOutcome (403 JSON for a required flag that is off, or the
 * enabled flags and their variants forwarded upstream in one header).
 */
import { consumerAttribute, type FactNeeds, type RequestFacts } from "../core/facts";
import type { AccessOutcome } from "../core/outcome";
import {
  evaluate,
  prepareFlags,
  type Capabilities,
  type Evaluation,
  type Feature,
  type FlagContext,
  type FlagState,
  type PreparedFlags,
  type Segment,
} from "./evaluate";
import type { FeatureToggleConfig } from "./schema";

export interface PreparedFeatureToggle {
  flags: PreparedFlags;
  /** Names of the flags forwarded upstream, in config order. */
  forwarded: string[];
  /** Lower-case context property → lower-case header name. */
  contextHeaders: { [property: string]: string };
  sessionHeader?: string;
  /** Header item of a flag by variant name ("<flag>=<variant>"), built once. */
  items: { [flag: string]: { [variant: string]: string } };
  /** Upgrade hint by flag name (flag's own, else the config's). */
  upgrade: { [flag: string]: string };
  /** The request headers removed from every request (client copies of ours). */
  clearUpstream: readonly string[];
  needs: FactNeeds;
}

const cache = new WeakMap<FeatureToggleConfig, PreparedFeatureToggle>();

export function prepare(conf: FeatureToggleConfig): PreparedFeatureToggle {
  const cached = cache.get(conf);
  if (cached !== undefined) return cached;
  const headers: string[] = [];
  const contextHeaders: { [property: string]: string } = {};
  if (conf.context_headers !== undefined) {
    for (const property in conf.context_headers) {
      const header = conf.context_headers[property]!.toLowerCase();
      contextHeaders[property] = header;
      headers.push(header);
    }
  }
  let sessionHeader: string | undefined;
  if (conf.session_header !== undefined) {
    sessionHeader = conf.session_header.toLowerCase();
    headers.push(sessionHeader);
  }
  const forwarded: string[] = [];
  if (conf.forward === "enabled") for (const flag of conf.flags) forwarded.push(flag.name);
  if (conf.forward === "required") for (const name of conf.require) forwarded.push(name);
  const upgrade: { [flag: string]: string } = {};
  const items: { [flag: string]: { [variant: string]: string } } = {};
  for (const flag of conf.flags) {
    const byVariant: { [variant: string]: string } = {};
    for (const variant of flag.variants ?? []) byVariant[variant.name] = `${flag.name}=${variant.name}`;
    for (const strategy of flag.strategies ?? []) {
      for (const variant of strategy.variants ?? []) byVariant[variant.name] = `${flag.name}=${variant.name}`;
    }
    items[flag.name] = byVariant;
    const hint = flag.upgrade ?? conf.upgrade;
    if (hint !== undefined) upgrade[flag.name] = hint;
  }
  const prepared: PreparedFeatureToggle = {
    flags: prepareFlags({ features: conf.flags, segments: conf.segments } satisfies FlagState),
    forwarded,
    contextHeaders,
    sessionHeader,
    items,
    upgrade,
    clearUpstream: [conf.header],
    needs: { headers, jwtClaims: false, clientIp: true, credential: false, routeAndService: false, decided: true },
  };
  cache.set(conf, prepared);
  return prepared;
}

/** The Unleash context of a request: only gateway-side facts, plus the headers the operator named. */
export function requestContext(conf: FeatureToggleConfig, prepared: PreparedFeatureToggle, facts: RequestFacts): FlagContext {
  const properties: { [name: string]: string } = {};
  const context: FlagContext = { remoteAddress: facts.clientIp, environment: conf.environment, appName: conf.app_name, properties };
  // Headers first, so that gateway-side facts below win over a header of the same name.
  for (const property in prepared.contextHeaders) {
    const value = facts.headers?.[prepared.contextHeaders[property]!];
    if (value !== undefined && value !== "") properties[property] = value;
  }
  if (prepared.sessionHeader !== undefined) context.sessionId = facts.headers?.[prepared.sessionHeader];
  const consumer = facts.consumer;
  if (consumer !== undefined) {
    let userId: string | undefined;
    if (conf.user_id === "username") userId = consumer.username ?? consumer.id;
    else if (conf.user_id === "id") userId = consumer.id;
    else userId = consumer.custom_id;
    context.userId = userId;
    properties["consumer"] = consumer.username ?? consumer.id;
    // The tier tier-limit resolved for this request when it ran first (any of its sources);
    // else as tier-limit reads it from the consumer: Kong tag tier:<name>, APISIX label tier,
    // or the consumer group.
    properties["tier"] = facts.decidedTier ?? consumerAttribute(consumer, "tier") ?? consumer.group ?? "";
    const plan = consumerAttribute(consumer, "plan");
    properties["plan"] = plan ?? "";
  } else {
    // A header must not stand in for gateway-side identity; tier-limit's anonymous_tier may.
    properties["tier"] = facts.decidedTier ?? "";
    properties["plan"] = "";
    properties["consumer"] = "";
  }
  return context;
}

function rejection(conf: FeatureToggleConfig, prepared: PreparedFeatureToggle, name: string, evaluation: Evaluation): AccessOutcome {
  const body: { [key: string]: unknown } = {
    error: "feature_not_enabled",
    feature: name,
    reason: evaluation.detail ?? "not_targeted",
  };
  const hint = prepared.upgrade[name];
  if (hint !== undefined) body["upgrade"] = hint;
  return { clearUpstream: prepared.clearUpstream, rejection: { status: conf.error_code, body, headers: {} } };
}

/** Flags from a remote source (Unleash), replacing the inline ones. */
export interface RemoteFlags {
  flags: PreparedFlags;
  /** Flag names in the order the source listed them. */
  names: string[];
}

/** The remote flags of an Unleash client-API answer (already decoded), or undefined when it is not one. */
export function remoteFlagsFrom(answer: unknown): RemoteFlags | undefined {
  if (typeof answer !== "object" || answer === null) return undefined;
  const state = answer as { features?: unknown; segments?: unknown };
  if (typeof state.features !== "object" || state.features === null) return undefined;
  const features = state.features as Feature[];
  const names: string[] = [];
  for (const feature of features) {
    if (typeof feature !== "object" || feature === null || typeof feature.name !== "string") return undefined;
    names.push(feature.name);
  }
  const segments = typeof state.segments === "object" && state.segments !== null ? (state.segments as Segment[]) : [];
  return { flags: prepareFlags({ features, segments }), names };
}

/** A required flag's evaluation, kept in `seen`; the refusal when it is off. */
function evaluateRequired(
  conf: FeatureToggleConfig,
  prepared: PreparedFeatureToggle,
  flags: PreparedFlags,
  name: string,
  context: FlagContext,
  caps: Capabilities,
  seen: { [name: string]: Evaluation },
): AccessOutcome | undefined {
  const evaluation = evaluate(flags, name, context, caps);
  if (!evaluation.enabled) return rejection(conf, prepared, name, evaluation);
  seen[name] = evaluation;
  return undefined;
}

/** Evaluates the required flags (refusing on the first that is off), then the forwarded ones. */
export function decideFeatures(
  conf: FeatureToggleConfig,
  prepared: PreparedFeatureToggle,
  facts: RequestFacts,
  caps: Capabilities,
  remote?: RemoteFlags,
): AccessOutcome {
  const context = requestContext(conf, prepared, facts);
  const flags = remote === undefined ? prepared.flags : remote.flags;
  let forwarded = prepared.forwarded;
  if (remote !== undefined && conf.forward === "enabled") forwarded = remote.names;
  const clearUpstream = prepared.clearUpstream;
  const seen: { [name: string]: Evaluation } = {};
  // A route usually requires one flag: it is evaluated before (and without) the loop,
  // because a loop that runs once per request costs LuaJIT its traces (hosts/lua/each.ts).
  const required = conf.require;
  if (required.length > 0) {
    const refused = evaluateRequired(conf, prepared, flags, required[0]!, context, caps, seen);
    if (refused !== undefined) return refused;
    for (let i = 1; i < required.length; i++) {
      const refusedToo = evaluateRequired(conf, prepared, flags, required[i]!, context, caps, seen);
      if (refusedToo !== undefined) return refusedToo;
    }
  }
  const items: string[] = [];
  for (const name of forwarded) {
    const evaluation = seen[name] ?? evaluate(flags, name, context, caps);
    if (!evaluation.enabled) continue;
    const variant = evaluation.variant;
    items.push(variant.enabled ? (prepared.items[name]?.[variant.name] ?? `${name}=${variant.name}`) : name);
  }
  if (items.length === 0) return { clearUpstream };
  const features = items.join(",");
  const upstream: { [name: string]: string } = {};
  upstream[conf.header] = features;
  return { clearUpstream, upstream, features };
}

/**
 * decideFeatures with a fixed clock and random source and no REGEX capability, for
 * test vectors (which hold only data).
 */
export function decideAt(conf: FeatureToggleConfig, facts: RequestFacts, now: number): AccessOutcome {
  return decideFeatures(conf, prepare(conf), facts, { now, random: () => 0 });
}

/** One flag's evaluation for a request, for test vectors. */
export function evaluateAt(conf: FeatureToggleConfig, name: string, facts: RequestFacts, now: number): Evaluation {
  const prepared = prepare(conf);
  return evaluate(prepared.flags, name, requestContext(conf, prepared, facts), { now, random: () => 0 });
}
