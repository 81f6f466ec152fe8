-- The `kong` global of the tollgate Kong-shaped test host: a subset of Kong
-- 3.x's Plugin Development Kit over ngx_lua.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's PDK.
-- The list of what exists (and what does not) is in init.lua's header.
--
-- Conventions, as in Kong: every function is a `.` call except
-- `kong.cache:get(...)` (and the other kong.cache / kong.timer methods);
-- functions that Kong restricts to some phases raise
-- "function cannot be called in <phase> phase (only in: ...)" elsewhere, so a
-- plugin that would fail in Kong fails here too. (Global plugins' `rewrite`
-- handlers run inside nginx's access phase here, so they pass the checks of
-- the access phase.)
--
-- Per-request state lives in ngx.ctx under the names Kong uses where plugins
-- may read them (route, service, authenticated_consumer,
-- authenticated_credential) and under tollgate_* names otherwise.

local cjson = require("cjson.safe")
local resp_add_header = require("ngx.resp").add_header
local req_add_header = require("ngx.req").add_header
local errlog = require("ngx.errlog")
local util = require("tollgate_kong_host.util")

local ngx = ngx
local ngx_var = ngx.var
local ngx_log = ngx.log
local get_phase = ngx.get_phase
local type = type
local pairs = pairs
local tostring = tostring
local tonumber = tonumber
local error = error
local format = string.format
local lower = string.lower
local gsub = string.gsub
local find = string.find
local sub = string.sub
local match = string.match
local concat = table.concat

local _M = {}

local CONTENT_TYPE_JSON = "application/json; charset=utf-8"

-- Kong's default messages for kong.response.error().
local HTTP_ERROR_MESSAGES = {
  [400] = "Bad request", [401] = "Unauthorized", [402] = "Payment required",
  [403] = "Forbidden", [404] = "Not found", [405] = "Method not allowed",
  [406] = "Not acceptable", [407] = "Proxy authentication required",
  [408] = "Request timeout", [409] = "Conflict", [410] = "Gone",
  [411] = "Length required", [412] = "Precondition failed",
  [413] = "Payload too large", [414] = "URI too long",
  [415] = "Unsupported media type", [416] = "Range not satisfiable",
  [417] = "Expectation failed", [418] = "I'm a teapot",
  [421] = "Misdirected request", [422] = "Unprocessable entity",
  [423] = "Locked", [424] = "Failed dependency", [425] = "Too early",
  [426] = "Upgrade required", [428] = "Precondition required",
  [429] = "Too many requests", [431] = "Request header fields too large",
  [451] = "Unavailable for legal reasons",
  [494] = "Request header or cookie too large",
  [500] = "An unexpected error occurred", [501] = "Not implemented",
  [502] = "An invalid response was received from the upstream server",
  [503] = "The upstream server is currently unavailable",
  [504] = "The upstream server is timing out",
  [505] = "HTTP version not supported", [506] = "Variant also negotiates",
  [507] = "Insufficient storage", [508] = "Loop detected",
  [510] = "Not extended", [511] = "Network authentication required",
}

---------------------------------------------------------------- phase checks

local function phases(...)
  local set = { list = concat({ ... }, ", ") }
  for _, p in pairs({ ... }) do
    set[p] = true
  end
  return set
end

-- "admin_api" where Kong's kong/pdk/response.lua lists PHASES.admin_api.
local REWRITE_ACCESS = phases("rewrite", "access")
local REWRITE_ACCESS_HEADER = phases("rewrite", "access", "header_filter", "admin_api")
local HEADER_BODY_LOG = phases("header_filter", "body_filter", "log")
local RESPONSE_READ = phases("header_filter", "body_filter", "log", "admin_api")
local ACCESS_AND_LATER = phases("access", "header_filter", "body_filter", "log")

local function check_phase(allowed)
  local phase = get_phase()
  if phase == "content" then
    -- Only the admin server has a content handler here; Kong's
    -- kong/pdk/private/phases.lua check_phase takes a content block as admin_api.
    phase = "admin_api"
  end
  if not allowed[phase] then
    error(format("function cannot be called in %s phase (only in: %s)", phase, allowed.list), 3)
  end
  return phase
end

---------------------------------------------------------------- headers

local function normalize_value(value, name)
  local t = type(value)
  if t == "string" then
    return value
  end
  if t == "number" or t == "boolean" then
    return tostring(value)
  end
  if t == "table" then
    local out = {}
    for i = 1, #value do
      out[i] = normalize_value(value[i], name)
    end
    return out
  end
  error(format('invalid header value for "%s": got %s, expected array of string, string, number or boolean',
               tostring(name), t), 3)
end

local function check_name(name)
  if type(name) ~= "string" then
    error("header name must be a string", 3)
  end
end

---------------------------------------------------------------- responses

-- Produces a response from the gateway itself (kong.response.exit, errors,
-- the host's 404/500/503). In rewrite/access it ends the request: the
-- remaining plugins' access handlers do not run, header_filter / body_filter /
-- log still do. In header_filter it replaces status, headers and body.
local function send(ctx, status, body, headers)
  if ngx.headers_sent then
    error("headers have already been sent", 3)
  end
  ctx.tollgate_exited = true
  ngx.status = status

  local header = ngx.header
  local has_type, has_length
  if headers ~= nil then
    for name, value in pairs(headers) do
      local lname = lower(name)
      if lname ~= "transfer-encoding" and lname ~= "transfer_encoding" then
        header[name] = normalize_value(value, name)
      end
      if lname == "content-type" or lname == "content_type" then
        has_type = true
      elseif lname == "content-length" or lname == "content_length" then
        has_length = true
      end
    end
  end

  local payload
  if type(body) == "table" then
    local json, err = cjson.encode(body)
    if not json then
      error("body encoding failed while flushing response: " .. tostring(err), 3)
    end
    payload = json
    if not has_type then
      header["Content-Type"] = CONTENT_TYPE_JSON
    end
  elseif body ~= nil then
    payload = body
  end
  if not has_length then
    header["Content-Length"] = payload and #payload or 0
  end

  if get_phase() == "header_filter" then
    ctx.tollgate_body = payload or ""
    return
  end

  if payload and payload ~= "" then
    ngx.print(payload)
  else
    -- Send the headers ourselves: an ngx.exit(>=300) with nothing sent yet
    -- would make nginx produce its HTML error page.
    ngx.send_headers()
  end
  return ngx.exit(status)
end

_M.send = send

local UNEXPECTED_BODY = { message = HTTP_ERROR_MESSAGES[500] }
_M.UNEXPECTED_JSON = cjson.encode(UNEXPECTED_BODY)

---------------------------------------------------------------- the kong table

-- model: the declarative entities (consumers for load_consumer);
-- settings: { node_id, hostname, plugins, prefix, ... } (see init.lua).
function _M.new(model, settings)
  -- The Kong this host plays: "3.9.0" (default) or "2.8.5" (settings.kong_version).
  local major, minor, patch = match(settings.kong_version, "^(%d+)%.(%d+)%.(%d+)$")
  local kong = {
    version = settings.kong_version,
    version_num = tonumber(major) * 1000000 + tonumber(minor) * 1000 + tonumber(patch),
  }

  -- The namespace kong.log uses while a plugin runs init_worker / configure
  -- (no request, so no ngx.ctx); set by init.lua.
  local current_ns

  function _M.set_namespace(ns)
    current_ns = ns
  end

  -------------------------------------------------------------- kong.configuration
  local loaded_plugins = { ["key-auth"] = true }
  local plugin_list = { "bundled" }
  for _, name in pairs(settings.plugins or {}) do
    loaded_plugins[name] = true
    plugin_list[#plugin_list + 1] = name
  end
  kong.configuration = {
    prefix = settings.prefix,
    database = "off",
    role = "traditional",
    plugins = plugin_list,
    loaded_plugins = loaded_plugins,
    log_level = "info",
    db_cache_ttl = 0,
    trusted_ips = {},
    real_ip_header = "X-Real-IP",
    real_ip_recursive = "off",
    proxy_listeners = settings.proxy_listeners or {},
    nginx_worker_processes = settings.workers,
    tollgate_kong_host = true, -- lets a plugin (or a test) tell this host from Kong
  }

  -------------------------------------------------------------- kong.table
  kong.table = { new = require("table.new"), clear = require("table.clear") }

  -------------------------------------------------------------- kong.node
  kong.node = {
    get_id = function() return settings.node_id end,
    get_hostname = function() return settings.hostname end,
  }

  -------------------------------------------------------------- kong.log
  local LEVELS = {
    emerg = ngx.EMERG, alert = ngx.ALERT, crit = ngx.CRIT, err = ngx.ERR,
    warn = ngx.WARN, notice = ngx.NOTICE, info = ngx.INFO, debug = ngx.DEBUG,
  }
  local sys_level -- nginx's error_log level, read lazily (not available in init)

  local function namespace()
    if current_ns then
      return current_ns
    end
    local phase = get_phase()
    if phase == "init" or phase == "init_worker" then
      return ""
    end
    local e = ngx.ctx.tollgate_plugin
    return e and e.log_prefix or ""
  end

  local log = {}
  for name, level in pairs(LEVELS) do
    log[name] = function(...)
      if sys_level == nil and get_phase() ~= "init" then
        sys_level = errlog.get_sys_filter_level()
      end
      if sys_level and level > sys_level then
        return -- filtered out by error_log's level; skip building the prefix
      end
      -- Like Kong: "[kong] <file>:<line> [<plugin>] message". This is a tail
      -- call, so nginx's "[lua] <file>:<line>:" already names the plugin's
      -- own source line.
      return ngx_log(level, "[kong] ", namespace(), ...)
    end
  end
  log.inspect = function(...)
    local parts = {}
    for i = 1, select("#", ...) do
      local v = select(i, ...)
      parts[i] = type(v) == "table" and (cjson.encode(v) or tostring(v)) or tostring(v)
    end
    return ngx_log(ngx.NOTICE, "[kong] ", namespace(), concat(parts, " "))
  end
  setmetatable(log, { __call = function(_, ...) return log.notice(...) end })
  kong.log = log

  -------------------------------------------------------------- kong.ctx
  kong.ctx = setmetatable({}, {
    __index = function(_, key)
      if key == "shared" then
        local ctx = ngx.ctx
        local shared = ctx.tollgate_shared
        if not shared then
          shared = {}
          ctx.tollgate_shared = shared
        end
        return shared
      end
      if key == "plugin" then
        local ctx = ngx.ctx
        local e = ctx.tollgate_plugin
        if not e then
          error("kong.ctx.plugin is only available while a plugin handler runs", 2)
        end
        local all = ctx.tollgate_plugin_ctx
        if not all then
          all = {}
          ctx.tollgate_plugin_ctx = all
        end
        local mine = all[e.name]
        if not mine then
          mine = {}
          all[e.name] = mine
        end
        return mine
      end
      return nil
    end,
  })

  -------------------------------------------------------------- kong.request
  local header_vars = {} -- "X-Api-Key" -> "http_x_api_key"
  local function header_var(name)
    local v = header_vars[name]
    if not v then
      v = "http_" .. gsub(lower(name), "-", "_")
      header_vars[name] = v
    end
    return v
  end

  -- Decoded query args, parsed once per request for get_query_arg.
  local function query_args(ctx)
    local args = ctx.tollgate_query
    if not args then
      args = ngx.req.get_uri_args()
      ctx.tollgate_query = args
    end
    return args
  end

  local request = {}
  kong.request = request

  function request.get_scheme() return ngx_var.scheme end
  function request.get_host() return ngx_var.host end
  function request.get_port() return tonumber(ngx_var.server_port) end
  -- No trusted_ips here: the forwarded values are the direct ones, as in
  -- Kong with its default (empty) trusted_ips.
  request.get_forwarded_scheme = request.get_scheme
  request.get_forwarded_host = request.get_host
  request.get_forwarded_port = request.get_port
  function request.get_http_version() return ngx.req.http_version() end
  function request.get_method() return ngx.req.get_method() end
  function request.get_raw_path()
    local uri = ngx_var.request_uri or ""
    local q = find(uri, "?", 2, true)
    return q and sub(uri, 1, q - 1) or uri
  end
  if kong.version_num < 3000000 then
    -- Kong 2.8's get_path is request_uri cut at "?", not normalised
    -- (kong/pdk/request.lua, 2.8.5); 2.8 has no get_raw_path, kept here for the host.
    request.get_path = request.get_raw_path
  else
    -- nginx's normalized path ($uri): dot segments resolved and slashes merged as
    -- Kong 3.x's get_path does (kong/tools/uri.lua normalize, 3.9.3); unlike Kong,
    -- nginx also decodes reserved characters such as %2F.
    function request.get_path() return ngx_var.uri end
  end
  function request.get_path_with_query()
    local args = ngx_var.args
    if args and args ~= "" then
      return request.get_path() .. "?" .. args
    end
    return request.get_path()
  end
  function request.get_raw_query() return ngx_var.args or "" end
  function request.get_query(max_args)
    return ngx.req.get_uri_args(max_args)
  end
  function request.get_query_arg(name)
    if type(name) ~= "string" then
      error("query argument name must be a string", 2)
    end
    local v = query_args(ngx.ctx)[name]
    if type(v) == "table" then
      return v[1]
    end
    return v
  end
  function request.get_header(name)
    if type(name) ~= "string" then
      error("header name must be a string", 2)
    end
    return ngx_var[header_var(name)]
  end
  function request.get_headers(max_headers)
    return ngx.req.get_headers(max_headers)
  end
  function request.get_raw_body()
    ngx.req.read_body()
    return ngx.req.get_body_data() or ""
  end
  function request.get_start_time()
    return ngx.req.start_time() * 1000
  end

  -------------------------------------------------------------- kong.client
  local client = {}
  kong.client = client

  function client.get_ip() return ngx_var.remote_addr end
  client.get_forwarded_ip = client.get_ip
  function client.get_port() return tonumber(ngx_var.remote_port) end
  client.get_forwarded_port = client.get_port
  function client.get_protocol()
    return ngx_var.scheme == "https" and "https" or "http"
  end
  function client.get_consumer()
    check_phase(ACCESS_AND_LATER)
    return ngx.ctx.authenticated_consumer
  end
  function client.get_credential()
    check_phase(ACCESS_AND_LATER)
    return ngx.ctx.authenticated_credential
  end
  function client.authenticate(consumer, credential)
    check_phase(REWRITE_ACCESS)
    if consumer ~= nil and type(consumer) ~= "table" then
      error("consumer must be a table or nil", 2)
    elseif credential ~= nil and type(credential) ~= "table" then
      error("credential must be a table or nil", 2)
    elseif consumer == nil and credential == nil then
      error("either credential or consumer must be provided", 2)
    end
    local ctx = ngx.ctx
    ctx.authenticated_consumer = consumer
    ctx.authenticated_credential = credential
  end
  function client.load_consumer(consumer_id, search_by_username)
    if type(consumer_id) ~= "string" then
      error("consumer_id must be a string", 2)
    end
    local c = model.consumers_by_id[consumer_id]
    if not c and search_by_username then
      c = model.consumers_by_username[consumer_id]
    end
    return c
  end

  -------------------------------------------------------------- kong.response
  local response = {}
  kong.response = response

  function response.get_status()
    check_phase(RESPONSE_READ)
    return ngx.status
  end
  function response.get_header(name)
    check_phase(RESPONSE_READ)
    check_name(name)
    local v = ngx.header[name]
    if type(v) == "table" then
      return v[1]
    end
    return v
  end
  function response.get_headers(max_headers)
    check_phase(RESPONSE_READ)
    return ngx.resp.get_headers(max_headers)
  end
  function response.get_source()
    local ctx = ngx.ctx
    if ctx.tollgate_unexpected then
      return "error"
    end
    if ctx.tollgate_exited then
      return "exit"
    end
    if ctx.tollgate_proxied then
      return "service"
    end
    return "error"
  end
  function response.set_status(status)
    check_phase(REWRITE_ACCESS_HEADER)
    if type(status) ~= "number" or status < 100 or status > 599 then
      error("code must be a number between 100 and 599", 2)
    end
    ngx.status = status
  end

  -- Kong sets a response header at once, in every phase it allows
  -- (kong/pdk/response.lua set_header / add_header / clear_header, 2.8.5 and
  -- 3.9.3: ngx.header[name] = value). Set in rewrite/access, nginx then sends it
  -- beside an upstream header of the same name rather than instead of it.
  local function check_response_header(name)
    check_phase(REWRITE_ACCESS_HEADER)
    if ngx.headers_sent then
      error("headers have already been sent", 3)
    end
    check_name(name)
    local lname = lower(name)
    if lname == "transfer-encoding" or lname == "transfer_encoding" then
      log.warn("manually setting Transfer-Encoding. Ignored.")
      return false
    end
    return true
  end

  function response.set_header(name, value)
    if check_response_header(name) then ngx.header[name] = normalize_value(value, name) end
  end
  function response.add_header(name, value)
    if check_response_header(name) then resp_add_header(name, normalize_value(value, name)) end
  end
  function response.clear_header(name)
    if check_response_header(name) then ngx.header[name] = nil end
  end
  function response.set_headers(headers)
    if type(headers) ~= "table" then
      error("headers must be a table", 2)
    end
    for name, value in pairs(headers) do
      response.set_header(name, value)
    end
  end

  function response.exit(status, body, headers)
    check_phase(REWRITE_ACCESS_HEADER)
    if type(status) ~= "number" then
      error("code must be a number", 2)
    elseif status < 100 or status > 599 then
      error("code must be a number between 100 and 599", 2)
    end
    if body ~= nil and type(body) ~= "string" and type(body) ~= "table" then
      error("body must be a nil, string or table", 2)
    end
    if headers ~= nil and type(headers) ~= "table" then
      error("headers must be a nil or table", 2)
    end
    return send(ngx.ctx, status, body, headers)
  end

  -- Always JSON here (Kong negotiates on Accept: JSON is its default).
  function response.error(status, message, headers)
    if type(status) ~= "number" then
      error("code must be a number", 2)
    elseif status < 400 or status > 599 then
      error("code must be a number between 400 and 599", 2)
    end
    if message ~= nil and type(message) ~= "string" then
      error("message must be a nil or a string", 2)
    end
    message = message or HTTP_ERROR_MESSAGES[status]
              or format("The upstream server responded with %d", status)
    check_phase(REWRITE_ACCESS_HEADER)
    return send(ngx.ctx, status, { message = message }, headers)
  end

  -------------------------------------------------------------- kong.service
  local service_request = {}
  kong.service = {
    request = service_request,
    response = {
      get_status = function()
        check_phase(HEADER_BODY_LOG)
        -- After retries $upstream_status is "502, 200": the last one counts.
        local s = ngx_var.upstream_status
        return s and tonumber(match(s, "(%d+)%s*$")) or nil
      end,
      get_header = function(name)
        check_phase(HEADER_BODY_LOG)
        check_name(name)
        return ngx_var["upstream_http_" .. gsub(lower(name), "-", "_")]
      end,
    },
  }

  function service_request.set_header(name, value)
    check_phase(REWRITE_ACCESS)
    check_name(name)
    value = normalize_value(value, name)
    if lower(name) == "host" then
      ngx_var.tollgate_upstream_host = value
      return
    end
    ngx.req.set_header(name, value)
  end
  function service_request.add_header(name, value)
    check_phase(REWRITE_ACCESS)
    check_name(name)
    req_add_header(name, normalize_value(value, name))
  end
  function service_request.clear_header(name)
    check_phase(REWRITE_ACCESS)
    check_name(name)
    ngx.req.clear_header(name)
  end
  function service_request.set_headers(headers)
    if type(headers) ~= "table" then
      error("headers must be a table", 2)
    end
    for name, value in pairs(headers) do
      service_request.set_header(name, value)
    end
  end
  function service_request.set_path(path)
    check_phase(REWRITE_ACCESS)
    if type(path) ~= "string" or sub(path, 1, 1) ~= "/" then
      error("path must be a string starting with '/'", 2)
    end
    ngx_var.tollgate_upstream_path = path
  end
  function service_request.set_raw_query(query)
    check_phase(REWRITE_ACCESS)
    if type(query) ~= "string" then
      error("query must be a string", 2)
    end
    ngx.req.set_uri_args(query)
    ngx.ctx.tollgate_query = nil
  end
  function service_request.set_query(args)
    check_phase(REWRITE_ACCESS)
    if type(args) ~= "table" then
      error("args must be a table", 2)
    end
    ngx.req.set_uri_args(args)
    ngx.ctx.tollgate_query = nil
  end
  function service_request.clear_query_arg(name)
    check_phase(REWRITE_ACCESS)
    local args = ngx.req.get_uri_args()
    if args[name] ~= nil then
      args[name] = nil
      ngx.req.set_uri_args(args)
    end
    ngx.ctx.tollgate_query = nil
  end

  -------------------------------------------------------------- kong.router
  kong.router = {
    get_route = function() return ngx.ctx.route end,
    get_service = function() return ngx.ctx.service end,
  }

  -------------------------------------------------------------- kong.plugin
  kong.plugin = {
    get_id = function()
      local conf = ngx.ctx.tollgate_conf
      return conf and conf.__plugin_id
    end,
  }

  -------------------------------------------------------------- kong.cache
  -- Per-worker table with ttl, standing in for Kong's mlcache (no shm layer,
  -- no LRU eviction, no cross-worker invalidation).
  -- get() returns value, err, hit_level (1: cached, 3: from the callback).
  local store = {}
  local cache = {}

  function cache:get(key, opts, cb, ...)
    if type(key) ~= "string" then
      error("key must be a string", 2)
    end
    local now = ngx.now()
    local e = store[key]
    if e then
      if e.exp == 0 or e.exp > now then
        return e.value, nil, 1
      end
      store[key] = nil
    end
    if cb == nil then
      return nil
    end
    if type(cb) ~= "function" then
      error("callback must be a function", 2)
    end
    local ok, value, err, ttl = pcall(cb, ...)
    if not ok then
      return nil, "callback threw an error: " .. tostring(value)
    end
    if err ~= nil then
      return nil, tostring(err)
    end
    local t
    if value == nil then
      t = opts and opts.neg_ttl or kong.configuration.db_cache_neg_ttl or kong.configuration.db_cache_ttl
    else
      t = opts and opts.ttl or kong.configuration.db_cache_ttl
    end
    if type(ttl) == "number" then
      t = ttl
    end
    if t >= 0 then
      store[key] = { value = value, exp = t > 0 and now + t or 0 }
    end
    return value, nil, 3
  end
  function cache:probe(key)
    local e = store[key]
    if not e or (e.exp ~= 0 and e.exp <= ngx.now()) then
      return nil
    end
    return e.exp == 0 and 0 or e.exp - ngx.now(), nil, e.value
  end
  function cache:invalidate(key) store[key] = nil end
  function cache:invalidate_local(key) store[key] = nil end
  function cache:purge() store = {} end
  kong.cache = cache
  kong.core_cache = cache

  -------------------------------------------------------------- kong.db
  -- The consumers DAO only, read-only, over the declarative entities: select({ id })
  -- and select_by_username (kong/db/dao/init.lua: select, select_by_<unique field>;
  -- both answer nil, nil for no row). Every other DAO and method is absent.
  local consumers_dao = {}
  function consumers_dao:select(pk)
    if type(pk) ~= "table" or type(pk.id) ~= "string" then
      error("primary key must be a table with a string id", 2)
    end
    return model.consumers_by_id[pk.id]
  end
  function consumers_dao:select_by_username(username)
    if type(username) ~= "string" then
      error("username must be a string", 2)
    end
    return model.consumers_by_username[username]
  end
  kong.db = { consumers = consumers_dao }

  -------------------------------------------------------------- kong.timer
  -- lua-resty-timer-ng's calling convention over ngx.timer (callbacks get
  -- premature, ...); names are accepted but cancel() is not supported.
  kong.timer = {}
  function kong.timer:at(delay, cb, ...) return ngx.timer.at(delay, cb, ...) end
  function kong.timer:every(interval, cb, ...) return ngx.timer.every(interval, cb, ...) end
  function kong.timer:named_at(_, delay, cb, ...) return ngx.timer.at(delay, cb, ...) end
  function kong.timer:named_every(_, interval, cb, ...) return ngx.timer.every(interval, cb, ...) end

  -------------------------------------------------------------- kong.log.serialize
  -- The basic log serializer's shape (enough for a logging/metering plugin).
  -- Like Kong, Authorization / Proxy-Authorization are redacted.
  function log.serialize()
    check_phase(HEADER_BODY_LOG)
    local ctx = ngx.ctx
    local headers = ngx.req.get_headers()
    if headers["authorization"] then headers["authorization"] = "REDACTED" end
    if headers["proxy-authorization"] then headers["proxy-authorization"] = "REDACTED" end
    local credential = ctx.authenticated_credential
    local consumer = ctx.authenticated_consumer
    local upstream_path = ngx_var.tollgate_upstream_path
    local args = ngx_var.args
    local upstream_time = tonumber(ngx_var.upstream_response_time)
    local request_time = tonumber(ngx_var.request_time) or 0
    return {
      request = {
        uri = ngx_var.request_uri,
        url = ngx_var.scheme .. "://" .. ngx_var.host .. ":" .. ngx_var.server_port .. ngx_var.request_uri,
        querystring = ngx.req.get_uri_args(),
        method = ngx.req.get_method(),
        headers = headers,
        size = tonumber(ngx_var.request_length),
      },
      upstream_uri = upstream_path and upstream_path ~= "" and
                     (upstream_path .. ((args and args ~= "") and ("?" .. args) or "")) or nil,
      response = {
        status = ngx.status,
        headers = ngx.resp.get_headers(),
        size = tonumber(ngx_var.bytes_sent),
      },
      latencies = {
        request = request_time * 1000,
        proxy = upstream_time and upstream_time * 1000 or -1,
        kong = upstream_time and (request_time - upstream_time) * 1000 or request_time * 1000,
      },
      route = ctx.route,
      service = ctx.service,
      consumer = consumer,
      authenticated_entity = credential and { id = credential.id,
                                              consumer_id = credential.consumer and credential.consumer.id } or nil,
      client_ip = ngx_var.remote_addr,
      started_at = ngx.req.start_time() * 1000,
      source = response.get_source(),
    }
  end

  return kong
end

-- Re-exported so init.lua can use the same values.
_M.CONTENT_TYPE_JSON = CONTENT_TYPE_JSON
_M.null = util.null

return _M
