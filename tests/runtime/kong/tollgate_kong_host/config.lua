-- Reads a Kong DB-less declarative config (the table decoded from
-- conf/kong.json, i.e. kong.yml as JSON) into the entities the tollgate
-- Kong-shaped test host works with.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's
-- declarative loader. Supported: `_format_version` as the Kong played accepts it
-- (see check_format_version), `services` (url or
-- protocol/host/port/path, nested `routes` and `plugins`), `routes` (paths,
-- methods, hosts, strip_path, preserve_host, service, nested `plugins`),
-- `consumers` (username, custom_id, tags, nested `keyauth_credentials` and
-- `plugins`), top-level `keyauth_credentials` and `plugins` (scoped with
-- `service` / `route` / `consumer` by name or id). Anything else at the top
-- level (upstreams, certificates, consumer_groups, ...) is rejected, so that a
-- config never silently means less here than it would in Kong.
--
-- Every entity gets an `id`: the given one, else a stable uuid-shaped id
-- derived from its kind and name.

local util = require("tollgate_kong_host.util")

local null = ngx.null
local type = type
local ipairs = ipairs
local pairs = pairs
local format = string.format
local match = string.match
local upper = string.upper
local sub = string.sub

local _M = {}

local function fail(fmt, ...)
  error("invalid declarative config: " .. format(fmt, ...), 0)
end

local function opt(v)
  if v == null then
    return nil
  end
  return v
end

local TOP_LEVEL = {
  _format_version = true, _transform = true, _comment = true, _workspace = true,
  services = true, routes = true, consumers = true, plugins = true,
  keyauth_credentials = true, jwt_secrets = true,
}

local PLUGIN_FIELDS = {
  name = true, config = true, enabled = true, protocols = true, id = true,
  instance_name = true, tags = true, service = true, route = true, consumer = true,
}

local UNSUPPORTED_ROUTE_FIELDS = { "headers", "snis", "sources", "destinations", "expression" }

local DEFAULT_PORTS = { http = 80, https = 443, grpc = 80, grpcs = 443 }

local function array(v, what)
  v = opt(v)
  if v == nil then
    return {}
  end
  if not util.is_sequence(v) then
    fail("%s must be an array", what)
  end
  return v
end

-- "http://host:port/path" -> protocol, host, port, path (path nil when absent).
local function parse_url(url, what)
  local scheme, rest = match(url, "^(%a[%w+.-]*)://(.*)$")
  if not scheme then
    fail("%s: invalid url '%s'", what, url)
  end
  local authority, path = match(rest, "^([^/?#]*)([^?#]*)")
  local host, port = match(authority, "^%[(.+)%]:?(%d*)$")
  if not host then
    host, port = match(authority, "^([^:]+):?(%d*)$")
  end
  if not host or host == "" then
    fail("%s: missing host in url '%s'", what, url)
  end
  if path == "" then
    path = nil
  end
  return scheme, host, tonumber(port) or DEFAULT_PORTS[scheme], path
end

local function label(kind, e)
  return format("%s '%s'", kind, e.name or e.username or e.custom_id or e.id)
end

-- Copies an entity's own fields, leaving out the nested collections.
local function own_fields(src, skip)
  local out = {}
  for k, v in pairs(src) do
    if not skip[k] and v ~= null then
      out[k] = util.deep_copy(v)
    end
  end
  return out
end

-- The `_format_version`s a Kong accepts: the one_of of the declarative schema
-- (kong/db/schema/others/declarative_config.lua: 2.8.5 "1.1", "2.1"; 3.9.3 also
-- "3.0"). Kong 3.x migrates a "1.1"/"2.1" config's route paths on load
-- (kong/db/declarative/migrations/route_path.lua, migrate_path_280_300.lua): a path
-- of only [a-zA-Z0-9.-_~/%] is normalised and stays a prefix, any other becomes a
-- "~" regex, which this host does not route.
local FORMAT_VERSIONS = {
  ["2.8.5"] = { "1.1", "2.1" },
  ["3.9.0"] = { "1.1", "2.1", "3.0" },
}

local function check_format_version(decl, kong_version)
  local accepted = FORMAT_VERSIONS[kong_version]
  if accepted == nil then
    fail("the tollgate Kong test host plays Kong 3.9.0 or 2.8.5, not %s", util.show(kong_version))
  end
  local given = decl._format_version
  if given == nil or given == null then
    fail("_format_version: required field missing")
  end
  local known = false
  for _, v in ipairs(accepted) do
    if v == given then known = true end
  end
  if not known then
    fail("_format_version: expected one of: %s", table.concat(accepted, ", "))
  end
  if given ~= "3.0" and kong_version ~= "2.8.5" then
    local routes = {}
    for _, r in ipairs(array(decl.routes, "routes")) do routes[#routes + 1] = r end
    for _, s in ipairs(array(decl.services, "services")) do
      for _, r in ipairs(array(s.routes, "service.routes")) do routes[#routes + 1] = r end
    end
    for _, r in ipairs(routes) do
      for _, p in ipairs(array(r.paths, "route.paths")) do
        if type(p) == "string" and not match(p, "^[%w%.%-_~/%%]*$") then
          fail("%s: Kong 3.x turns path '%s' of a _format_version %s config into a regex, "
               .. "which the tollgate Kong test host does not route", label("route", r), p, given)
        end
      end
    end
  end
end

-- kong_version: "3.9.0" or "2.8.5", the Kong this host plays (settings.kong_version).
function _M.load(decl, kong_version)
  if type(decl) ~= "table" then
    fail("expected a table")
  end
  for k in pairs(decl) do
    if not TOP_LEVEL[k] then
      fail("top-level key '%s' is not supported by the tollgate Kong test host", tostring(k))
    end
  end
  check_format_version(decl, kong_version)

  local now = ngx.time()
  local model = {
    services = {}, services_by = {},
    routes = {},
    consumers = {}, consumers_by_id = {}, consumers_by_username = {},
    credentials_by_key = {},
    jwt_secrets_by_key = {},
    plugins = {},
  }

  local function register(by, e, kind)
    if e.name then
      if by[e.name] then
        fail("duplicate %s name '%s'", kind, e.name)
      end
      by[e.name] = e
    end
    if by[e.id] then
      fail("duplicate %s id '%s'", kind, e.id)
    end
    by[e.id] = e
  end

  -- A reference to another entity: "name-or-id", { name = }, { id = }, { username = }.
  local function resolve(by, ref, kind, who)
    ref = opt(ref)
    if ref == nil then
      return nil
    end
    local key = ref
    if type(ref) == "table" then
      key = opt(ref.id) or opt(ref.name) or opt(ref.username)
    end
    local e = key ~= nil and by[key]
    if not e then
      fail("%s refers to unknown %s %s", who, kind, util.show(ref))
    end
    return e
  end

  local pending_plugins = {} -- { src, scope = { service =, route =, consumer = } }, resolved last

  local function collect_plugins(list, scope, who)
    for _, p in ipairs(array(list, who .. ".plugins")) do
      pending_plugins[#pending_plugins + 1] = { src = p, scope = scope }
    end
  end

  ---------------------------------------------------------------- services
  local nested_routes = {}
  for i, s in ipairs(array(decl.services, "services")) do
    if type(s) ~= "table" then
      fail("services[%d] must be a table", i)
    end
    local e = own_fields(s, { routes = true, plugins = true, url = true })
    local url = opt(s.url)
    if url then
      e.protocol, e.host, e.port, e.path = parse_url(url, "service " .. tostring(s.name or i))
    end
    e.protocol = e.protocol or "http"
    e.port = e.port or DEFAULT_PORTS[e.protocol] or 80
    if not e.host then
      fail("service %s has neither url nor host", util.show(s.name or i))
    end
    e.id = opt(s.id) or util.uuid_from("services:" .. tostring(s.name or i))
    e.retries = e.retries or 5
    e.connect_timeout = e.connect_timeout or 60000
    e.write_timeout = e.write_timeout or 60000
    e.read_timeout = e.read_timeout or 60000
    e.enabled = e.enabled ~= false
    e.created_at, e.updated_at = now, now
    register(model.services_by, e, "service")
    model.services[#model.services + 1] = e
    for _, r in ipairs(array(s.routes, "service.routes")) do
      nested_routes[#nested_routes + 1] = { src = r, service = e }
    end
    collect_plugins(s.plugins, { service = e }, label("service", e))
  end

  ---------------------------------------------------------------- routes
  local route_by = {}
  local all_routes = {}
  for _, r in ipairs(nested_routes) do
    all_routes[#all_routes + 1] = r
  end
  for _, r in ipairs(array(decl.routes, "routes")) do
    all_routes[#all_routes + 1] = { src = r }
  end
  for i, item in ipairs(all_routes) do
    local r = item.src
    if type(r) ~= "table" then
      fail("routes[%d] must be a table", i)
    end
    for _, f in ipairs(UNSUPPORTED_ROUTE_FIELDS) do
      if opt(r[f]) ~= nil then
        fail("route %s: field '%s' is not supported by the tollgate Kong test host",
             util.show(r.name or i), f)
      end
    end
    local e = own_fields(r, { plugins = true, service = true })
    e.id = opt(r.id) or util.uuid_from("routes:" .. tostring(r.name or i))
    local service = item.service or resolve(model.services_by, r.service, "service",
                                            "route " .. util.show(r.name or e.id))
    e.service = service and { id = service.id } or nil
    e.paths = opt(e.paths)
    e.methods = opt(e.methods)
    e.hosts = opt(e.hosts)
    for _, p in ipairs(array(e.paths, "route.paths")) do
      if type(p) ~= "string" or sub(p, 1, 1) ~= "/" then
        fail("route %s: path %s must start with '/' (regex paths '~...' are not supported by the tollgate Kong test host)",
             util.show(r.name or e.id), util.show(p))
      end
    end
    for j, m in ipairs(array(e.methods, "route.methods")) do
      e.methods[j] = upper(m)
    end
    if #array(e.paths, "") == 0 and #array(e.methods, "") == 0 and #array(e.hosts, "") == 0 then
      fail("route %s: at least one of these fields must be non-empty: 'methods', 'hosts', 'headers', 'paths', 'snis'",
           util.show(r.name or e.id))
    end
    if e.strip_path == nil then e.strip_path = true end
    if e.preserve_host == nil then e.preserve_host = false end
    e.protocols = e.protocols or { "http", "https" }
    e.regex_priority = e.regex_priority or 0
    e.path_handling = e.path_handling or "v0"
    if e.path_handling ~= "v0" then
      fail("route %s: path_handling '%s' is not supported by the tollgate Kong test host (only v0)",
           util.show(r.name or e.id), tostring(e.path_handling))
    end
    e.https_redirect_status_code = e.https_redirect_status_code or 426
    e.request_buffering = e.request_buffering ~= false
    e.response_buffering = e.response_buffering ~= false
    e.created_at, e.updated_at = now, now
    register(route_by, e, "route")
    model.routes[#model.routes + 1] = { entity = e, service = service }
    collect_plugins(r.plugins, { route = e }, label("route", e))
  end

  ---------------------------------------------------------------- consumers
  local credentials = {}
  local jwt_secrets = {}
  for i, c in ipairs(array(decl.consumers, "consumers")) do
    if type(c) ~= "table" then
      fail("consumers[%d] must be a table", i)
    end
    local username, custom_id = opt(c.username), opt(c.custom_id)
    if username == nil and custom_id == nil then
      fail("consumers[%d]: at least one of these fields must be non-empty: 'custom_id', 'username'", i)
    end
    local e = own_fields(c, { keyauth_credentials = true, jwt_secrets = true, plugins = true })
    e.id = opt(c.id) or util.uuid_from("consumers:" .. tostring(username or custom_id))
    e.created_at, e.updated_at = now, now
    if model.consumers_by_id[e.id] then
      fail("duplicate consumer id '%s'", e.id)
    end
    model.consumers_by_id[e.id] = e
    if username then
      if model.consumers_by_username[username] then
        fail("duplicate consumer username '%s'", username)
      end
      model.consumers_by_username[username] = e
    end
    model.consumers[#model.consumers + 1] = e
    for _, k in ipairs(array(c.keyauth_credentials, "consumer.keyauth_credentials")) do
      credentials[#credentials + 1] = { src = k, consumer = e }
    end
    for _, j in ipairs(array(c.jwt_secrets, "consumer.jwt_secrets")) do
      jwt_secrets[#jwt_secrets + 1] = { src = j, consumer = e }
    end
    collect_plugins(c.plugins, { consumer = e }, label("consumer", e))
  end

  -- Consumers are referenced by id or username.
  local consumer_by = setmetatable({}, {
    __index = function(_, k)
      return model.consumers_by_id[k] or model.consumers_by_username[k]
    end,
  })

  for _, k in ipairs(array(decl.keyauth_credentials, "keyauth_credentials")) do
    credentials[#credentials + 1] = { src = k }
  end
  for i, item in ipairs(credentials) do
    local k = item.src
    local key = type(k) == "table" and opt(k.key)
    if type(key) ~= "string" or key == "" then
      fail("keyauth_credentials[%d]: key must be a non-empty string", i)
    end
    local consumer = item.consumer or resolve(consumer_by, k.consumer, "consumer",
                                              "keyauth_credential #" .. i)
    if not consumer then
      fail("keyauth_credentials[%d]: consumer required field missing", i)
    end
    if model.credentials_by_key[key] then
      fail("keyauth_credentials: duplicate key for consumer %s", util.show(consumer.username or consumer.id))
    end
    local e = own_fields(k, { consumer = true })
    e.id = opt(k.id) or util.uuid_from("keyauth_credentials:" .. key)
    e.consumer = { id = consumer.id }
    e.created_at = now
    model.credentials_by_key[key] = e
  end

  -- jwt_secrets (the jwt plugin's credentials): key, secret, algorithm HS256.
  for _, j in ipairs(array(decl.jwt_secrets, "jwt_secrets")) do
    jwt_secrets[#jwt_secrets + 1] = { src = j }
  end
  for i, item in ipairs(jwt_secrets) do
    local j = item.src
    local key, secret = type(j) == "table" and opt(j.key), type(j) == "table" and opt(j.secret)
    if type(key) ~= "string" or key == "" or type(secret) ~= "string" or secret == "" then
      fail("jwt_secrets[%d]: key and secret must be non-empty strings", i)
    end
    local algorithm = opt(j.algorithm) or "HS256"
    if algorithm ~= "HS256" then
      fail("jwt_secrets[%d]: algorithm %s is not supported by the tollgate Kong test host (HS256 only)", i, tostring(algorithm))
    end
    local consumer = item.consumer or resolve(consumer_by, j.consumer, "consumer", "jwt_secret #" .. i)
    if not consumer then
      fail("jwt_secrets[%d]: consumer required field missing", i)
    end
    if model.jwt_secrets_by_key[key] then
      fail("jwt_secrets: duplicate key '%s'", key)
    end
    model.jwt_secrets_by_key[key] = {
      id = opt(j.id) or util.uuid_from("jwt_secrets:" .. key),
      key = key, secret = secret, algorithm = algorithm,
      consumer = { id = consumer.id }, created_at = now,
    }
  end

  ---------------------------------------------------------------- plugins
  for _, p in ipairs(array(decl.plugins, "plugins")) do
    pending_plugins[#pending_plugins + 1] = { src = p, scope = {} }
  end
  for i, item in ipairs(pending_plugins) do
    local p = item.src
    if type(p) ~= "table" or type(p.name) ~= "string" then
      fail("plugins[%d]: name required field missing", i)
    end
    for k in pairs(p) do
      if not PLUGIN_FIELDS[k] then
        if k == "ordering" then
          fail("plugin '%s': 'ordering' (dynamic plugin ordering) is not supported by the tollgate Kong test host", p.name)
        end
        fail("plugin '%s': %s: unknown field", p.name, tostring(k))
      end
    end
    local who = "plugin '" .. p.name .. "'"
    local scope = item.scope
    local service = scope.service or resolve(model.services_by, p.service, "service", who)
    local route = scope.route or resolve(route_by, p.route, "route", who)
    local consumer = scope.consumer or resolve(consumer_by, p.consumer, "consumer", who)

    local parts = {}
    if route then parts[#parts + 1] = label("route", route) end
    if service then parts[#parts + 1] = label("service", service) end
    if consumer then parts[#parts + 1] = label("consumer", consumer) end
    local scope_label = #parts > 0 and table.concat(parts, ", ") or "global"

    local id = opt(p.id) or util.uuid_from(format("plugins:%s:%s:%s:%s", p.name,
      route and route.id or "", service and service.id or "", consumer and consumer.id or ""))

    model.plugins[#model.plugins + 1] = {
      id = id,
      name = p.name,
      config = opt(p.config),
      enabled = opt(p.enabled) ~= false,
      protocols = opt(p.protocols),
      instance_name = opt(p.instance_name),
      tags = opt(p.tags),
      route = route,
      service = service,
      consumer = consumer,
      scope_label = scope_label,
    }
  end

  return model
end

return _M
