-- busted spec: entitlement-check shares a pass outcome per plan and status
-- (lua-out/tollgate/entitlement_check/decide.lua), from
-- tests/scenarios/entitlement-pass-outcome.json -- the same steps
-- tests/unit/entitlement-pass-outcome.test.ts runs against the TypeScript.
local cjson = require("cjson")
local validate = require("tollgate.core.validate")
local schema = require("tollgate.entitlement_check.schema")
local decide = require("tollgate.entitlement_check.decide")

local f = assert(io.open("tests/scenarios/entitlement-pass-outcome.json", "r"))
local scenario = cjson.decode(f:read("*a"))
f:close()

describe("entitlement-check pass outcomes (compiled Lua)", function()
  it("gives every plan and status its own upstream headers, the same on every request", function()
    local conf = scenario.config
    local problem = validate.validateConfig(schema.entitlementCheckSchema, conf)
    assert.is_nil(problem)
    for round = 1, scenario.rounds do
      for i, c in ipairs(scenario.cases) do
        local at = "round " .. round .. ", case " .. i
        local outcome = decide.evaluate(conf, scenario.facts, { kind = "found", subscription = c.subscription }, scenario.now)
        assert.is_nil(outcome.rejection, at)
        assert.are.same(c.upstream, outcome.upstream, at)
        assert.are.equal(c.upstream["X-Plan"], outcome.plan, at)
      end
    end
  end)
end)
