/**
 * Unleash-compatible flag evaluation, pure: the same flags give the same answer as
 * Unleash's SDKs (checked against the official client specification in vitest and
 * in busted), so a user lands in the same rollout bucket and variant at the gateway
 * as in the application.
 *
 * Supported: strategies default, userWithId, flexibleRollout (stickiness default,
 * userId, sessionId, random or any context field; groupId), gradualRolloutUserId,
 * gradualRolloutSessionId, gradualRolloutRandom, remoteAddress, applicationHostname
 * (with the hostname the host passes), and tollgate's `tiers` (enabled for the tiers
 * listed in the `tiers` parameter, read from the context property `tier`); strategy
 * constraints with every Unleash operator and `inverted` / `caseInsensitive`;
 * segments; dependent features; variants (weights, stickiness, overrides, seed
 * 86028157) at feature and strategy level; and tollgate's `startTime` / `endTime`
 * window on a flag for trials and betas.
 *
 * The result carries an OpenFeature reason (STATIC, TARGETING_MATCH, SPLIT, DEFAULT,
 * DISABLED, ERROR) and, for errors, an OpenFeature error code (FLAG_NOT_FOUND).
 */
import { ipInStrings } from "../core/cidr";
import { bucketOf, newBucketBudget, newBucketTable, type BucketBudget, type BucketTable } from "./buckets";
import { compareSemver, parseDecimal, parseIsoTime, parseSemver, splitTrimmed, trim, type SemVer } from "./parse";
import { portableRegex, type PortableRegex, type RegexMatcher } from "./regex";

/** Seed of variant hashing in every Unleash SDK. */
export const VARIANT_SEED = 86028157;

export interface Constraint {
  contextName: string;
  operator: string;
  values?: string[];
  value?: string;
  inverted?: boolean;
  caseInsensitive?: boolean;
}

export interface VariantPayload {
  type: string;
  value: string;
}

export interface VariantOverride {
  contextName: string;
  values: string[];
}

export interface VariantDefinition {
  name: string;
  weight: number;
  stickiness?: string;
  payload?: VariantPayload;
  overrides?: VariantOverride[];
}

export interface Strategy {
  name: string;
  parameters?: { [name: string]: string | number };
  constraints?: Constraint[];
  segments?: number[];
  variants?: VariantDefinition[];
  disabled?: boolean;
}

export interface Dependency {
  feature: string;
  enabled?: boolean;
  variants?: string[];
}

export interface Feature {
  name: string;
  enabled: boolean;
  strategies?: Strategy[];
  variants?: VariantDefinition[];
  dependencies?: Dependency[];
  /** tollgate: ISO 8601 time from which the flag can be on (trials, betas). */
  startTime?: string;
  /** tollgate: ISO 8601 time from which the flag is off again. */
  endTime?: string;
}

export interface Segment {
  id: number;
  constraints: Constraint[];
}

/** What Unleash's client API (`/api/client/features`) returns, or the inline config. */
export interface FlagState {
  features: Feature[];
  segments?: Segment[];
}

/** The Unleash context: standard fields plus custom properties. */
export interface FlagContext {
  userId?: string;
  sessionId?: string;
  remoteAddress?: string;
  environment?: string;
  appName?: string;
  /** ISO 8601; when absent, the evaluation's `now`. */
  currentTime?: string;
  properties?: { [name: string]: string };
}

export interface VariantResult {
  name: string;
  enabled: boolean;
  feature_enabled: boolean;
  payload?: VariantPayload;
}

export type Reason = "STATIC" | "TARGETING_MATCH" | "SPLIT" | "DEFAULT" | "DISABLED" | "ERROR";

export interface Evaluation {
  enabled: boolean;
  variant: VariantResult;
  reason: Reason;
  /** OpenFeature error code when reason is ERROR. */
  errorCode?: "FLAG_NOT_FOUND";
  /**
   * tollgate's finer cause of a disabled result: not_found, disabled, dependency,
   * not_started, ended, not_targeted.
   */
  detail?: string;
}

/** What the host provides to an evaluation. */
export interface Capabilities {
  /** REGEX operator (see regex.ts); without it, a REGEX constraint never matches. */
  regex?: RegexMatcher;
  /** Seconds since the epoch (DATE_* operators without context.currentTime, start/end windows). */
  now: number;
  /** For the applicationHostname strategy. */
  hostname?: string;
  /** A number in [0, 1) for random stickiness and gradualRolloutRandom (Node: Math.random; Lua: math.random, which tstl cannot emit from Math.random). */
  random: (this: void) => number;
}

/*
 * Evaluation runs per request for every configured flag (50 in the benchmark), so a
 * state is compiled once (prepareFlags): parameter lists become sets, numbers, dates
 * and versions are parsed, every rollout and variant set gets a table of its callers'
 * buckets (buckets.ts), and every result that does not depend on the caller is
 * allocated once and shared. The per-request path then allocates nothing but the key
 * string of a caller's first hash.
 */

interface CompiledConstraint {
  source: Constraint;
  inverted: boolean;
  /** IN / NOT_IN: trimmed values. */
  set?: { [value: string]: boolean };
  /** STR_*: values, lower-cased when caseInsensitive. */
  strings?: string[];
  /** IN_CIDR: trimmed ranges. */
  ranges?: string[];
  number?: number;
  /** DATE_*: milliseconds since the epoch. */
  time?: number;
  semver?: SemVer;
  /** REGEX: the portable pattern, or undefined when Unleash's dialect refuses it. */
  regex?: PortableRegex;
}

interface CompiledVariants {
  definitions: VariantDefinition[];
  total: number;
  /** Per variant (same index): the running total of weights up to and including it. */
  bounds: number[];
  stickiness?: string;
  /** The callers' buckets (seed 86028157, normalizer the total weight). */
  buckets: BucketTable;
  /** Per variant (same index): the result when chosen by weight, and by override. */
  bySplit: Evaluation[];
  byOverride: Evaluation[];
  hasOverrides: boolean;
}

interface CompiledStrategy {
  source: Strategy;
  disabled: boolean;
  segments: CompiledConstraint[][] | undefined;
  /** A segment id that does not exist: the strategy never enables. */
  missingSegment: boolean;
  constraints: CompiledConstraint[];
  /** Whether anything besides the rule is to be checked: disabled, segments, constraints. */
  conditional: boolean;
  /** userIds, tiers, hostNames (lower-cased): as a set. */
  list?: { [item: string]: boolean };
  /** remoteAddress: the IPs parameter's entries. */
  ips?: string[];
  /** Percentage of flexibleRollout / gradualRollout*. */
  rollout: number;
  stickiness: string;
  /** The callers' buckets of a rollout strategy (seed 0, normalizer 100). */
  buckets?: BucketTable;
  variants?: CompiledVariants;
  /**
   * The variants to pick from when this strategy enables: its own; none when it lists
   * variants that weigh nothing; else the feature's (set by prepareFlags).
   */
  matchedVariants: CompiledVariants | undefined;
  /** The result when this strategy enables and has no variants of its own. */
  hit: Evaluation;
}

export interface CompiledFeature {
  source: Feature;
  start?: number;
  end?: number;
  strategies: CompiledStrategy[];
  variants?: CompiledVariants;
  /** Enabled with no variant to pick. */
  plain: Evaluation;
  /** The result, when it depends on nothing an evaluation is given (see constantResult). */
  constant: Evaluation | undefined;
  /** Whether a start/end window or dependencies are to be checked. */
  gated: boolean;
}

/**
 * Everything outside the flags that an evaluation of this state can read, found once
 * when the state is compiled: what a remembered decision must be keyed by (memo.ts).
 */
export interface ContextReads {
  /** Context fields (as contextValue reads them), in a fixed order. */
  fields: string[];
  /**
   * Instants (ms since the epoch), ascending, at which a start/end window or a DATE_*
   * constraint changes its answer: between two of them the clock changes nothing.
   */
  instants: number[];
  /**
   * Whether, for a caller with a userId, every field an evaluation reads comes from the
   * consumer or the config (userId, consumer, plan, tier, environment, appName): sessionId
   * and remoteAddress are then read only as default stickiness falls back from an empty
   * userId. A host may then key a decision by the consumer alone (with the tier an
   * earlier plugin decided, and the clock cell).
   */
  consumerKeyed: boolean;
}

/** A state compiled for evaluation; build once per state (see prepareFlags). */
export interface PreparedFlags {
  features: { [name: string]: CompiledFeature };
  reads: ContextReads;
}

const DISABLED_VARIANT: VariantResult = { name: "disabled", enabled: false, feature_enabled: false };
const ENABLED_NO_VARIANT: VariantResult = { name: "disabled", enabled: false, feature_enabled: true };

function off(reason: Reason, detail: string): Evaluation {
  return { enabled: false, variant: DISABLED_VARIANT, reason, detail };
}

const OFF_DISABLED = off("DISABLED", "disabled");
const OFF_NOT_STARTED = off("DISABLED", "not_started");
const OFF_ENDED = off("DISABLED", "ended");
const OFF_DEPENDENCY = off("DISABLED", "dependency");
const OFF_NOT_TARGETED = off("DEFAULT", "not_targeted");
const NOT_FOUND: Evaluation = { enabled: false, variant: DISABLED_VARIANT, reason: "ERROR", errorCode: "FLAG_NOT_FOUND", detail: "not_found" };

function lower(s: string): string {
  return s.toLowerCase();
}

function compileConstraint(constraint: Constraint): CompiledConstraint {
  const compiled: CompiledConstraint = { source: constraint, inverted: constraint.inverted === true };
  const values = constraint.values ?? [];
  const insensitive = constraint.caseInsensitive === true;
  switch (constraint.operator) {
    case "IN":
    case "NOT_IN": {
      const set: { [value: string]: boolean } = {};
      for (const value of values) set[trim(value)] = true;
      compiled.set = set;
      break;
    }
    case "STR_STARTS_WITH":
    case "STR_ENDS_WITH":
    case "STR_CONTAINS": {
      const strings: string[] = [];
      for (const value of values) strings.push(insensitive ? lower(value) : value);
      compiled.strings = strings;
      break;
    }
    case "IN_CIDR": {
      const ranges: string[] = [];
      for (const value of values) ranges.push(trim(value));
      compiled.ranges = ranges;
      break;
    }
    case "NUM_EQ":
    case "NUM_GT":
    case "NUM_GTE":
    case "NUM_LT":
    case "NUM_LTE":
      if (constraint.value !== undefined) compiled.number = parseDecimal(`${constraint.value}`);
      break;
    case "DATE_AFTER":
    case "DATE_BEFORE":
      if (constraint.value !== undefined) compiled.time = parseIsoTime(constraint.value);
      break;
    case "SEMVER_EQ":
    case "SEMVER_GT":
    case "SEMVER_GTE":
    case "SEMVER_LT":
    case "SEMVER_LTE":
      if (constraint.value !== undefined) compiled.semver = parseSemver(constraint.value);
      break;
    case "REGEX":
      if (constraint.value !== undefined) compiled.regex = portableRegex(constraint.value, insensitive);
      break;
  }
  return compiled;
}

function compileConstraints(constraints: Constraint[] | undefined): CompiledConstraint[] {
  const compiled: CompiledConstraint[] = [];
  if (constraints !== undefined) for (const constraint of constraints) compiled.push(compileConstraint(constraint));
  return compiled;
}

function parameter(strategy: Strategy, name: string): string | undefined {
  const value = strategy.parameters?.[name];
  if (value === undefined) return undefined;
  return typeof value === "number" ? `${value}` : value;
}

function listSet(strategy: Strategy, name: string, lowerCase: boolean): { [item: string]: boolean } {
  const set: { [item: string]: boolean } = {};
  const list = parameter(strategy, name);
  if (list !== undefined) {
    for (const item of splitTrimmed(list, ",")) if (item !== "") set[lowerCase ? lower(item) : item] = true;
  }
  return set;
}

function compileVariants(
  definitions: VariantDefinition[] | undefined,
  groupId: string,
  inherited: string | undefined,
  budget: BucketBudget,
): CompiledVariants | undefined {
  if (definitions === undefined || definitions.length === 0) return undefined;
  let total = 0;
  let hasOverrides = false;
  const bounds: number[] = [];
  const bySplit: Evaluation[] = [];
  const byOverride: Evaluation[] = [];
  for (const definition of definitions) {
    total += definition.weight;
    bounds.push(total);
    if (definition.overrides !== undefined && definition.overrides.length > 0) hasOverrides = true;
    const variant: VariantResult = { name: definition.name, enabled: true, feature_enabled: true, payload: definition.payload };
    bySplit.push({ enabled: true, variant, reason: "SPLIT" });
    byOverride.push({ enabled: true, variant, reason: "TARGETING_MATCH" });
  }
  if (total <= 0) return undefined;
  return { definitions, total, stickiness: definitions[0]!.stickiness ?? inherited, bounds, buckets: newBucketTable(budget, groupId, VARIANT_SEED, total), bySplit, byOverride, hasOverrides };
}

/** The strategies that bucket callers by murmur3. */
const ROLLOUT_RULES: { readonly [name: string]: boolean } = {
  flexibleRollout: true,
  gradualRolloutUserId: true,
  gradualRolloutSessionId: true,
};

function strategyReason(strategy: Strategy): Reason {
  const targeted = (strategy.constraints !== undefined && strategy.constraints.length > 0) || (strategy.segments !== undefined && strategy.segments.length > 0);
  if (strategy.name === "flexibleRollout" || strategy.name === "gradualRolloutUserId" || strategy.name === "gradualRolloutSessionId" || strategy.name === "gradualRolloutRandom") return "SPLIT";
  if (strategy.name === "default" && !targeted) return "STATIC";
  return "TARGETING_MATCH";
}

function compileStrategy(strategy: Strategy, feature: Feature, segments: { [id: string]: CompiledConstraint[] }, budget: BucketBudget): CompiledStrategy {
  let compiledSegments: CompiledConstraint[][] | undefined;
  let missingSegment = false;
  if (strategy.segments !== undefined && strategy.segments.length > 0) {
    compiledSegments = [];
    for (const id of strategy.segments) {
      const segment = segments[`${id}`];
      if (segment === undefined) missingSegment = true;
      else compiledSegments.push(segment);
    }
  }
  const reason = strategyReason(strategy);
  const name = strategy.name;
  const rollout = parameter(strategy, name === "flexibleRollout" ? "rollout" : "percentage");
  const stickiness = parameter(strategy, "stickiness");
  const groupId = parameter(strategy, "groupId") ?? (name === "flexibleRollout" ? feature.name : "");
  const compiled: CompiledStrategy = {
    source: strategy,
    disabled: strategy.disabled === true,
    segments: compiledSegments,
    missingSegment,
    constraints: compileConstraints(strategy.constraints),
    conditional:
      strategy.disabled === true ||
      missingSegment ||
      compiledSegments !== undefined ||
      (strategy.constraints !== undefined && strategy.constraints.length > 0),
    rollout: rollout === undefined ? 0 : (parseDecimal(rollout) ?? 0),
    stickiness: stickiness === undefined || stickiness === "" ? "default" : stickiness,
    buckets: ROLLOUT_RULES[name] === true ? newBucketTable(budget, groupId, 0, 100) : undefined,
    // Strategy variants without their own stickiness use the strategy's; their group is the strategy's groupId.
    variants: compileVariants(strategy.variants, parameter(strategy, "groupId") ?? feature.name, stickiness, budget),
    matchedVariants: undefined,
    hit: { enabled: true, variant: ENABLED_NO_VARIANT, reason },
  };
  if (name === "userWithId") compiled.list = listSet(strategy, "userIds", false);
  if (name === "tiers") compiled.list = listSet(strategy, "tiers", false);
  if (name === "applicationHostname") compiled.list = listSet(strategy, "hostNames", true);
  if (name === "remoteAddress") {
    const ips = parameter(strategy, "IPs");
    compiled.ips = ips === undefined ? [] : splitTrimmed(ips, ",");
  }
  return compiled;
}

export function prepareFlags(state: FlagState): PreparedFlags {
  const segments: { [id: string]: CompiledConstraint[] } = {};
  for (const segment of state.segments ?? []) segments[`${segment.id}`] = compileConstraints(segment.constraints);
  const features: { [name: string]: CompiledFeature } = {};
  const budget = newBucketBudget();
  for (const feature of state.features) {
    const strategies: CompiledStrategy[] = [];
    for (const strategy of feature.strategies ?? []) strategies.push(compileStrategy(strategy, feature, segments, budget));
    const variants = compileVariants(feature.variants, feature.name, undefined, budget);
    for (const strategy of strategies) {
      const listed = strategy.source.variants !== undefined && strategy.source.variants.length > 0;
      strategy.matchedVariants = strategy.variants ?? (listed ? undefined : variants);
    }
    const compiled: CompiledFeature = {
      source: feature,
      start: feature.startTime === undefined ? undefined : parseIsoTime(feature.startTime),
      end: feature.endTime === undefined ? undefined : parseIsoTime(feature.endTime),
      strategies,
      variants,
      plain: { enabled: true, variant: ENABLED_NO_VARIANT, reason: "STATIC" },
      constant: undefined,
      gated: feature.startTime !== undefined || feature.endTime !== undefined || (feature.dependencies !== undefined && feature.dependencies.length > 0),
    };
    compiled.constant = constantResult(compiled);
    features[feature.name] = compiled;
  }
  return { features, reads: contextReads(features, segments) };
}

/**
 * A flag's result when no context, clock or other flag can change it — a kill switch
 * that is off, or a flag on for everyone with no variant to pick — so evaluating it is
 * one field read (the benchmark's plain on/off flags). Mirrors evaluateFeature.
 */
function constantResult(compiled: CompiledFeature): Evaluation | undefined {
  if (!compiled.source.enabled) return OFF_DISABLED;
  if (compiled.gated) return undefined;
  if (compiled.strategies.length === 0) return compiled.variants === undefined ? compiled.plain : undefined;
  const first = compiled.strategies[0]!;
  if (first.source.name === "default" && !first.conditional && first.matchedVariants === undefined) return first.hit;
  return undefined;
}

/*
 * What an evaluation reads, mirroring the evaluation below: a construct added there
 * must be added here, or a remembered decision could miss a field it depends on
 * (tests/scenarios/feature-toggle-memo.json compares remembered and fresh decisions).
 * Random draws are not listed: memo.ts watches for them and keeps no such decision.
 */
function contextReads(features: { [name: string]: CompiledFeature }, segments: { [id: string]: CompiledConstraint[] }): ContextReads {
  const fields: { [field: string]: boolean } = {};
  /** Fields read whatever the userId (fields less default stickiness's fallbacks). */
  const always: { [field: string]: boolean } = {};
  const read = (field: string): void => {
    fields[field] = true;
    always[field] = true;
  };
  const instants: { [ms: string]: number } = {};
  const readConstraints = (constraints: CompiledConstraint[]): void => {
    for (const constraint of constraints) {
      const operator = constraint.source.operator;
      if (operator === "DATE_AFTER" || operator === "DATE_BEFORE") {
        // Compared with the clock (or context.currentTime, which a gateway request never has).
        if (constraint.time !== undefined) instants[`${constraint.time}`] = constraint.time;
      } else {
        read(constraint.source.contextName);
      }
    }
  };
  const readStickiness = (stickiness: string | undefined, fallbackToAddress: boolean): void => {
    if (stickiness === undefined || stickiness === "default") {
      read("userId");
      fields["sessionId"] = true;
      if (fallbackToAddress) fields["remoteAddress"] = true;
    } else if (stickiness !== "random") {
      read(stickiness);
    }
  };
  const readVariants = (variants: CompiledVariants | undefined): void => {
    if (variants === undefined) return;
    readStickiness(variants.stickiness, true);
    for (const definition of variants.definitions) {
      for (const override of definition.overrides ?? []) read(override.contextName);
    }
  };
  for (const id in segments) readConstraints(segments[id]!);
  for (const name in features) {
    const feature = features[name]!;
    if (feature.start !== undefined) instants[`${feature.start}`] = feature.start;
    if (feature.end !== undefined) instants[`${feature.end}`] = feature.end;
    readVariants(feature.variants);
    for (const strategy of feature.strategies) {
      readConstraints(strategy.constraints);
      readVariants(strategy.variants);
      const rule = strategy.source.name;
      if (rule === "tiers") read("tier");
      else if (rule === "userWithId" || rule === "gradualRolloutUserId") read("userId");
      else if (rule === "gradualRolloutSessionId") read("sessionId");
      else if (rule === "remoteAddress") read("remoteAddress");
      else if (rule === "flexibleRollout") readStickiness(strategy.stickiness, false);
    }
  }
  const fieldList: string[] = [];
  for (const field in fields) fieldList.push(field);
  fieldList.sort();
  const instantList: number[] = [];
  for (const key in instants) instantList.push(instants[key]!);
  instantList.sort((a, b) => a - b);
  let consumerKeyed = true;
  for (const field in always) if (CONSUMER_FIELDS[field] !== true) consumerKeyed = false;
  return { fields: fieldList, instants: instantList, consumerKeyed };
}

/** What an evaluation of `state` reads (ContextReads), for test vectors. */
export function contextReadsOf(state: FlagState): ContextReads {
  return prepareFlags(state).reads;
}

/** Context fields that come from the authenticated consumer or the config, not from the request. */
export const CONSUMER_FIELDS: { readonly [field: string]: boolean } = {
  userId: true,
  consumer: true,
  plan: true,
  tier: true,
  environment: true,
  appName: true,
};

/** The context's standard fields by name. */
const STANDARD_FIELDS: readonly ("userId" | "sessionId" | "remoteAddress" | "environment" | "appName" | "currentTime")[] = [
  "userId",
  "sessionId",
  "remoteAddress",
  "environment",
  "appName",
  "currentTime",
];

/**
 * A context as the rules read it: each field's value, resolved once per evaluation
 * instead of on every read (a request of 50 flags reads ~50 fields). A field is its
 * non-empty standard field, else the non-empty property of that name — except
 * currentTime, which is only ever the standard field: DATE_* constraints compare it
 * with the clock's instants, and a property must not stand in for the clock.
 * Absent and "" both mean no value (contextValue).
 */
export type ContextValues = { [field: string]: string | undefined };

/** The values of a context (see ContextValues). */
export function resolveContext(context: FlagContext): ContextValues {
  const values: ContextValues = {};
  const properties = context.properties;
  if (properties !== undefined) {
    for (const name in properties) {
      const property: unknown = properties[name];
      if (name === "currentTime") continue;
      if (typeof property === "string") values[name] = property;
      else if (typeof property === "number") values[name] = `${property}`;
    }
  }
  for (const field of STANDARD_FIELDS) {
    const value: unknown = context[field];
    if (typeof value === "string" && value !== "") values[field] = value;
  }
  return values;
}

/** A context field as every rule reads it (see ContextValues). */
export function contextValue(values: ContextValues, field: string): string | undefined {
  // typeof: in JavaScript a field such as "constructor" finds an inherited property.
  const value: unknown = values[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function randomValue(caps: Capabilities): string {
  return `${Math.floor(caps.random() * 10000) + 1}`;
}

function currentTimeMs(context: ContextValues, caps: Capabilities): number | undefined {
  const currentTime = contextValue(context, "currentTime");
  if (currentTime !== undefined) return parseIsoTime(currentTime);
  return caps.now * 1000;
}

function operatorResult(compiled: CompiledConstraint, context: ContextValues, caps: Capabilities): boolean {
  const constraint = compiled.source;
  const operator = constraint.operator;
  const actual = contextValue(context, constraint.contextName);
  switch (operator) {
    case "IN":
      return actual !== undefined && compiled.set![actual] === true;
    case "NOT_IN":
      return actual === undefined || compiled.set![actual] !== true;
    case "STR_STARTS_WITH":
    case "STR_ENDS_WITH":
    case "STR_CONTAINS": {
      if (actual === undefined) return false;
      const subject = constraint.caseInsensitive === true ? lower(actual) : actual;
      for (const value of compiled.strings!) {
        if (operator === "STR_STARTS_WITH" && subject.startsWith(value)) return true;
        if (operator === "STR_ENDS_WITH" && subject.endsWith(value)) return true;
        if (operator === "STR_CONTAINS" && subject.indexOf(value) >= 0) return true;
      }
      return false;
    }
    case "NUM_EQ":
    case "NUM_GT":
    case "NUM_GTE":
    case "NUM_LT":
    case "NUM_LTE": {
      const b = compiled.number;
      if (actual === undefined || b === undefined) return false;
      const a = parseDecimal(actual);
      if (a === undefined) return false;
      if (operator === "NUM_EQ") return a === b;
      if (operator === "NUM_GT") return a > b;
      if (operator === "NUM_GTE") return a >= b;
      if (operator === "NUM_LT") return a < b;
      return a <= b;
    }
    case "DATE_AFTER":
    case "DATE_BEFORE": {
      const limit = compiled.time;
      const now = currentTimeMs(context, caps);
      if (limit === undefined || now === undefined) return false;
      return operator === "DATE_AFTER" ? now > limit : now < limit;
    }
    case "SEMVER_EQ":
    case "SEMVER_GT":
    case "SEMVER_GTE":
    case "SEMVER_LT":
    case "SEMVER_LTE": {
      const b = compiled.semver;
      if (actual === undefined || b === undefined) return false;
      const a = parseSemver(actual);
      if (a === undefined) return false;
      const c = compareSemver(a, b);
      if (operator === "SEMVER_EQ") return c === 0;
      if (operator === "SEMVER_GT") return c > 0;
      if (operator === "SEMVER_GTE") return c >= 0;
      if (operator === "SEMVER_LT") return c < 0;
      return c <= 0;
    }
    case "IN_CIDR":
      return actual !== undefined && ipInStrings(actual, compiled.ranges!);
  }
  return false;
}

function constraintHolds(compiled: CompiledConstraint, context: ContextValues, caps: Capabilities): boolean {
  if (compiled.source.operator === "REGEX") {
    // Unleash: an invalid pattern or a missing value never enables, inverted or not.
    const actual = contextValue(context, compiled.source.contextName);
    const portable = compiled.regex;
    if (actual === undefined || portable === undefined || caps.regex === undefined) return false;
    const matched = caps.regex(portable.pattern, portable.flags, actual);
    if (matched === undefined) return false;
    return compiled.inverted ? !matched : matched;
  }
  const result = operatorResult(compiled, context, caps);
  return compiled.inverted ? !result : result;
}

/*
 * Lists of one or two (a flag's strategies, a strategy's constraints) are checked without
 * a loop: a loop inside a function that the per-flag loop calls makes LuaJIT blacklist
 * that loop, and then 50 flags per request run interpreted.
 */

function constraintsHold(constraints: CompiledConstraint[], context: ContextValues, caps: Capabilities): boolean {
  const count = constraints.length;
  if (count === 0) return true;
  if (!constraintHolds(constraints[0]!, context, caps)) return false;
  if (count === 1) return true;
  if (!constraintHolds(constraints[1]!, context, caps)) return false;
  for (let i = 2; i < count; i++) if (!constraintHolds(constraints[i]!, context, caps)) return false;
  return true;
}

/** The first of `strategies` that admits the context. */
function firstEnabled(strategies: CompiledStrategy[], context: ContextValues, caps: Capabilities): CompiledStrategy | undefined {
  const first = strategies[0]!;
  if (strategyEnabled(first, context, caps)) return first;
  const count = strategies.length;
  for (let i = 1; i < count; i++) if (strategyEnabled(strategies[i]!, context, caps)) return strategies[i];
  return undefined;
}

function rolloutStickiness(stickiness: string, context: ContextValues, caps: Capabilities): string | undefined {
  if (stickiness === "default") return contextValue(context, "userId") ?? contextValue(context, "sessionId") ?? randomValue(caps);
  if (stickiness === "random") return randomValue(caps);
  return contextValue(context, stickiness);
}

function inRollout(strategy: CompiledStrategy, id: string | undefined): boolean {
  return id !== undefined && strategy.rollout > 0 && bucketOf(strategy.buckets!, id) <= strategy.rollout;
}

/** Is this strategy's own rule (not its constraints) satisfied? */
/**
 * Whether a strategy's own rule admits the context. An if-chain, not a `switch`: tstl
 * writes a switch as a `repeat … until true` loop, and a loop inside a function that the
 * per-flag loop calls makes LuaJIT blacklist that loop (50 flags per request, interpreted).
 */
function strategyRule(strategy: CompiledStrategy, context: ContextValues, caps: Capabilities): boolean {
  const name = strategy.source.name;
  if (name === "default") return true;
  if (name === "tiers") {
    const tier = contextValue(context, "tier");
    return tier !== undefined && strategy.list![tier] === true;
  }
  if (name === "flexibleRollout") return inRollout(strategy, rolloutStickiness(strategy.stickiness, context, caps));
  if (name === "userWithId") {
    const userId = contextValue(context, "userId");
    return userId !== undefined && strategy.list![userId] === true;
  }
  if (name === "applicationHostname") return caps.hostname !== undefined && strategy.list![lower(caps.hostname)] === true;
  if (name === "remoteAddress") {
    const address = contextValue(context, "remoteAddress");
    if (address === undefined) return false;
    for (const range of strategy.ips!) {
      if (range === address || ipInStrings(address, [range])) return true;
    }
    return false;
  }
  if (name === "gradualRolloutUserId") return inRollout(strategy, contextValue(context, "userId"));
  if (name === "gradualRolloutSessionId") return inRollout(strategy, contextValue(context, "sessionId"));
  if (name === "gradualRolloutRandom") return strategy.rollout >= Math.floor(caps.random() * 100) + 1;
  return false;
}

function strategyEnabled(strategy: CompiledStrategy, context: ContextValues, caps: Capabilities): boolean {
  if (strategy.conditional && !conditionsHold(strategy, context, caps)) return false;
  return strategyRule(strategy, context, caps);
}

/** Whether a strategy's conditions (disabled, segments, constraints) let its rule decide. */
function conditionsHold(strategy: CompiledStrategy, context: ContextValues, caps: Capabilities): boolean {
  if (strategy.disabled || strategy.missingSegment) return false;
  if (strategy.segments !== undefined) {
    for (const segment of strategy.segments) if (!constraintsHold(segment, context, caps)) return false;
  }
  return constraintsHold(strategy.constraints, context, caps);
}

function variantSeed(stickiness: string | undefined, context: ContextValues, caps: Capabilities): string {
  if (stickiness !== undefined && stickiness !== "default") return contextValue(context, stickiness) ?? randomValue(caps);
  return contextValue(context, "userId") ?? contextValue(context, "sessionId") ?? contextValue(context, "remoteAddress") ?? randomValue(caps);
}

function chooseVariant(variants: CompiledVariants, context: ContextValues, caps: Capabilities): Evaluation | undefined {
  const definitions = variants.definitions;
  if (variants.hasOverrides) {
    for (let i = 0; i < definitions.length; i++) {
      const overrides = definitions[i]!.overrides;
      if (overrides === undefined) continue;
      for (const override of overrides) {
        const actual = contextValue(context, override.contextName);
        if (actual === undefined) continue;
        for (const value of override.values) if (value === actual) return variants.byOverride[i];
      }
    }
  }
  const target = bucketOf(variants.buckets, variantSeed(variants.stickiness, context, caps));
  // The first variant whose running total of weights reaches the caller's bucket (one of
  // weight 0 never does). The first two are checked without a loop, as in constraintsHold.
  const bounds = variants.bounds;
  if (bounds[0]! >= target) return variants.bySplit[0];
  const count = bounds.length;
  if (count > 1 && bounds[1]! >= target) return variants.bySplit[1];
  for (let i = 2; i < count; i++) if (bounds[i]! >= target) return variants.bySplit[i];
  return undefined;
}

function dependenciesMet(feature: Feature, flags: PreparedFlags, context: ContextValues, caps: Capabilities): boolean {
  if (feature.dependencies === undefined) return true;
  for (const dependency of feature.dependencies) {
    const parent = featureNamed(flags, dependency.feature);
    // Unleash allows one level of dependencies only.
    if (parent === undefined || (parent.source.dependencies !== undefined && parent.source.dependencies.length > 0)) return false;
    const result = evaluateFeature(parent, flags, context, caps);
    if (dependency.enabled === false) {
      if (result.enabled) return false;
      continue;
    }
    if (!result.enabled) return false;
    const wanted = dependency.variants;
    if (wanted !== undefined && wanted.length > 0) {
      let found = false;
      for (const name of wanted) if (name === result.variant.name) found = true;
      if (!found) return false;
    }
  }
  return true;
}

export function evaluateFeature(compiled: CompiledFeature, flags: PreparedFlags, context: ContextValues, caps: Capabilities): Evaluation {
  const constant = compiled.constant;
  if (constant !== undefined) return constant;
  if (compiled.gated) {
    if (compiled.start !== undefined && caps.now * 1000 < compiled.start) return OFF_NOT_STARTED;
    if (compiled.end !== undefined && caps.now * 1000 >= compiled.end) return OFF_ENDED;
    if (!dependenciesMet(compiled.source, flags, context, caps)) return OFF_DEPENDENCY;
  }
  // Fields are read only where a path needs them: every read is a guarded load in the
  // trace of the per-flag loop.
  const strategies = compiled.strategies;
  if (strategies[0] === undefined) return withVariant(compiled.plain, compiled.variants, context, caps);
  const matched = firstEnabled(strategies, context, caps);
  if (matched === undefined) return OFF_NOT_TARGETED;
  return withVariant(matched.hit, matched.matchedVariants, context, caps);
}

/** An enabled flag's result: the variant chosen among `variants`, else `hit` (no variants, or none chosen). */
function withVariant(hit: Evaluation, variants: CompiledVariants | undefined, context: ContextValues, caps: Capabilities): Evaluation {
  return variants === undefined ? hit : (chooseVariant(variants, context, caps) ?? hit);
}

/**
 * The compiled flag of that name in the state, if it has one. Compared by name: in
 * JavaScript a name such as "constructor" or "__proto__" finds an inherited property of
 * the plain object (an Unleash state or a required flag may name anything).
 */
export function featureNamed(flags: PreparedFlags, name: string): CompiledFeature | undefined {
  const feature: CompiledFeature | undefined = flags.features[name];
  return feature !== undefined && feature.source?.name === name ? feature : undefined;
}

/**
 * Evaluates one flag by name. The result may be shared between calls: treat it as
 * read-only.
 */
export function evaluate(flags: PreparedFlags, name: string, context: FlagContext, caps: Capabilities): Evaluation {
  return evaluateIn(flags, name, resolveContext(context), caps);
}

/** evaluate, for a context already resolved. */
export function evaluateIn(flags: PreparedFlags, name: string, context: ContextValues, caps: Capabilities): Evaluation {
  const feature = featureNamed(flags, name);
  if (feature === undefined) return NOT_FOUND;
  return evaluateFeature(feature, flags, context, caps);
}

/** One event of Unleash's delta client API (`/api/client/delta`). */
export interface DeltaEvent {
  type: string;
  features?: Feature[];
  segments?: Segment[];
  feature?: Feature;
  featureName?: string;
  segment?: Segment;
  segmentId?: number;
}

/** The state after applying delta events in order (hydration replaces everything). */
export function applyDeltaEvents(state: FlagState, events: DeltaEvent[]): FlagState {
  let features: Feature[] = [...state.features];
  let segments: Segment[] = [...(state.segments ?? [])];
  for (const event of events) {
    if (event.type === "hydration") {
      features = [...(event.features ?? [])];
      segments = [...(event.segments ?? [])];
    } else if (event.type === "feature-updated" && event.feature !== undefined) {
      const name = event.feature.name;
      features = features.filter((f) => f.name !== name);
      features.push(event.feature);
    } else if (event.type === "feature-removed") {
      features = features.filter((f) => f.name !== event.featureName);
    } else if (event.type === "segment-updated" && event.segment !== undefined) {
      const id = event.segment.id;
      segments = segments.filter((s) => s.id !== id);
      segments.push(event.segment);
    } else if (event.type === "segment-removed") {
      segments = segments.filter((s) => s.id !== event.segmentId);
    }
  }
  return { features, segments };
}
