-- busted spec: each lua-out/kong/plugins/<name>/schema.lua is a literal table that the
-- build printed (scripts/kong-schema-literal.ts) so a Kong user can read the fields. It
-- must be exactly what kongPluginSchema (plugins/hosts/kong/schema.ts) builds at
-- runtime from the same spec, and its entity check must run tollgate's validator.
--
-- Kong's typedefs are a stand-in table here: both sides take the same values from it.
package.loaded["kong.db.schema.typedefs"] = {
  no_consumer = { type = "foreign", reference = "consumers", eq = ngx and ngx.null or "null" },
  protocols_http = { type = "set", elements = { type = "string" } },
}

local kong_schema = require("tollgate.hosts.kong.schema")

local PLUGINS = {
  { name = "tier-limit", spec = require("tollgate.tier_limit.schema").tierLimitSchema },
  { name = "entitlement-check", spec = require("tollgate.entitlement_check.schema").entitlementCheckSchema },
  { name = "feature-toggle", spec = require("tollgate.feature_toggle.schema").featureToggleSchema },
  { name = "kafka-usage", spec = require("tollgate.kafka_usage.schema").kafkaUsageSchema },
}

-- The differences between two values as "path: a vs b" lines; functions compare as
-- "a function" (two closures over the same spec are different values).
local function differences(a, b, path, out)
  if type(a) == "function" and type(b) == "function" then return out end
  if type(a) ~= "table" or type(b) ~= "table" then
    if a ~= b then out[#out + 1] = path .. ": " .. tostring(a) .. " vs " .. tostring(b) end
    return out
  end
  local keys = {}
  for k in pairs(a) do keys[k] = true end
  for k in pairs(b) do keys[k] = true end
  for k in pairs(keys) do differences(a[k], b[k], path .. "." .. tostring(k), out) end
  return out
end

for _, plugin in ipairs(PLUGINS) do
  describe("kong.plugins." .. plugin.name .. ".schema", function()
    local literal = require("kong.plugins." .. plugin.name .. ".schema")
    local computed = kong_schema.kongPluginSchema(plugin.name, plugin.spec)

    it("equals what kongPluginSchema computes from the spec", function()
      assert.are.same({}, differences(literal, computed, "schema", {}))
    end)

    it("spells out the config fields in the file", function()
      local source = assert(io.open("lua-out/kong/plugins/" .. plugin.name .. "/schema.lua")):read("*a")
      local config = literal.fields[3].config
      assert.are.equal("record", config.type)
      for _, field in ipairs(config.fields) do
        local name = next(field)
        assert.truthy(source:find(" " .. name .. " = {", 1, true), name)
      end
    end)

    it("refuses a bad config through tollgate's validator, as the runtime schema does", function()
      local check = literal.entity_checks[1].custom_entity_check
      assert.are.same({ "config" }, check.field_sources)
      local bad = { config = { no_such_field = true } }
      local ok, err = check.fn(bad)
      local ok2, err2 = computed.entity_checks[1].custom_entity_check.fn(bad)
      assert.is_nil(ok)
      assert.are.equal(err2, err)
      assert.are.equal(ok2, ok)
      assert.truthy(err:find("no_such_field", 1, true), err)
    end)
  end)
end
