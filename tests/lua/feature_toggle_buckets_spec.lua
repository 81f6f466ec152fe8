-- busted spec: feature-toggle's remembered buckets (buckets.ts) stay bounded per flag
-- state and always equal the hash they stand for, against lua-out/ -- the same steps
-- tests/unit/feature-toggle-buckets.test.ts runs against the TypeScript.
local buckets = require("tollgate.feature_toggle.buckets")
local murmur3 = require("tollgate.feature_toggle.murmur3")
local evaluate = require("tollgate.feature_toggle.evaluate")

local function count(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n
end

describe("feature-toggle remembered buckets (compiled Lua)", function()
  it("holds at most BUCKET_LIMIT ids over all tables of a state, then empties them all", function()
    local budget = buckets.newBucketBudget()
    local rollout = buckets.newBucketTable(budget, "beta", 0, 100)
    local variants = buckets.newBucketTable(budget, "ab", evaluate.VARIANT_SEED, 1000)
    for i = 0, buckets.BUCKET_LIMIT - 1 do buckets.bucketOf(i % 2 == 0 and rollout or variants, "user-" .. i) end
    assert.are.equal(buckets.BUCKET_LIMIT, budget.size)
    assert.are.equal(buckets.BUCKET_LIMIT, count(rollout.byId) + count(variants.byId))
    assert.are.equal(murmur3.normalizedValue("user-0", "beta", 100, 0), buckets.bucketOf(rollout, "user-0"))
    assert.are.equal(buckets.BUCKET_LIMIT, budget.size)
    assert.are.equal(murmur3.normalizedValue("newcomer", "ab", 1000, evaluate.VARIANT_SEED), buckets.bucketOf(variants, "newcomer"))
    assert.are.equal(1, budget.size)
    assert.are.equal(0, count(rollout.byId))
    assert.are.same({ newcomer = murmur3.normalizedValue("newcomer", "ab", 1000, evaluate.VARIANT_SEED) }, variants.byId)
  end)

  it("answers each table's own hash, remembered or not", function()
    local budget = buckets.newBucketBudget()
    local a = buckets.newBucketTable(budget, "a", 0, 100)
    local b = buckets.newBucketTable(budget, "b", 0, 100)
    for _, id in ipairs({ "u1", "u2", "u1", "constructor", "constructor" }) do
      assert.are.equal(murmur3.normalizedValue(id, "a", 100, 0), buckets.bucketOf(a, id))
      assert.are.equal(murmur3.normalizedValue(id, "b", 100, 0), buckets.bucketOf(b, id))
    end
  end)
end)
