/**
 * entitlement-check shares a pass outcome per plan and status
 * (PreparedEntitlementCheck.passByPlan): tests/scenarios/entitlement-pass-outcome.json,
 * the same steps tests/lua/entitlement_pass_outcome_spec.lua runs against the compiled Lua.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { validateConfig } from "../../plugins/core/validate.ts";
import { evaluate } from "../../plugins/entitlement-check/decide.ts";
import { entitlementCheckSchema, type EntitlementCheckConfig } from "../../plugins/entitlement-check/schema.ts";
import type { Subscription } from "../../plugins/entitlement-check/subscription.ts";
import type { RequestFacts } from "../../plugins/core/facts.ts";

interface Scenario {
  config: Record<string, unknown>;
  facts: RequestFacts;
  now: number;
  rounds: number;
  cases: { subscription: Subscription; upstream: Record<string, string> }[];
}

const scenario = JSON.parse(readFileSync("tests/scenarios/entitlement-pass-outcome.json", "utf8")) as Scenario;

it("gives every plan and status its own upstream headers, the same on every request", () => {
  const conf = structuredClone(scenario.config);
  const problem = validateConfig(entitlementCheckSchema, conf);
  if (problem !== undefined) throw new Error(problem);
  for (let round = 1; round <= scenario.rounds; round++) {
    for (const [i, c] of scenario.cases.entries()) {
      const outcome = evaluate(conf as unknown as EntitlementCheckConfig, scenario.facts, { kind: "found", subscription: c.subscription }, scenario.now);
      expect(outcome.rejection, `round ${round}, case ${i + 1}`).toBeUndefined();
      expect(outcome.upstream, `round ${round}, case ${i + 1}`).toEqual(c.upstream);
      expect(outcome.plan, `round ${round}, case ${i + 1}`).toBe(c.upstream["X-Plan"]);
    }
  }
});
