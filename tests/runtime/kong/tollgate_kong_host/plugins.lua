-- Plugin loading, config validation and per-route plugin chains for the
-- tollgate Kong-shaped test host.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong.
--
-- What it emulates from Kong 3.x:
--   * `plugins = bundled,<names>`: each named plugin is loaded from
--     `kong.plugins.<name>.handler` and `kong.plugins.<name>.schema`; a missing
--     module, or a PRIORITY / VERSION that Kong would refuse, stops start-up.
--     The only bundled plugin is the host's own key-auth.
--   * every plugin entity's config is validated against its schema (see
--     schema.lua); any error stops start-up with the plugin, its scope and
--     the full field path in the message.
--   * config precedence, as Kong's plugins iterator looks it up:
--       consumer+route+service > consumer+route > consumer+service >
--       route+service > consumer > route > service > global
--     honouring the handler's no_consumer / no_route / no_service flags.
--   * order: descending PRIORITY; equal priorities by name, descending.
--
-- All of this is computed once, in init: every route gets an array of chain
-- entries (one per plugin that can apply to it) and, per phase, the entries
-- whose handler implements that phase. A config that depends on the consumer
-- is kept in entry.by_consumer[consumer_id] and picked per request, after
-- auth, exactly when Kong would pick it (see init.lua).

local schema = require("tollgate_kong_host.schema")
local key_auth = require("tollgate_kong_host.key_auth")
local jwt = require("tollgate_kong_host.jwt")

local type = type
local pairs = pairs
local ipairs = ipairs
local format = string.format
local match = string.match
local concat = table.concat
local sort = table.sort

local _M = {}

local PHASES = { "rewrite", "access", "header_filter", "body_filter", "log" }
_M.PHASES = PHASES

local function fail(fmt, ...)
  error(format(fmt, ...), 0)
end

local function try_require(module)
  local ok, mod = pcall(require, module)
  if not ok then
    return nil, mod
  end
  return mod
end

-- Loads the handler and schema of every enabled plugin. Returns
-- { list = <plugins sorted by priority>, by_name = { name -> plugin } } where
-- a plugin is { name, handler, schema, priority }.
function _M.load(names)
  local list, by_name = {}, {}

  local function add(name, handler, plugin_schema)
    local plugin = { name = name, handler = handler, schema = plugin_schema,
                     priority = handler.PRIORITY }
    list[#list + 1] = plugin
    by_name[name] = plugin
  end

  add("key-auth", key_auth.handler, key_auth.schema)
  add("jwt", jwt.handler, jwt.schema)

  for _, name in ipairs(names) do
    if not by_name[name] then
      local handler, err = try_require("kong.plugins." .. name .. ".handler")
      if not handler then
        fail("%s plugin is enabled but not installed;\n%s", name, tostring(err))
      end
      if type(handler) ~= "table" then
        fail("plugin '%s': kong.plugins.%s.handler must return a table, got %s", name, name, type(handler))
      end
      if type(handler.PRIORITY) ~= "number" then
        fail('Plugin "%s" cannot be loaded because its PRIORITY field is not a valid integer number, got: "%s"',
             name, tostring(handler.PRIORITY))
      end
      if type(handler.VERSION) ~= "string" or not match(handler.VERSION, "^%d+%.%d+%.%d+") then
        fail('Plugin "%s" cannot be loaded because its VERSION field does not follow the "x.y.z" format, got: "%s"',
             name, tostring(handler.VERSION))
      end
      local plugin_schema, serr = try_require("kong.plugins." .. name .. ".schema")
      if not plugin_schema then
        fail("error loading plugin schemas: on plugin '%s': %s", name, tostring(serr))
      end
      add(name, handler, plugin_schema)
    end
  end

  sort(list, function(a, b)
    local pa, pb = a.priority or 0, b.priority or 0
    if pa == pb and pa ~= 0 then
      return a.name > b.name
    end
    return pa > pb
  end)

  return { list = list, by_name = by_name }
end

-- Kong's compound key for a plugin's scope: "route:service:consumer".
local function combo_key(route_id, service_id, consumer_id)
  return (route_id or "") .. ":" .. (service_id or "") .. ":" .. (consumer_id or "")
end

-- The best config among `combos` for this route/service/consumer, in Kong's order.
local function lookup(combos, r, s, c)
  local v
  if r and s and c then v = combos[combo_key(r, s, c)] if v then return v end end
  if r and c then v = combos[combo_key(r, nil, c)] if v then return v end end
  if s and c then v = combos[combo_key(nil, s, c)] if v then return v end end
  if r and s then v = combos[combo_key(r, s, nil)] if v then return v end end
  if c then v = combos[combo_key(nil, nil, c)] if v then return v end end
  if r then v = combos[combo_key(r, nil, nil)] if v then return v end end
  if s then v = combos[combo_key(nil, s, nil)] if v then return v end end
  return combos[combo_key(nil, nil, nil)]
end

-- Validates every plugin entity of the model. Returns
--   combos[name][key] = conf            (enabled entities only)
--   consumers_of[name] = { consumer_id, ... } that have consumer-scoped configs
--   configs_of[name] = { conf, ... }   (for handler:configure)
function _M.validate(model, loaded)
  local combos, consumers_of, configs_of = {}, {}, {}
  local seq = 0

  for _, p in ipairs(model.plugins) do
    local plugin = loaded.by_name[p.name]
    if not plugin then
      fail("plugin '%s' (%s) is not enabled; add it to the 'plugins' configuration property",
           p.name, p.scope_label)
    end
    local conf, res = schema.validate_plugin(plugin.schema, {
      config = p.config or {},
      protocols = p.protocols,
      consumer = p.consumer and { id = p.consumer.id } or nil,
      route = p.route and { id = p.route.id } or nil,
      service = p.service and { id = p.service.id } or nil,
    })
    if not conf then
      fail("invalid config for plugin '%s' (%s): %s", p.name, p.scope_label, concat(res, "; "))
    end

    if p.enabled then
      local route_id = p.route and p.route.id
      local service_id = p.service and p.service.id
      local consumer_id = p.consumer and p.consumer.id
      local key = combo_key(route_id, service_id, consumer_id)
      combos[p.name] = combos[p.name] or {}
      if combos[p.name][key] then
        fail("plugin '%s' (%s): uniqueness violation: a plugin with this name and scope already exists",
             p.name, p.scope_label)
      end
      -- The extra keys Kong's plugins iterator puts on every config.
      seq = seq + 1
      conf.route_id = route_id
      conf.service_id = service_id
      conf.consumer_id = consumer_id
      conf.plugin_instance_name = p.instance_name
      conf.__plugin_id = p.id
      conf.__key__ = "plugins:" .. p.name .. ":" .. key .. "::"
      conf.__seq__ = seq
      combos[p.name][key] = conf
      configs_of[p.name] = configs_of[p.name] or {}
      configs_of[p.name][#configs_of[p.name] + 1] = conf
      if consumer_id then
        consumers_of[p.name] = consumers_of[p.name] or {}
        consumers_of[p.name][#consumers_of[p.name] + 1] = consumer_id
      end
    end
  end

  return combos, consumers_of, configs_of
end

-- Splits a chain into per-phase arrays of the entries that implement the phase.
local function by_phase(chain)
  local phases = {}
  for _, phase in ipairs(PHASES) do
    local list = {}
    for _, e in ipairs(chain) do
      if type(e.handler[phase]) == "function" then
        list[#list + 1] = e
      end
    end
    phases[phase] = list
  end
  return phases
end

-- The chain for a matched route (or, with route/service nil, the global chain
-- used when no route matched). Returns chain, phases, dynamic (true when some
-- config depends on the authenticated consumer).
function _M.chain(loaded, combos, consumers_of, route_id, service_id)
  local chain = {}
  local dynamic = false
  for _, plugin in ipairs(loaded.list) do
    local plugin_combos = combos[plugin.name]
    if plugin_combos then
      local h = plugin.handler
      local r = (not h.no_route) and route_id or nil
      local s = (not h.no_service) and service_id or nil
      local static = lookup(plugin_combos, r, s, nil)
      local by_consumer
      if route_id and not h.no_consumer and consumers_of[plugin.name] then
        for _, cid in ipairs(consumers_of[plugin.name]) do
          local conf = lookup(plugin_combos, r, s, cid)
          if conf ~= static then
            by_consumer = by_consumer or {}
            by_consumer[cid] = conf
          end
        end
      end
      if static or by_consumer then
        chain[#chain + 1] = {
          idx = #chain + 1,
          name = plugin.name,
          handler = h,
          conf = static or nil,
          by_consumer = by_consumer,
          -- kong.log prefix, built once
          log_prefix = "[" .. plugin.name .. "] ",
        }
        if by_consumer then
          dynamic = true
        end
      end
    end
  end
  return chain, by_phase(chain), dynamic
end

return _M
