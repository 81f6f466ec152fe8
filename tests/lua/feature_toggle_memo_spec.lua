-- busted spec: feature-toggle's remembered decisions (lua-out/tollgate/feature_toggle/memo.lua),
-- from tests/scenarios/feature-toggle-memo.json -- the same steps
-- tests/unit/feature-toggle-memo.test.ts runs against the TypeScript.
local cjson = require("cjson")
local runner = require("tests.lua.vector_runner")
local validate = require("tollgate.core.validate")
local schema = require("tollgate.feature_toggle.schema")
local decide = require("tollgate.feature_toggle.decide")
local evaluate = require("tollgate.feature_toggle.evaluate")
local parse = require("tollgate.feature_toggle.parse")

local f = assert(io.open("tests/scenarios/feature-toggle-memo.json", "r"))
local text = f:read("*a")
f:close()
local scenario = runner.without_nulls(cjson.decode(text))

-- A validated copy of a config (validation fills defaults in place).
local function validated(config, cache_size)
  local conf = runner.without_nulls(cjson.decode(cjson.encode(config)))
  if cache_size ~= nil then conf.decision_cache_size = cache_size end
  local problem = validate.validateConfig(schema.featureToggleSchema, conf)
  assert.is_nil(problem)
  return conf
end

local function forwarded_items(outcome)
  local items = {}
  if outcome.features == nil then return items end
  for item in string.gmatch(outcome.features, "[^,]+") do items[#items + 1] = item end
  return items
end

local function has_item(items, wanted)
  for _, item in ipairs(items) do
    if item == wanted then return true end
  end
  return false
end

local function has_flag(items, flag)
  for _, item in ipairs(items) do
    if item == flag or item:sub(1, #flag + 1) == flag .. "=" then return true end
  end
  return false
end

describe("feature-toggle remembered decisions: bounded memory (compiled Lua, LuaJIT's heap)", function()
  it("keeps at most twice decision_cache_size decisions, however many callers come", function()
    local flags = {}
    for i = 0, 49 do
      local name = "flag-" .. i
      if i % 2 == 0 then
        flags[#flags + 1] = { name = name, strategies = { { name = "flexibleRollout", parameters = { rollout = "50", groupId = name } } } }
      else
        flags[#flags + 1] = { name = name, variants = { { name = "a", weight = 500 }, { name = "b", weight = 500 } } }
      end
    end
    local conf = validated({ flags = flags, decision_cache_size = 1000 })
    local prepared = decide.prepare(conf)
    local caps = { now = 1893456000, random = function() return 0.5 end }
    local function callers(from, to)
      for i = from, to do
        decide.decideFeatures(conf, prepared, { method = "GET", clientIp = "10.0.0.1", consumer = { id = "c" .. i, username = "user" .. i } }, caps)
      end
    end
    local function heap_kb()
      collectgarbage()
      collectgarbage()
      return collectgarbage("count")
    end
    callers(1, 3000)
    local after_3k = heap_kb()
    callers(3001, 23000)
    local after_23k = heap_kb()
    local memo = prepared.memo
    assert.are.equal(23000, memo.misses)
    assert.is_true(memo.current.count + (memo.previous and memo.previous.count or 0) <= 2000)
    -- 20,000 more callers, about the same memory: what the memo holds stays bounded
    -- (unbounded, 20,000 more decisions would take megabytes).
    print(string.format("feature-toggle memo: heap %.0f KB after 3,000 callers, %.0f KB after 23,000 (decision_cache_size 1000)", after_3k, after_23k))
    assert.is_true(after_23k - after_3k < 512, "heap grew by " .. (after_23k - after_3k) .. " KB")
  end)
end)

describe("feature-toggle remembered decisions (compiled Lua)", function()
  for _, case in ipairs(scenario.configs) do
    describe(case.name, function()
      it("answers every step as a fresh evaluation would, from the memo exactly when expected", function()
        local conf = validated(case.config)
        local fresh = validated(case.config, 0)
        local prepared = decide.prepare(conf)
        for i, step in ipairs(case.steps) do
          local at = "step " .. i .. " (" .. (step.note or step.at) .. ")"
          local random = step.random or 0.5
          local caps = { now = parse.parseIsoTime(step.at) / 1000, random = function() return random end }
          local hits_before = prepared.memo and prepared.memo.hits or 0
          local outcome = decide.decideFeatures(conf, prepared, step.facts, caps)
          assert.are.same(decide.decideFeatures(fresh, decide.prepare(fresh), step.facts, caps), outcome, at)
          assert.are.equal(step.remembered, (prepared.memo and prepared.memo.hits or 0) > hits_before, at .. ": remembered")
          if step.refused ~= nil then
            assert.are.equal(step.refused, outcome.rejection and outcome.rejection.body.feature, at)
          else
            assert.is_nil(outcome.rejection, at)
          end
          local items = forwarded_items(outcome)
          for _, item in ipairs(step.on or {}) do assert.is_true(has_item(items, item), at .. ": " .. item .. " forwarded") end
          for _, flag in ipairs(step.off or {}) do assert.is_false(has_flag(items, flag), at .. ": " .. flag .. " not forwarded") end
        end
      end)

      it("reads every context field without building the context as the evaluation sees it in the context", function()
        local conf = validated(case.config)
        local prepared = decide.prepare(conf)
        for _, step in ipairs(case.steps) do
          local values = decide.requestValues(conf, prepared, step.facts)
          for _, field in ipairs(scenario.fields) do
            assert.are.equal(evaluate.contextValue(values, field), decide.requestField(prepared, step.facts, field), field)
          end
        end
      end)
    end)
  end
end)
