-- busted spec: the per-consumer memo of entitlement-check and feature-toggle
-- (lua-out/tollgate/hosts/lua/consumer_memo.lua): two generations of at most `size`
-- consumers each, so a worker never keeps more than 2 × size decisions.
local memo_module = require("tollgate.hosts.lua.consumer_memo")
local new, keep, recall = memo_module.newConsumerMemo, memo_module.keepForConsumer, memo_module.recallForConsumer
local by_config, keep_for, recall_for = memo_module.newMemosByConfig, memo_module.keepFor, memo_module.recallFor

local function held(memo)
  local n = 0
  for _ in pairs(memo.current) do n = n + 1 end
  for _ in pairs(memo.previous) do n = n + 1 end
  return n
end

describe("consumer memo (compiled Lua)", function()
  it("answers what was kept for the same consumer table, and nothing for another", function()
    local memo = new(10)
    local alice, bob = {}, {}
    keep(memo, alice, "alice's decision")
    assert.are.equal("alice's decision", recall(memo, alice))
    assert.is_nil(recall(memo, bob))
  end)

  it("holds at most two generations of `size` consumers", function()
    local memo = new(100)
    local consumers = {}
    for i = 1, 1000 do
      consumers[i] = {}
      keep(memo, consumers[i], i)
      assert.is_true(held(memo) <= 200)
    end
    -- The last 100..200 consumers are still known; the first ones are gone.
    assert.are.equal(1000, recall(memo, consumers[1000]))
    assert.is_nil(recall(memo, consumers[1]))
  end)

  it("keeps a consumer found in the previous generation, as an LRU would", function()
    local memo = new(2)
    local a, b, c, d = {}, {}, {}, {}
    keep(memo, a, "a")
    keep(memo, b, "b")
    keep(memo, c, "c") -- a and b move to the previous generation
    assert.are.equal("a", recall(memo, a)) -- a comes back to the current one
    keep(memo, d, "d") -- the current generation (c, a) is full: it becomes the previous one
    assert.are.equal("a", recall(memo, a))
    assert.is_nil(recall(memo, b))
  end)

  it("does not count a decision made again for the same consumer as a new place", function()
    local memo = new(3)
    local a, b = {}, {}
    keep(memo, a, "first")
    keep(memo, b, "b")
    for round = 1, 50 do keep(memo, a, "again " .. round) end
    assert.are.equal(2, memo.count)
    assert.are.equal("again 50", recall(memo, a))
    assert.are.equal("b", recall(memo, b)) -- never pushed out by a's renewals
    assert.is_nil(next(memo.previous))
  end)

  it("keeps one memo per config table, of the size given with the first decision", function()
    local memos = by_config()
    local conf_a, conf_b, alice = {}, {}, {}
    assert.is_nil(recall_for(memos, conf_a, alice))
    keep_for(memos, conf_a, 2, alice, "under a")
    assert.are.equal("under a", recall_for(memos, conf_a, alice))
    assert.is_nil(recall_for(memos, conf_b, alice))
    assert.is_nil(recall_for(memos, conf_a, nil))
    assert.are.equal(2, memos[conf_a].size)
  end)
end)
