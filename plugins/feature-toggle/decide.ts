/**
 * feature-toggle's per-request decision, pure: request facts → Unleash context →
 * evaluations → an AccessOutcome (403 JSON for a required flag that is off, or the
 * enabled flags and their variants forwarded upstream in one header).
 */
import { consumerAttribute, type ConsumerFacts, type FactNeeds, type RequestFacts } from "../core/facts";
import type { AccessOutcome } from "../core/outcome";
import {
  contextValue,
  evaluateFeature,
  evaluateIn,
  featureNamed,
  prepareFlags,
  type Capabilities,
  type CompiledFeature,
  type Evaluation,
  type Feature,
  type ContextValues,
  type FlagState,
  type PreparedFlags,
  type Segment,
} from "./evaluate";
import { memoMatches, newMemo, recall, remember, type DecisionMemo } from "./memo";
import type { FeatureToggleConfig } from "./schema";

export interface PreparedFeatureToggle {
  conf: FeatureToggleConfig;
  flags: PreparedFlags;
  /** Names of the flags forwarded upstream, in config order. */
  forwarded: string[];
  /** Lower-case context property → lower-case header name. */
  contextHeaders: { [property: string]: string };
  sessionHeader?: string;
  /** Upgrade hint by flag name (flag's own, else the config's). */
  upgrade: { [flag: string]: string };
  /** The request headers removed from every request (client copies of ours). */
  clearUpstream: readonly string[];
  needs: FactNeeds;
  /** Remembered decisions of this config (memo.ts), made when first needed. */
  memo?: DecisionMemo;
  /** The forwarded flags found in the flag state last evaluated (forwardingOf). */
  forwarding?: Forwarding;
}

/** A forwarded flag, found in its flag state once: its compiled feature and header items. */
interface ForwardedFlag {
  name: string;
  feature: CompiledFeature;
  /** The header item by variant name: "<flag>=<variant>". */
  items: { [variant: string]: string };
}

interface Forwarding {
  flags: PreparedFlags;
  names: readonly string[];
  /** In forwarding order; a name the state lacks is left out (it is never on). */
  list: ForwardedFlag[];
  /** A flag's index in `list`, by name. */
  position: { [name: string]: number };
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
  for (const flag of conf.flags) {
    const hint = flag.upgrade ?? conf.upgrade;
    if (hint !== undefined) upgrade[flag.name] = hint;
  }
  const prepared: PreparedFeatureToggle = {
    conf,
    flags: prepareFlags({ features: conf.flags, segments: conf.segments } satisfies FlagState),
    forwarded,
    contextHeaders,
    sessionHeader,
    upgrade,
    clearUpstream: [conf.header],
    needs: { headers, jwtClaims: false, clientIp: true, credential: false, routeAndService: false, decided: true },
  };
  cache.set(conf, prepared);
  return prepared;
}

/*
 * The Unleash context of a request holds only gateway-side facts, plus the headers the
 * operator named. requestValues resolves it for an evaluation; requestField reads one
 * field of it without resolving the rest, for the memo's key (a remembered decision is found
 * without allocating). Both are made of the readers below, and
 * tests/scenarios/feature-toggle-memo.json checks they agree on every field.
 */

/** The consumer field used as Unleash userId (config `user_id`); none for an anonymous caller. */
function userIdOf(conf: FeatureToggleConfig, consumer: ConsumerFacts | undefined): string | undefined {
  if (consumer === undefined) return undefined;
  if (conf.user_id === "username") return consumer.username ?? consumer.id;
  if (conf.user_id === "id") return consumer.id;
  return consumer.custom_id;
}

/** Context properties the gateway establishes: a header of the same name never replaces them. */
type GatewayProperty = "consumer" | "tier" | "plan";
const GATEWAY_PROPERTIES: { readonly [name: string]: boolean } = { consumer: true, tier: true, plan: true };

function isGatewayProperty(name: string): name is GatewayProperty {
  return GATEWAY_PROPERTIES[name] === true;
}

/**
 * A context property the gateway establishes ("" for an anonymous caller: a header must
 * not stand in for gateway-side identity; tier-limit's anonymous_tier may).
 */
function gatewayProperty(facts: RequestFacts, name: GatewayProperty): string {
  const consumer = facts.consumer;
  if (name === "tier") {
    // The tier tier-limit resolved for this request when it ran first (any of its sources);
    // else as tier-limit reads it from the consumer: Kong tag tier:<name>, APISIX label
    // tier, or the consumer group.
    if (facts.decidedTier !== undefined) return facts.decidedTier;
    return consumer === undefined ? "" : (consumerAttribute(consumer, "tier") ?? consumer.group ?? "");
  }
  if (consumer === undefined) return "";
  if (name === "consumer") return consumer.username ?? consumer.id;
  return consumerAttribute(consumer, "plan") ?? "";
}

/**
 * Whether a context_headers property is read from its header: not a property the
 * gateway establishes, and not currentTime (the clock is the gateway's; see
 * ContextValues).
 */
function fromHeader(property: string): boolean {
  return !isGatewayProperty(property) && property !== "currentTime";
}

function header(facts: RequestFacts, name: string | undefined): string | undefined {
  return name === undefined ? undefined : facts.headers?.[name];
}

export function requestValues(conf: FeatureToggleConfig, prepared: PreparedFeatureToggle, facts: RequestFacts): ContextValues {
  // Written whole where it is made, so LuaJIT sizes the table once instead of growing
  // it key by key on every evaluated request.
  const values: ContextValues = {
    consumer: gatewayProperty(facts, "consumer"),
    tier: gatewayProperty(facts, "tier"),
    plan: gatewayProperty(facts, "plan"),
    userId: userIdOf(conf, facts.consumer),
    sessionId: header(facts, prepared.sessionHeader),
    remoteAddress: facts.clientIp,
    environment: conf.environment,
    appName: conf.app_name,
  };
  for (const property in prepared.contextHeaders) {
    if (!fromHeader(property)) continue;
    // A standard field with a value keeps it: the header is only its property.
    const value = header(facts, prepared.contextHeaders[property]);
    if (value !== undefined && value !== "" && contextValue(values, property) === undefined) values[property] = value;
  }
  return values;
}

/** contextValue(requestValues(conf, prepared, facts), field), without building the values. */
export function requestField(prepared: PreparedFeatureToggle, facts: RequestFacts, field: string): string | undefined {
  const conf = prepared.conf;
  let standard: string | undefined;
  if (field === "userId") standard = userIdOf(conf, facts.consumer);
  else if (field === "remoteAddress") standard = facts.clientIp;
  else if (field === "sessionId") standard = header(facts, prepared.sessionHeader);
  else if (field === "environment") standard = conf.environment;
  else if (field === "appName") standard = conf.app_name;
  if (standard !== undefined && standard !== "") return standard;
  let property: string | undefined;
  if (isGatewayProperty(field)) property = gatewayProperty(facts, field);
  else if (fromHeader(field)) property = header(facts, prepared.contextHeaders[field]);
  return property === "" ? undefined : property;
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

/*
 * Random draws (random stickiness, gradualRolloutRandom, a rollout or variant with no
 * userId or sessionId to stick to) make a decision that must not be remembered. The
 * evaluation draws through drawRandom, which notes it; module state rather than a
 * closure per request, and safe because an evaluation never yields.
 */
let hostRandom: (this: void) => number = () => 0;
let randomDrawn = false;
/** Whether the last decideFeatures answer is one its memo holds (see lastDecisionKept). */
let decisionKept = false;

/**
 * Whether the decision decideFeatures returned last is one the memo keeps: found there,
 * or made without a random draw and stored. A host may remember it elsewhere too.
 */
export function lastDecisionKept(): boolean {
  return decisionKept;
}

function drawRandom(this: void): number {
  randomDrawn = true;
  return hostRandom();
}

/**
 * The decision for a request: remembered (memo.ts) when an earlier request had the
 * same values of everything the flags read, else evaluated and remembered.
 */
export function decideFeatures(
  conf: FeatureToggleConfig,
  prepared: PreparedFeatureToggle,
  facts: RequestFacts,
  caps: Capabilities,
  remote?: RemoteFlags,
): AccessOutcome {
  const flags = remote === undefined ? prepared.flags : remote.flags;
  let forwarded = prepared.forwarded;
  if (remote !== undefined && conf.forward === "enabled") forwarded = remote.names;
  decisionKept = false;
  if (conf.decision_cache_size === 0) return evaluateAll(conf, prepared, flags, forwarded, requestValues(conf, prepared, facts), caps);
  let memo = prepared.memo;
  if (memo === undefined || !memoMatches(memo, flags, caps)) {
    memo = newMemo(flags, caps.hostname, conf.decision_cache_size);
    prepared.memo = memo;
  }
  const nowMs = caps.now * 1000;
  const remembered = recall(memo, requestField, prepared, facts, nowMs);
  if (remembered !== undefined) {
    decisionKept = true;
    return remembered;
  }
  hostRandom = caps.random;
  randomDrawn = false;
  const drawing: Capabilities = { now: caps.now, hostname: caps.hostname, regex: caps.regex, random: drawRandom };
  const outcome = evaluateAll(conf, prepared, flags, forwarded, requestValues(conf, prepared, facts), drawing);
  if (!randomDrawn) remember(memo, requestField, prepared, facts, nowMs, outcome);
  decisionKept = !randomDrawn;
  return outcome;
}

/*
 * The forwarded flags' evaluations and the header's items: two lists reused by every
 * evaluation (an evaluation never yields, see drawRandom). A list made per request grows
 * item by item, and LuaJIT reallocates it at 1, 2, 4, 8, 16 and 32 items.
 */
const forwardedResults: Evaluation[] = [];
const headerItems: string[] = [];

/** The forwarded flags of `names` in `flags`, found once per flag state. */
function forwardingOf(prepared: PreparedFeatureToggle, flags: PreparedFlags, names: readonly string[]): Forwarding {
  const known = prepared.forwarding;
  if (known !== undefined && known.flags === flags && known.names === names) return known;
  const list: ForwardedFlag[] = [];
  const position: { [name: string]: number } = {};
  for (const name of names) {
    const feature = featureNamed(flags, name);
    if (feature === undefined) continue;
    const items: { [variant: string]: string } = {};
    for (const variant of feature.source.variants ?? []) items[variant.name] = `${name}=${variant.name}`;
    for (const strategy of feature.source.strategies ?? []) {
      for (const variant of strategy.variants ?? []) items[variant.name] = `${name}=${variant.name}`;
    }
    position[name] = list.length;
    list.push({ name, feature, items });
  }
  const forwarding: Forwarding = { flags, names, list, position };
  prepared.forwarding = forwarding;
  return forwarding;
}

/** The refusal for a required flag that is off: its result among the forwarded flags', else its own evaluation. */
function refusal(
  conf: FeatureToggleConfig,
  prepared: PreparedFeatureToggle,
  forwarding: Forwarding,
  name: string,
  context: ContextValues,
  caps: Capabilities,
): AccessOutcome | undefined {
  // typeof: in JavaScript a name such as "constructor" finds an inherited property.
  const at: unknown = forwarding.position[name];
  const evaluation = typeof at === "number" ? forwardedResults[at]! : evaluateIn(forwarding.flags, name, context, caps);
  return evaluation.enabled ? undefined : rejection(conf, prepared, name, evaluation);
}

/**
 * Evaluates each flag once: the forwarded ones in one loop, then the required ones
 * (refusing on the first that is off), from the loop's results where they are forwarded.
 */
function evaluateAll(
  conf: FeatureToggleConfig,
  prepared: PreparedFeatureToggle,
  flags: PreparedFlags,
  forwarded: readonly string[],
  context: ContextValues,
  caps: Capabilities,
): AccessOutcome {
  const clearUpstream = prepared.clearUpstream;
  const forwarding = forwardingOf(prepared, flags, forwarded);
  const list = forwarding.list;
  const results = forwardedResults;
  const items = headerItems;
  let count = 0;
  // The length read once: tstl re-reads `list.length` (Lua's `#`) on every turn otherwise.
  const total = list.length;
  for (let i = 0; i < total; i++) {
    const flag = list[i]!;
    const evaluation = evaluateFeature(flag.feature, flags, context, caps);
    results[i] = evaluation;
    if (!evaluation.enabled) continue;
    const variant = evaluation.variant;
    items[count] = variant.enabled ? (flag.items[variant.name] ?? `${flag.name}=${variant.name}`) : flag.name;
    count++;
  }
  // Drops what a longer list of an earlier request left behind (the room stays).
  items.length = count;
  // A route usually requires one flag: it is checked without a loop, because a second
  // loop per request costs LuaJIT its traces (hosts/lua/each.ts).
  const required = conf.require;
  if (required.length > 0) {
    const refused = refusal(conf, prepared, forwarding, required[0]!, context, caps);
    if (refused !== undefined) return refused;
    for (let i = 1; i < required.length; i++) {
      const refusedToo = refusal(conf, prepared, forwarding, required[i]!, context, caps);
      if (refusedToo !== undefined) return refusedToo;
    }
  }
  if (count === 0) return { clearUpstream };
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
  return evaluateIn(prepared.flags, name, requestValues(conf, prepared, facts), { now, random: () => 0 });
}
