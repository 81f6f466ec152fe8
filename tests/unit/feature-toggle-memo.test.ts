/**
 * feature-toggle's remembered decisions (plugins/feature-toggle/memo.ts), from
 * tests/scenarios/feature-toggle-memo.json: the same steps
 * tests/lua/feature_toggle_memo_spec.lua runs against the compiled Lua.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { RequestFacts } from "../../plugins/core/facts.ts";
import type { AccessOutcome } from "../../plugins/core/outcome.ts";
import { validateConfig } from "../../plugins/core/validate.ts";
import { decideFeatures, prepare, requestField, requestValues } from "../../plugins/feature-toggle/decide.ts";
import { contextValue } from "../../plugins/feature-toggle/evaluate.ts";
import { parseIsoTime } from "../../plugins/feature-toggle/parse.ts";
import { featureToggleSchema, type FeatureToggleConfig } from "../../plugins/feature-toggle/schema.ts";

interface Step {
  note?: string;
  at: string;
  random?: number;
  facts: RequestFacts;
  remembered: boolean;
  on?: string[];
  off?: string[];
  refused?: string;
}

interface Scenario {
  fields: string[];
  configs: { name: string; config: Record<string, unknown>; steps: Step[] }[];
}

const scenario = JSON.parse(readFileSync("tests/scenarios/feature-toggle-memo.json", "utf8")) as Scenario;

function validated(config: Record<string, unknown>): FeatureToggleConfig {
  const conf = structuredClone(config);
  const problem = validateConfig(featureToggleSchema, conf);
  if (problem !== undefined) throw new Error(problem);
  return conf as unknown as FeatureToggleConfig;
}

/** The forwarded items ("flag" or "flag=variant"). */
function forwardedItems(outcome: AccessOutcome): string[] {
  return outcome.features === undefined ? [] : outcome.features.split(",");
}

describe.each(scenario.configs)("$name", ({ config, steps }) => {
  it("answers every step as a fresh evaluation would, from the memo exactly when expected", () => {
    const conf = validated(config);
    const fresh = validated({ ...config, decision_cache_size: 0 });
    const prepared = prepare(conf);
    for (const [i, step] of steps.entries()) {
      const at = `step ${i + 1} (${step.note ?? step.at})`;
      const caps = { now: parseIsoTime(step.at)! / 1000, random: () => step.random ?? 0.5 };
      const hitsBefore = prepared.memo?.hits ?? 0;
      const outcome = decideFeatures(conf, prepared, step.facts, caps);
      expect(outcome, at).toEqual(decideFeatures(fresh, prepare(fresh), step.facts, caps));
      expect((prepared.memo?.hits ?? 0) > hitsBefore, `${at}: remembered`).toBe(step.remembered);
      if (step.refused !== undefined) expect(outcome.rejection?.body["feature"], at).toBe(step.refused);
      else expect(outcome.rejection, at).toBeUndefined();
      const items = forwardedItems(outcome);
      for (const item of step.on ?? []) expect(items, `${at}: ${item} forwarded`).toContain(item);
      for (const flag of step.off ?? []) expect(items.some((item) => item === flag || item.startsWith(`${flag}=`)), `${at}: ${flag} not forwarded`).toBe(false);
    }
  });

  it("reads every context field without building the context as the evaluation sees it in the context", () => {
    const conf = validated(config);
    const prepared = prepare(conf);
    for (const step of steps) {
      const values = requestValues(conf, prepared, step.facts);
      for (const field of scenario.fields) {
        expect(requestField(prepared, step.facts, field), `${field} of ${JSON.stringify(step.facts)}`).toBe(contextValue(values, field));
      }
    }
  });
});
