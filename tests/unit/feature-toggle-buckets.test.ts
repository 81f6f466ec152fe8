/**
 * feature-toggle's remembered buckets (buckets.ts) stay bounded per flag state and
 * always equal the hash they stand for: the same steps
 * tests/lua/feature_toggle_buckets_spec.lua runs against the compiled Lua.
 */
import { expect, it } from "vitest";
import { BUCKET_LIMIT, bucketOf, newBucketBudget, newBucketTable } from "../../plugins/feature-toggle/buckets.ts";
import { VARIANT_SEED } from "../../plugins/feature-toggle/evaluate.ts";
import { normalizedValue } from "../../plugins/feature-toggle/murmur3.ts";

it("holds at most BUCKET_LIMIT ids over all tables of a state, then empties them all", () => {
  const budget = newBucketBudget();
  const rollout = newBucketTable(budget, "beta", 0, 100);
  const variants = newBucketTable(budget, "ab", VARIANT_SEED, 1000);
  for (let i = 0; i < BUCKET_LIMIT; i++) bucketOf(i % 2 === 0 ? rollout : variants, `user-${i}`);
  expect(budget.size).toBe(BUCKET_LIMIT);
  expect(Object.keys(rollout.byId).length + Object.keys(variants.byId).length).toBe(BUCKET_LIMIT);
  expect(bucketOf(rollout, "user-0")).toBe(normalizedValue("user-0", "beta", 100, 0)); // remembered: no growth
  expect(budget.size).toBe(BUCKET_LIMIT);
  expect(bucketOf(variants, "newcomer")).toBe(normalizedValue("newcomer", "ab", 1000, VARIANT_SEED));
  expect(budget.size).toBe(1);
  expect(Object.keys(rollout.byId)).toEqual([]);
  expect(Object.keys(variants.byId)).toEqual(["newcomer"]);
});

it("answers each table's own hash, remembered or not", () => {
  const budget = newBucketBudget();
  const a = newBucketTable(budget, "a", 0, 100);
  const b = newBucketTable(budget, "b", 0, 100);
  for (const id of ["u1", "u2", "u1", "constructor", "constructor"]) {
    expect(bucketOf(a, id)).toBe(normalizedValue(id, "a", 100, 0));
    expect(bucketOf(b, id)).toBe(normalizedValue(id, "b", 100, 0));
  }
});
