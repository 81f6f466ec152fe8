/**
 * entitlement-check builds a pass outcome once per plan and status and shares it
 * (decideEntitlement, PreparedEntitlementCheck.passByPlan): one config deciding for
 * several subscriptions must still give each its own plan, features and status.
 */
import { expect, it } from "vitest";
import { validateConfig } from "../../plugins/core/validate.ts";
import { evaluate } from "../../plugins/entitlement-check/decide.ts";
import { entitlementCheckSchema, type EntitlementCheckConfig } from "../../plugins/entitlement-check/schema.ts";
import type { Lookup } from "../../plugins/entitlement-check/subscription.ts";

function config(): EntitlementCheckConfig {
  const conf: Record<string, unknown> = {
    plans: { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } },
    subscription_sources: ["service"],
    service: { url: "http://127.0.0.1:1" },
    status_header: "X-Subscription-Status",
  };
  const problem = validateConfig(entitlementCheckSchema, conf);
  if (problem !== undefined) throw new Error(problem);
  return conf as unknown as EntitlementCheckConfig;
}

const facts = { method: "GET", consumer: { id: "c1", username: "u1" } };
const found = (plan: string | undefined, status: string, features?: string[]): Lookup => ({ kind: "found", subscription: { plan, status, features } });
const NOW = 1_700_000_000;

it("gives every plan and status its own upstream headers, the same on every request", () => {
  const conf = config();
  const cases: [Lookup, Record<string, string>][] = [
    [found("premium", "active"), { "X-Plan": "premium", "X-Entitlements": "basic,reports", "X-Subscription-Status": "active" }],
    [found("premium", "trialing"), { "X-Plan": "premium", "X-Entitlements": "basic,reports", "X-Subscription-Status": "trialing" }],
    [found("free", "active"), { "X-Plan": "free", "X-Entitlements": "basic", "X-Subscription-Status": "active" }],
    [found("free", "active", ["beta"]), { "X-Plan": "free", "X-Entitlements": "basic,beta", "X-Subscription-Status": "active" }],
  ];
  for (let round = 0; round < 2; round++) {
    for (const [lookup, upstream] of cases) {
      const outcome = evaluate(conf, facts, lookup, NOW);
      expect(outcome.rejection).toBeUndefined();
      expect(outcome.upstream).toEqual(upstream);
      expect(outcome.plan).toBe(upstream["X-Plan"]);
    }
  }
});
