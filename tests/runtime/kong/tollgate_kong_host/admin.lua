-- Admin API of the tollgate Kong-shaped test host: serves the plugins'
-- `kong.plugins.<name>.api` modules on a port of their own.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's Admin
-- API. Written from Kong 3.9.3's source (read, not copied); 2.8.5 behaves the
-- same for everything below unless said.
--
-- Where each behaviour comes from:
--   * its own nginx `server {}` on 127.0.0.1:<admin port>, `location /` with
--     `default_type application/json` and a content handler; the proxy server
--     does not serve it                  (kong/templates/nginx_kong.lua, server kong_admin)
--   * Access-Control-Allow-Origin: the request's Origin or "*"
--                                        (kong/init.lua serve_content; 2.8.5: always "*")
--     and Access-Control-Allow-Credentials: true (3.x only; api_helpers.cors_filter)
--   * one module per enabled plugin, `kong.plugins.<name>.api`; a module that
--     is not found is skipped, one that fails to load is an error
--                                        (kong/api/init.lua "Plugin Routes", kong/tools/module.lua
--                                         load_module_if_exists)
--   * a table whose first table entry has no `schema` is attached with
--     attach_routes: every key under a path is taken as an HTTP method name,
--     so `{ methods = { GET = fn } }` registers a method called "methods"
--                                        (kong/api/api_helpers.lua is_new_db_routes, attach_routes)
--   * HEAD answered by GET when the route has GET and no HEAD; OPTIONS added
--     when absent: 204 with Allow / Access-Control-Allow-Methods = the sorted
--     methods plus OPTIONS, Access-Control-Allow-Headers: Content-Type
--                                        (api_helpers.attach_routes, options_method)
--   * the handler is called as handler(self, {}, helpers): db is an empty
--     table for routes without schema, no `parent`
--                                        (api_helpers.attach_routes wrapped_handler)
--   * route paths in lapis syntax: literal text, `:name` (one or more
--     characters other than "/"), `*` (the rest, as `splat`); literal routes
--     are tried before routes with captures, fewer captures first, splats last
--                                        (lapis 1.16 / 1.8.3 lapis/router.moon, Router.build,
--                                         route_precedence)
--   * the path matched is the request line's path, not percent-decoded:
--     captures arrive encoded                 (lapis/nginx.moon parsed_url)
--   * self.params: query args, then a urlencoded form body, then the path
--     captures, then a JSON object body's fields, each overriding the one
--     before; an arg given twice counts with its last value; `?flag` alone
--     is `true`                          (lapis Application.wrap_handler, add_params,
--                                         nginx.moon params_get / params_post / flatten_params,
--                                         lapis.application json_params)
--   * before the handler, for POST/PUT/PATCH: a body whose Content-Type is not
--     JSON, form or multipart is refused with 415 (empty body); a body
--     declared JSON that does not parse: 400 {"message":"Cannot parse JSON body"}
--                                        (api_helpers.before_filter, parse_params)
--   * a method the route lacks: 405 {"message":"Method not allowed"}
--                                        (lapis respond_to on_invalid_method ->
--                                         api_helpers.handle_error)
--   * no route: the path with its trailing "/" removed (or one added) is
--     tried, else 404 {"message":"Not found"}
--                                        (api_helpers.default_route, handle_404)
--   * an error raised by a handler: logged, 500
--     {"message":"An unexpected error occurred"}   (api_helpers.handle_error)
--   * a handler returning nothing without exiting: the status it set (200 if
--     none), empty body                  (api_helpers.parse_params: ngx.exit(0))
--   * kong.response.exit / error / set_header work as in Kong's admin_api
--     phase (pdk.lua treats nginx's content phase as admin_api, as
--     kong/pdk/private/phases.lua check_phase does).
--
-- NOT EMULATED: Kong's own core routes (/, /status, /services, /routes,
-- /consumers, /plugins, /config, /cache, /schemas, /debug, ...), every
-- DAO-backed endpoint (a module whose routes carry a `schema` stops start-up
-- with a message saying so), kong.db, RBAC / workspaces / admin auth, TLS and
-- HTTP/2 on the admin listener, admin_gui_origin, /robots.txt, multipart
-- bodies, nested keys (`a.b=1`, `a[1]=x`: Kong's normalize_nested_params and
-- lapis's bracket expansion), a handler's lapis render table
-- (`return { status = ..., json = ... }`: answered 500 and logged),
-- helpers.yield_error (raises), the X-Kong-Admin-Latency and Server headers,
-- the bundled plugins' own API modules (key-auth, jwt here are the host's).

local cjson = require("cjson.safe")

local ngx = ngx
local type = type
local pairs = pairs
local ipairs = ipairs
local pcall = pcall
local tostring = tostring
local error = error
local format = string.format
local find = string.find
local sub = string.sub
local gsub = string.gsub
local lower = string.lower
local concat = table.concat
local sort = table.sort

local _M = {}

-- api_helpers.lua HTTP_METHODS: only these count for the Allow list.
local HTTP_METHODS = {
  GET = true, HEAD = true, POST = true, PUT = true, DELETE = true,
  CONNECT = true, OPTIONS = true, TRACE = true, PATCH = true,
}
local NEEDS_BODY = { PUT = true, POST = true, PATCH = true }

local NOT_FOUND = { message = "Not found" }
local METHOD_NOT_ALLOWED = { message = "Method not allowed" }
local UNEXPECTED = { message = "An unexpected error occurred" }
local BAD_JSON = { message = "Cannot parse JSON body" }

local function try_require(module)
  local ok, res = xpcall(require, debug.traceback, module)
  if ok then
    return true, res
  end
  if type(res) == "string" and find(res, "module '" .. module .. "' not found", 1, true) then
    return false
  end
  error("error loading module '" .. module .. "':\n" .. tostring(res), 0)
end

-- A lapis route path -> Lua pattern, capture names, precedence.
local function compile_path(path)
  if find(path, "[%(%[]") then
    error(format("Admin API route '%s': optional parts and character classes of lapis routes are not emulated by the test host", path), 0)
  end
  local names, vars, splats = {}, 0, 0
  local out = {}
  local i, n = 1, #path
  while i <= n do
    local c = sub(path, i, i)
    local name = c == ":" and path:match("^[%a_][%w_]*", i + 1) or nil
    if name then
      vars = vars + 1
      names[#names + 1] = name
      out[#out + 1] = "([^/]+)"
      i = i + 1 + #name
    elseif c == "*" then
      splats = splats + 1
      names[#names + 1] = "splat"
      out[#out + 1] = "(.+)"
      i = i + 1
    else
      out[#out + 1] = (gsub(c, "%W", "%%%0"))
      i = i + 1
    end
  end
  local precedence = vars
  if splats > 0 then
    precedence = precedence + 10 + (1 / splats) * 10
  end
  return "^" .. concat(out) .. "$", names, precedence
end

-- The routes of one plugin's module, appended to `routes` (Kong's attach_routes).
local function attach(routes, plugin, module)
  for key, methods in pairs(module) do
    if type(methods) == "table" and methods.schema ~= nil then
      error(format("kong.plugins.%s.api: routes with a schema (Kong's DAO-backed endpoints) are not emulated by the test host", plugin), 0)
    end
  end
  for path, methods in pairs(module) do
    if type(path) ~= "string" or type(methods) ~= "table" then
      error(format("kong.plugins.%s.api: entry %s is not a path with a table of methods", plugin, tostring(path)), 0)
    end
    local handlers, allow = {}, {}
    for method, handler in pairs(methods) do
      handlers[method] = handler
      if HTTP_METHODS[method] then
        allow[#allow + 1] = method
      end
    end
    if handlers.HEAD == nil and handlers.GET ~= nil then
      handlers.HEAD = handlers.GET
      allow[#allow + 1] = "HEAD"
    end
    if handlers.OPTIONS == nil then
      allow[#allow + 1] = "OPTIONS"
      sort(allow)
      handlers.OPTIONS = concat(allow, ", ")
    end
    local pattern, names, precedence = compile_path(path)
    routes[#routes + 1] = { path = path, pattern = pattern, names = names,
                            precedence = precedence, order = #routes + 1,
                            handlers = handlers, plugin = plugin }
  end
end

-- init: the routes of every enabled plugin's API module, in lapis's order.
function _M.load(plugin_names)
  local routes = {}
  for _, name in ipairs(plugin_names) do
    local found, module = try_require("kong.plugins." .. name .. ".api")
    if found then
      if type(module) ~= "table" then
        error(format("kong.plugins.%s.api must return a table, got %s", name, type(module)), 0)
      end
      attach(routes, name, module)
    end
  end
  sort(routes, function(a, b)
    if a.precedence ~= b.precedence then
      return a.precedence < b.precedence
    end
    return a.order < b.order
  end)
  return routes
end

local function resolve(routes, path)
  for _, route in ipairs(routes) do
    local captures = { path:match(route.pattern) }
    if captures[1] ~= nil then
      local params = {}
      for i, name in ipairs(route.names) do
        params[name] = captures[i]
      end
      return route, params
    end
  end
end

-- api_helpers.default_route: retry without, or with, a trailing slash.
local function find_route(routes, path)
  local route, params = resolve(routes, path)
  if route then
    return route, params
  end
  local stripped = path:match("^(.*)/$")
  if stripped then
    return resolve(routes, stripped)
  end
  return resolve(routes, path .. "/")
end

-- lapis flatten_params: an arg given several times counts with its last value.
local function flatten(args)
  local out = {}
  for k, v in pairs(args or {}) do
    if type(v) == "table" then
      v = v[#v]
    end
    out[k] = v
  end
  return out
end

local function merge(into, from)
  for k, v in pairs(from) do
    into[k] = v
  end
end

-- api_helpers.before_filter: true when the request may go on.
local function body_accepted(method, headers)
  if not NEEDS_BODY[method] then
    return true
  end
  local content_type = headers["content-type"]
  if type(content_type) == "table" then
    content_type = content_type[1]
  end
  if not content_type then
    local length = headers["content-length"]
    if length == "0" then
      return true
    end
    if not length then
      local _, err = ngx.req.socket()
      return err == "no body"
    end
    return false
  end
  return sub(content_type, 1, 16) == "application/json"
      or sub(content_type, 1, 19) == "multipart/form-data"
      or sub(content_type, 1, 33) == "application/x-www-form-urlencoded"
end

-- content_by_lua of the admin server.
function _M.serve(routes)
  local headers = ngx.req.get_headers()
  ngx.header["Access-Control-Allow-Origin"] = headers["origin"] or "*"
  ngx.header["Access-Control-Allow-Credentials"] = "true"

  local request_uri = ngx.var.request_uri
  local path = request_uri:match("^[^?]*")
  local route, captures = find_route(routes, path)
  if not route then
    return kong.response.exit(404, NOT_FOUND)
  end

  local method = ngx.req.get_method()
  local content_type = headers["content-type"]
  if type(content_type) == "table" then
    content_type = content_type[1]
  end
  local GET = flatten(ngx.req.get_uri_args())
  local POST = {}
  if content_type and find(lower(content_type), "application/x-www-form-urlencoded", 1, true) then
    ngx.req.read_body()
    POST = flatten(ngx.req.get_post_args())
  end
  local params = {}
  merge(params, GET)
  merge(params, POST)
  merge(params, captures)
  local self = {
    params = params, GET = GET, POST = POST, url_params = captures,
    route_name = route.path,
    req = { method = method, headers = headers, request_uri = request_uri,
            parsed_url = { path = path, query = ngx.var.args } },
  }

  if not body_accepted(method, headers) then
    return kong.response.exit(415)
  end

  local handler = route.handlers[method]
  if handler == nil then
    if method == "HEAD" then
      -- lapis respond_to's default HEAD: an empty answer.
      return ngx.exit(200)
    end
    return kong.response.exit(405, METHOD_NOT_ALLOWED)
  end
  if type(handler) == "string" then
    return kong.response.exit(204, nil, {
      ["Allow"] = handler,
      ["Access-Control-Allow-Methods"] = handler,
      ["Access-Control-Allow-Headers"] = headers["access-control-request-headers"] or "Content-Type",
    })
  end

  if content_type and find(lower(content_type), "application/json", 1, true) then
    ngx.req.read_body()
    local json = cjson.decode(ngx.req.get_body_data() or "")
    if type(json) == "table" then
      self.json = json
      merge(params, json)
    elseif NEEDS_BODY[method] then
      return kong.response.exit(400, BAD_JSON)
    end
  end

  local helpers = {
    yield_error = function()
      error("helpers.yield_error is not emulated by the tollgate Kong test host", 2)
    end,
  }
  local ok, res, err = xpcall(handler, debug.traceback, self, {}, helpers)
  if not ok then
    ngx.log(ngx.ERR, "[admin] ", route.plugin, " ", method, " ", route.path, ": ", tostring(res))
    return kong.response.exit(500, UNEXPECTED)
  end
  if err then
    ngx.log(ngx.ERR, "[admin] ", tostring(err))
    return ngx.exit(500)
  end
  if res ~= nil then
    ngx.log(ngx.ERR, "[admin] ", route.plugin, " ", method, " ", route.path,
            ": answered with a lapis render table, which the test host does not emulate")
    return kong.response.exit(500, UNEXPECTED)
  end
  if ngx.status == 0 then
    ngx.status = 200
  end
  ngx.header["Content-Length"] = 0
  ngx.send_headers()
  return ngx.exit(ngx.status)
end

return _M
