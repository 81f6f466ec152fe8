-- A minimal stand-in for Kong's `kong.db.schema.typedefs`, so that a plugin's
-- schema.lua that does `require("kong.db.schema.typedefs")` loads inside the
-- tollgate Kong-shaped test host (tests/runtime/kong/tollgate_kong_host).
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's module.
-- Written from Kong 3.x's documented typedefs; only the typedefs listed below
-- exist, and their validators are simplified (e.g. `host` does not check
-- IPv6 or label lengths like Kong's does). A schema that uses a typedef not
-- listed here fails at start-up with "attempt to index/call a nil value",
-- which is the intended loud failure.
--
-- Like Kong's `Schema.define`, every typedef is a table that can be used as a
-- field definition as is, or called with overrides:
--   typedefs.port { default = 6379 }  -> a new definition with default 6379

local null = ngx.null
local match = string.match
local find = string.find
local sub = string.sub

local function define(def)
  return setmetatable(def, {
    __call = function(self, overrides)
      local out = {}
      for k, v in pairs(overrides or {}) do
        out[k] = v
      end
      for k, v in pairs(self) do
        if out[k] == nil then
          out[k] = v
        end
      end
      return out
    end,
  })
end

local typedefs = {}

-- What the plugin entity's scope fields accept: `eq = null` means "a plugin of
-- this kind cannot be scoped to a consumer / route / service".
typedefs.no_consumer = define { type = "foreign", reference = "consumers", eq = null }
typedefs.no_route = define { type = "foreign", reference = "routes", eq = null }
typedefs.no_service = define { type = "foreign", reference = "services", eq = null }

-- Kong 3.x (OSS): the protocols whose subsystem is http, sorted.
local HTTP_PROTOCOLS = { "grpc", "grpcs", "http", "https" }
local ALL_PROTOCOLS = { "grpc", "grpcs", "http", "https", "tcp", "tls", "tls_passthrough", "udp" }

typedefs.protocol = define { type = "string", one_of = ALL_PROTOCOLS }

typedefs.protocols = define {
  type = "set",
  required = true,
  default = HTTP_PROTOCOLS,
  elements = typedefs.protocol,
}

typedefs.protocols_http = define {
  type = "set",
  required = true,
  default = HTTP_PROTOCOLS,
  elements = { type = "string", one_of = HTTP_PROTOCOLS },
}

typedefs.port = define { type = "integer", between = { 0, 65535 } }

typedefs.timeout = define { type = "integer", between = { 0, 2 ^ 31 - 2 } }

typedefs.uuid = define { type = "string", uuid = true }

typedefs.header_name = define {
  type = "string",
  custom_validator = function(name)
    if match(name, "^[%w_%-]+$") then
      return true
    end
    return nil, "bad header name '" .. name .. "', allowed characters are A-Z, a-z, 0-9, '_', and '-'"
  end,
}

typedefs.host = define {
  type = "string",
  custom_validator = function(host)
    if match(host, "^[%w%.%-:%[%]]+$") then
      return true
    end
    return nil, "invalid hostname: " .. host
  end,
}

typedefs.path = define {
  type = "string",
  starts_with = "/",
  custom_validator = function(path)
    if find(path, "//", 1, true) then
      return nil, "must not have empty segments"
    end
    return true
  end,
}

typedefs.url = define {
  type = "string",
  custom_validator = function(url)
    if match(url, "^%a[%w+.-]*://[^/]") then
      return true
    end
    return nil, "missing host in url"
  end,
}

typedefs.name = define {
  type = "string",
  custom_validator = function(name)
    if match(name, "^[%w%.%-_~]+$") then
      return true
    end
    return nil, "invalid value '" .. name .. "': it must only contain alphanumeric and '., -, _, ~' characters"
  end,
}

typedefs.tag = define {
  type = "string",
  custom_validator = function(tag)
    if sub(tag, 1, 1) ~= " " and not find(tag, ",", 1, true) then
      return true
    end
    return nil, "invalid tag '" .. tag .. "'"
  end,
}

typedefs.tags = define { type = "set", elements = typedefs.tag }

return typedefs
