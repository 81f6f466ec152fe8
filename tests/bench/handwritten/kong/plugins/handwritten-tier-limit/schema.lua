-- Schema of the benchmark-only hand-written plugin (see handler.lua).
local typedefs = require("kong.db.schema.typedefs")

local window_limits = {
  type = "record",
  fields = {
    { second = { type = "integer" } }, { minute = { type = "integer" } },
    { hour = { type = "integer" } }, { day = { type = "integer" } },
  },
}

return {
  name = "handwritten-tier-limit",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
      type = "record",
      fields = {
        { dict = { type = "string", default = "tollgate_tier_limit" } },
        { tiers = { type = "map", required = true, keys = { type = "string" }, values = {
          type = "record",
          fields = {
            { unlimited = { type = "boolean", default = false } },
            { limits = { type = "map", keys = { type = "string" }, values = window_limits } },
          },
        } } },
      },
    } },
  },
}
