-- Schema of the benchmark-only hand-written feature-toggle (see handler.lua): the
-- parts of feature-toggle's flags the benchmark's 50 flags use.
local typedefs = require("kong.db.schema.typedefs")

local strings = { type = "array", elements = { type = "string" } }

local constraint = {
  type = "record",
  fields = {
    { contextName = { type = "string", required = true } },
    { operator = { type = "string", required = true } },
    { values = strings },
  },
}

local strategy = {
  type = "record",
  fields = {
    { name = { type = "string", required = true } },
    { parameters = { type = "map", keys = { type = "string" }, values = { type = "string" } } },
    { constraints = { type = "array", elements = constraint } },
  },
}

local variant = {
  type = "record",
  fields = { { name = { type = "string", required = true } }, { weight = { type = "integer", required = true } } },
}

local flag = {
  type = "record",
  fields = {
    { name = { type = "string", required = true } },
    { enabled = { type = "boolean", default = true } },
    { strategies = { type = "array", elements = strategy } },
    { variants = { type = "array", elements = variant } },
  },
}

return {
  name = "handwritten-feature-toggle",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
      type = "record",
      fields = {
        { flags = { type = "array", required = true, elements = flag } },
        { require = { type = "array", default = {}, elements = { type = "string" } } },
        { header = { type = "string", default = "X-Features" } },
      },
    } },
  },
}
