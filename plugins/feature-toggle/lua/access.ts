/**
 * feature-toggle's access step for the Lua hosts (Kong and APISIX): the pure
 * decision of ../decide.ts with the Lua capabilities — clock (ngx.now), random
 * source (math.random) and REGEX matcher (ngx.re.find with "jo": PCRE, JIT,
 * compiled once per pattern and cached per worker).
 */
import type { RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import { decideFeatures, prepare } from "../decide";
import type { Capabilities } from "../evaluate";
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

export function featureToggleAccess(conf: FeatureToggleConfig, facts: RequestFacts): AccessOutcome {
  const caps: Capabilities = { now: now(), random, regex: luaRegex };
  return decideFeatures(conf, prepare(conf), facts, caps, unleashFlags(conf));
}

export function featureToggleNeeds(conf: FeatureToggleConfig) {
  return prepare(conf).needs;
}
