/**
 * tier-limit's remembered counter checks (planAccess's recentChecks) stay bounded:
 * the same steps tests/lua/tier_limit_memo_spec.lua runs against the compiled Lua.
 * Which keys a request gets, remembered or not, is in
 * tests/vectors/tier-limit-plan-memo.json (both runtimes).
 */
import { expect, it } from "vitest";
import type { RequestFacts } from "../../plugins/core/facts.ts";
import { validateConfig } from "../../plugins/core/validate.ts";
import { planSequence } from "../../plugins/tier-limit/decide.ts";
import { prepare } from "../../plugins/tier-limit/prepare.ts";
import { tierLimitSchema, type TierLimitConfig } from "../../plugins/tier-limit/schema.ts";

const NOW = 1764000015.25;

function config(): TierLimitConfig {
  const conf: Record<string, unknown> = { tiers: { free: { limits: { GET: { second: 5, minute: 50 } } } } };
  expect(validateConfig(tierLimitSchema, conf)).toBeUndefined();
  return conf as unknown as TierLimitConfig;
}

const caller = (i: number): { facts: RequestFacts; now: number } => ({
  facts: { method: "GET", consumer: { id: `c${i}`, tags: ["tier:free"] } },
  now: NOW,
});

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

it("remembers the checks of 1,024 callers at once, then starts over", () => {
  const conf = config();
  const steps = planSequence(conf, [...range(0, 1023).map(caller), caller(0), caller(1024), caller(1)]);
  expect(steps.slice(0, 1024).every((step) => !step.remembered)).toBe(true);
  expect(steps[1024]!.remembered).toBe(true); // the first caller, still held
  expect(steps[1025]!.remembered).toBe(false); // the 1,025th: the memo starts over with it
  expect(steps[1026]!.remembered).toBe(false); // so the second caller's checks are built again
  expect(steps[1026]!.keys[0]).toBe("tl:{global:c:c1}:free:GET:second:1764000015");
});

it("holds no more than 1,024 callers, however many come", () => {
  const conf = config();
  planSequence(conf, range(0, 19_999).map(caller));
  expect(prepare(conf).recentChecks.size).toBeLessThanOrEqual(1024);
  expect(Object.keys(prepare(conf).recentChecks.byPrefix).length).toBeLessThanOrEqual(1024);
});
