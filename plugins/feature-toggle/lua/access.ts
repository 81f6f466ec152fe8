/**
 * feature-toggle's access step for the Lua hosts (Kong and APISIX): the pure
 * decision of ../decide.ts with the Lua capabilities — clock (ngx.now), random
 * source (math.random) and REGEX matcher (ngx.re.find with "jo": PCRE, JIT,
 * compiled once per pattern and cached per worker).
 */
import type { RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import { decideFeatures, lastDecisionKept, prepare, requestField, type RemoteFlags } from "../decide";
import { CONSUMER_FIELDS, type Capabilities, type PreparedFlags } from "../evaluate";
import { keepFor, newMemosByConfig, recallFor, type MemosByConfig } from "../../hosts/lua/consumer-memo";
import { cellAt, type DecisionMemo } from "../memo";
import type { RegexMatcher } from "../regex";
import type { FeatureToggleConfig } from "../schema";
import { unleashFlags } from "./unleash";

/**
 * FOR TESTS ONLY: seconds added to the clock, read once per worker from the
 * environment variable TOLLGATE_TEST_CLOCK_OFFSET (nginx passes it on only with an
 * `env TOLLGATE_TEST_CLOCK_OFFSET;` directive). It lets a test move trial windows
 * without waiting for days; never set it on a real gateway.
 */
let clockOffset: number | undefined;

function now(): number {
  if (clockOffset === undefined) clockOffset = tonumber(os.getenv("TOLLGATE_TEST_CLOCK_OFFSET") ?? "0") ?? 0;
  return ngx.now() + clockOffset;
}

const luaRegex: RegexMatcher = (pattern, flags, subject) => {
  const [from, , err] = ngx.re.find(subject, pattern, `jo${flags}`);
  if (from !== undefined) return true;
  return err !== undefined ? undefined : false;
};

const random = (): number => math.random();

/*
 * Decisions remembered per consumer, in front of the decision memo (../memo.ts). When
 * every field the flags read comes from the consumer or the config (ContextReads.
 * consumerKeyed) and the caller has a userId, a kept decision depends only on the
 * consumer, the tier an earlier plugin decided, the clock cell and the flag state: the
 * consumer's next request is then answered by one lookup and those checks, before any
 * request fact is read — which is most of this plugin's work for a known caller, and a
 * request path short enough for LuaJIT to compile whole. At most decision_cache_size
 * consumers per generation (hosts/lua/consumer-memo.ts), per config table.
 */
interface Remembered {
  outcome: AccessOutcome;
  /** The decision memo it came from (its flag state and clock instants). */
  memo: DecisionMemo;
  /** What unleashFlags answered then (undefined: inline flags). */
  remote: RemoteFlags | undefined;
  cell: number;
  /** The tier an earlier plugin had decided (RequestFacts.decidedTier). */
  tier: string | undefined;
  /** Whether flags come from Unleash or a bootstrap file (then their state is checked per request). */
  remoteSource: boolean;
}

const decisions: MemosByConfig<FeatureToggleConfig, Remembered> = newMemosByConfig();

/**
 * The decision remembered for this consumer under this config, when still good; else
 * undefined (then call featureToggleAccess). `consumer`: the host's consumer table;
 * `decidedTier`: what an earlier plugin decided (kong.ctx.shared / ctx tollgate_tier).
 */
export function rememberedFeatures(conf: FeatureToggleConfig, consumer: object | undefined, decidedTier: string | undefined): AccessOutcome | undefined {
  const remembered = recallFor(decisions, conf, consumer);
  if (remembered === undefined || remembered.tier !== decidedTier) return undefined;
  if (remembered.memo.flags.reads.instants.length > 0 && cellAt(remembered.memo, now() * 1000) !== remembered.cell) return undefined;
  if (remembered.remoteSource && unleashFlags(conf) !== remembered.remote) return undefined;
  return remembered.outcome;
}

/** Whether this config's decisions under `flags` may be keyed by the consumer (see ContextReads.consumerKeyed). */
function consumerKeyed(conf: FeatureToggleConfig, flags: PreparedFlags): boolean {
  if (!flags.reads.consumerKeyed) return false;
  // A context header may only stand in for a field the gateway leaves empty: one named
  // like a consumer or config field would make that field a request's.
  for (const property in conf.context_headers ?? {}) if (CONSUMER_FIELDS[property] === true) return false;
  return true;
}

/** The capabilities of the request being decided: one table, its clock set per request (a decision never yields). */
const caps: Capabilities = { now: 0, random, regex: luaRegex };

export function featureToggleAccess(conf: FeatureToggleConfig, facts: RequestFacts, consumer?: object): AccessOutcome {
  caps.now = now();
  const prepared = prepare(conf);
  const remote = unleashFlags(conf);
  const outcome = decideFeatures(conf, prepared, facts, caps, remote);
  const memo = prepared.memo;
  if (consumer === undefined || memo === undefined || !lastDecisionKept()) return outcome;
  if (requestField(prepared, facts, "userId") === undefined || !consumerKeyed(conf, memo.flags)) return outcome;
  const remoteSource = conf.unleash !== undefined || conf.bootstrap_file !== undefined;
  keepFor(decisions, conf, conf.decision_cache_size, consumer, { outcome, memo, remote, cell: cellAt(memo, caps.now * 1000), tier: facts.decidedTier, remoteSource });
  return outcome;
}

export function featureToggleNeeds(conf: FeatureToggleConfig) {
  return prepare(conf).needs;
}
