-- busted spec: where tier-limit's limit_by group finds a Kong consumer's group
-- (lua-out/tollgate/hosts/kong/adapter.lua, kongRequestFacts with FactNeeds.group).
-- Kong Enterprise's PDK has kong.client.get_consumer_groups(); OSS Kong 3.9.3 has not
-- (kong/pdk/client.lua), and there the consumer's tag group:<id> is read instead
-- (tier-limit/group.ts). No Kong Enterprise here: its PDK is played by a table.
local function fake_kong(consumer, groups)
  local client = {
    get_consumer = function() return consumer end,
    get_forwarded_ip = function() return "127.0.0.1" end,
    get_credential = function() return nil end,
  }
  if groups ~= nil then client.get_consumer_groups = function() return groups end end
  return {
    client = client,
    request = { get_method = function() return "GET" end, get_header = function() return nil end, get_path = function() return "/" end },
    router = { get_route = function() return nil end, get_service = function() return nil end },
    ctx = { shared = {} },
    version_num = 3009003,
  }
end

describe("Kong consumer groups for limit_by group (compiled Lua)", function()
  local adapter, group
  setup(function()
    adapter = require("tollgate.hosts.kong.adapter")
    group = require("tollgate.tier_limit.group")
  end)
  after_each(function() _G.kong = nil end)

  local needs = { headers = {}, jwtClaims = false, clientIp = false, credential = false, routeAndService = false, group = true }

  it("Kong Enterprise: the first consumer group's name is the organization", function()
    _G.kong = fake_kong({ id = "c1", username = "alice", tags = { "tier:pro" } }, { { id = "g-1", name = "acme" }, { id = "g-2", name = "other" } })
    local facts = adapter.kongRequestFacts({}, needs)
    assert.are.equal("acme", facts.consumerGroup)
    assert.are.equal("g:acme", group.subjectBy("group", facts))
  end)

  it("OSS Kong (no get_consumer_groups): the tag group:<id>, else the consumer's own counter", function()
    _G.kong = fake_kong({ id = "c2", username = "bob", tags = { "tier:pro", "group:globex" } }, nil)
    local facts = adapter.kongRequestFacts({}, needs)
    assert.is_nil(facts.consumerGroup)
    assert.are.equal("g:globex", group.subjectBy("group", facts))
    _G.kong = fake_kong({ id = "c3", username = "carol", tags = { "tier:pro" } }, nil)
    assert.are.equal("c:c3", group.subjectBy("group", adapter.kongRequestFacts({}, needs)))
  end)

  it("the consumer's own tag wins over a consumer group (groups may be tiers)", function()
    _G.kong = fake_kong({ id = "c4", username = "dave", tags = { "group:initech" } }, { { id = "g-3", name = "gold" } })
    assert.are.equal("g:initech", group.subjectBy("group", adapter.kongRequestFacts({}, needs)))
  end)

  it("reads no groups when the config does not count by group", function()
    local called = false
    _G.kong = fake_kong({ id = "c5", username = "erin", tags = {} }, {})
    _G.kong.client.get_consumer_groups = function() called = true return {} end
    local without = { headers = {}, jwtClaims = false, clientIp = false, credential = false, routeAndService = false }
    adapter.kongRequestFacts({}, without)
    assert.is_false(called)
  end)
end)
