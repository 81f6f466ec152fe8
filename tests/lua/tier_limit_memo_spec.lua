-- busted spec: tier-limit's remembered counter checks (planAccess's recentChecks) stay
-- bounded, against lua-out/ -- the same steps tests/unit/tier-limit-memo.test.ts runs
-- against the TypeScript. Which keys a request gets is in
-- tests/vectors/tier-limit-plan-memo.json (both runtimes).
local validate = require("tollgate.core.validate")
local schema = require("tollgate.tier_limit.schema")
local decide = require("tollgate.tier_limit.decide")
local prepare = require("tollgate.tier_limit.prepare")

local NOW = 1764000015.25

local function config()
  local conf = { tiers = { free = { limits = { GET = { second = 5, minute = 50 } } } } }
  assert.is_nil(validate.validateConfig(schema.tierLimitSchema, conf))
  return conf
end

local function caller(i)
  return { facts = { method = "GET", consumer = { id = "c" .. i, tags = { "tier:free" } } }, now = NOW }
end

local function callers(from, to, requests)
  requests = requests or {}
  for i = from, to do requests[#requests + 1] = caller(i) end
  return requests
end

describe("tier-limit remembered counter checks (compiled Lua)", function()
  it("remembers the checks of 1,024 callers at once, then starts over", function()
    local requests = callers(0, 1023)
    requests[#requests + 1] = caller(0)
    requests[#requests + 1] = caller(1024)
    requests[#requests + 1] = caller(1)
    local steps = decide.planSequence(config(), requests)
    for i = 1, 1024 do assert.is_false(steps[i].remembered) end
    assert.is_true(steps[1025].remembered) -- the first caller, still held
    assert.is_false(steps[1026].remembered) -- the 1,025th: the memo starts over with it
    assert.is_false(steps[1027].remembered) -- so the second caller's checks are built again
    assert.are.equal("tl:{global:c:c1}:free:GET:second:1764000015", steps[1027].keys[1])
  end)

  it("holds no more than 1,024 callers, however many come", function()
    local conf = config()
    decide.planSequence(conf, callers(0, 19999))
    local recent = prepare.prepare(conf).recentChecks
    assert.is_true(recent.size <= 1024)
    local held = 0
    for _ in pairs(recent.byPrefix) do held = held + 1 end
    assert.is_true(held <= 1024)
  end)
end)
