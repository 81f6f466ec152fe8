-- tollgate Kong-shaped test host: runs Kong 3.x plugins -- the very same
-- kong/plugins/<name>/handler.lua and schema.lua a user installs into Kong --
-- inside plain Debian nginx + ngx_lua (lua-nginx-module 0.10.23, LuaJIT 2.1,
-- lua-resty-core).
--
-- =========================================================================
--  TEST AND PLAYGROUND INFRASTRUCTURE ONLY. THIS IS NOT KONG AND NOT A
--  PRODUCT. It exists because no Kong image can run on the project's
--  machines. It was written from Kong 3.x's documented behaviour and source
--  (read, not copied). Where Docker is available, the same HTTP-level tests
--  run against a stock Kong; that is the reference, not this host.
-- =========================================================================
--
-- Started by tests/runtime/kong-host.ts, which writes conf/kong.json (the
-- declarative config, kong.yml as JSON) and conf/kong-host.json (host
-- settings: plugin names, upstream names) into the nginx prefix and an nginx
-- http{} block calling, through the global TollgateKongHost:
--   init_by_lua          -> init()          load + validate everything, or refuse to start
--   init_worker_by_lua   -> init_worker()   handler:init_worker(), handler:configure(configs)
--   access_by_lua        -> access()        global rewrite handlers, router, plugins' access
--   header_filter_by_lua -> header_filter()
--   body_filter_by_lua   -> body_filter()
--   log_by_lua           -> log()
--   content_by_lua       -> admin()         the Admin API server (its own port)
--
-- EMULATED (see each module's header for details)
--   * declarative config (_format_version 3.0): services, routes, consumers,
--     keyauth_credentials, plugins scoped to service/route/consumer, nested
--     entities; stable ids                                      (config.lua)
--   * plugin loading as with `plugins = bundled,<names>`; config validation
--     against the plugin's schema.lua with Kong's messages and full field
--     paths, records required unless `required = false` (Kong's
--     make_records_required); nginx does not start on any error (plugins.lua, schema.lua)
--   * vault references in `referenceable` fields: unchecked at load,
--     resolved in init (the master) like Kong 3.9's DB-less warmup; env
--     vault only                                                 (schema.lua, vault.lua)
--   * kong.db.schema.typedefs (a minimal subset), kong.meta     (../kong/...)
--   * prefix router, strip_path, service path, preserve_host,
--     404 {"message":"no Route matched with those values"}     (router.lua)
--   * key-auth (PRIORITY 1250) and jwt (1450, HS256 only, kong.json
--     jwt_secrets) as the only bundled plugins                 (key_auth.lua, jwt.lua)
--   * plugin order by PRIORITY; config precedence
--     consumer+route+service > ... > global; consumer-scoped configs are
--     picked after auth, per plugin, as Kong's collecting iterator does; the
--     configs picked during access are the ones used in the later phases
--   * phases: init_worker (every loaded plugin, once per worker; a failure
--     makes every request a 500, as in Kong), configure(configs),
--     rewrite (global plugins only, run at the start of nginx's access
--     phase), access, header_filter, body_filter, log
--   * an error thrown by a plugin's access is logged ("[kong] [<plugin>] ...")
--     and answered with 500 {"message":"An unexpected error occurred"}, like
--     Kong; kong.response.get_source() then says "error". Errors in
--     header_filter also become that 500 (Kong does not guard this phase);
--     errors in body_filter / log are logged only.
--   * the plugins' Admin API modules (kong.plugins.<name>.api) on an admin
--     port of their own, dispatched as Kong's api_helpers + lapis do (admin.lua)
--   * kong.response.exit in access ends the request: later plugins' access
--     does not run; header_filter / body_filter / log still run for every
--     plugin that applies to the route.
--
-- PDK SUBSET (the `kong` global, pdk.lua)
--   kong.version ("3.9.0"), kong.version_num (3009000), kong.configuration
--     (minimal: prefix, database "off", plugins, loaded_plugins, log_level,
--     db_cache_ttl, trusted_ips {}, tollgate_kong_host = true)
--   kong.request.get_scheme/get_host/get_port/get_forwarded_scheme/
--     get_forwarded_host/get_forwarded_port/get_http_version/get_method/
--     get_path/get_raw_path/get_path_with_query/get_raw_query/get_query/
--     get_query_arg/get_header/get_headers/get_raw_body/get_start_time
--   kong.client.get_ip/get_forwarded_ip/get_port/get_forwarded_port/
--     get_protocol/get_consumer/get_credential/authenticate/load_consumer
--   kong.response.get_status/get_header/get_headers/get_source/set_status/
--     set_header/add_header/clear_header/set_headers/exit/error
--     (set at once, as Kong does: set in rewrite/access, nginx sends it
--     beside an upstream header of the same name)
--   kong.service.request.set_header/add_header/clear_header/set_headers/
--     set_path/set_raw_query/set_query/clear_query_arg ("Host" sets the
--     upstream Host header); kong.service.response.get_status/get_header
--   kong.ctx.shared, kong.ctx.plugin (per request; per plugin name)
--   kong.log.emerg/alert/crit/err/warn/notice/info/debug, kong.log(...),
--     kong.log.inspect, kong.log.serialize (basic serializer shape)
--   kong.node.get_id (stable per nginx prefix), kong.node.get_hostname
--   kong.router.get_route/get_service, kong.plugin.get_id
--   kong.cache:get/probe/invalidate/invalidate_local/purge (per-worker table
--     with ttl; kong.core_cache is the same object)
--   kong.timer:at/every/named_at/named_every (over ngx.timer)
--   kong.table.new/clear
--   kong.db.consumers:select({ id }) / :select_by_username(name), read-only
--   Phase restrictions are checked as Kong checks them.
--
-- NOT EMULATED (a plugin relying on these fails or behaves differently)
--   kong.db beyond reading consumers, kong.dns, the kong.vault PDK and vaults other than env,
--   kong.worker_events,
--   kong.cluster_events, kong.tracing, kong.ip, kong.request.get_body,
--   kong.response.get_raw_body/set_raw_body, kong.service.set_upstream/
--   set_target, kong.cache's shm layer and cross-worker invalidation, the
--   Admin API beyond the plugins' own api modules (admin.lua), DB mode, hybrid mode, config reload, upstreams/targets/load
--   balancing/health checks/retries, TLS, streams, gRPC, websockets,
--   consumer groups, workspaces, dynamic plugin ordering, regex/host-header/
--   expression routing beyond prefix+methods+hosts, trusted_ips/real-ip,
--   Kong's response headers (Via, X-Kong-*, Server), content negotiation of
--   error bodies (always JSON), Kong's JSON error pages for upstream failures
--   (nginx's own error pages are returned), bundled plugins other than
--   key-auth and jwt, Kong's custom nginx directives and Lua patches.
--
-- WHAT A PLUGIN SEES IN `conf`
--   Defaults filled in (also nested record defaults); an absent optional
--   field is nil (Kong's validation sees ngx.null, its handlers nil -- so do
--   custom_validator / entity checks and handlers here); sets deduplicated;
--   plus Kong's extra keys route_id, service_id, consumer_id,
--   plugin_instance_name, __plugin_id, __key__, __seq__.
--   lua-cjson here is Debian's 2.1.0, not OpenResty's fork: no
--   cjson.array_mt / cjson.empty_array, and an empty array from kong.json
--   is an empty table.

local util = require("tollgate_kong_host.util")
local config = require("tollgate_kong_host.config")
local pdk = require("tollgate_kong_host.pdk")
local plugins = require("tollgate_kong_host.plugins")
local router = require("tollgate_kong_host.router")
local key_auth = require("tollgate_kong_host.key_auth")
local jwt = require("tollgate_kong_host.jwt")
local admin = require("tollgate_kong_host.admin")

local ngx = ngx
local ngx_var = ngx.var
local ngx_log = ngx.log
local ERR = ngx.ERR
local pcall = pcall
local tostring = tostring
local format = string.format
local new_tab = require("table.new")
local req_get_method = ngx.req.get_method
local router_match = router.match
local upstream_path = router.upstream_path
local send = pdk.send

local H = {}

-- Built by init(), read-only afterwards (shared by all workers via fork).
local ROUTER          -- router.new(...)
local GLOBAL          -- the pseudo route used when no route matched
local LOADED          -- plugins.load(...)
local CONFIGS_OF      -- plugin name -> array of its configs (for configure)
local ADMIN_ROUTES    -- admin.load(...): the plugins' Admin API routes
local init_worker_error

local NO_ROUTE = { message = "no Route matched with those values" }
local NO_SERVICE = { message = "no Service found with those values" }
local UNEXPECTED = { message = "An unexpected error occurred" }
local UNEXPECTED_JSON = pdk.UNEXPECTED_JSON

local DEFAULT_PORTS = { http = 80, https = 443 }

local function read_hostname()
  local name = util.read_file("/proc/sys/kernel/hostname")
  return name and (name:gsub("%s+$", "")) or "localhost"
end

-- A route record: what the request path needs, precomputed.
local function route_record(r, settings, loaded, combos, consumers_of)
  local e, service = r.entity, r.service
  local rt = {
    entity = e,
    service = service,
    strip_path = e.strip_path,
    preserve_host = e.preserve_host,
    base = service and service.path or "/",
  }
  if service then
    local target = service.host .. ":" .. tostring(service.port)
    rt.upstream = (settings.upstreams or {})[target] or target
    rt.upstream_host = service.host
    if service.port ~= DEFAULT_PORTS[service.protocol] then
      rt.upstream_host = target
    end
    -- Only touch the nginx variables when the conf's defaults do not fit.
    rt.set_upstream = rt.upstream ~= settings.default_upstream
    rt.set_host = rt.upstream_host ~= settings.default_upstream_host
  end
  rt.chain, rt.phases, rt.dynamic = plugins.chain(loaded, combos, consumers_of,
                                                  e.id, service and service.id)
  for _, entry in ipairs(rt.chain) do
    entry.has_access = type(entry.handler.access) == "function"
  end
  return rt
end

-- init_by_lua: everything that can be decided before the first request.
-- Any error here is raised, so nginx refuses to start and prints it.
function H.init(opts)
  opts = opts or {}
  local prefix = ngx.config.prefix()
  local settings, err = util.read_json(opts.settings_path or (prefix .. "conf/kong-host.json"))
  if not settings then
    error("tollgate Kong test host: " .. err, 0)
  end
  local decl
  decl, err = util.read_json(opts.config_path or (prefix .. "conf/kong.json"))
  if not decl then
    error("tollgate Kong test host: " .. err, 0)
  end

  -- The Kong version this host plays (kong.version, declarative formats, get_path).
  settings.kong_version = settings.kong_version or "3.9.0"
  local model = config.load(decl, settings.kong_version)

  -- Default plugin list: every plugin named in the config (KONG_PLUGINS=bundled,...).
  if settings.plugins == nil then
    local seen = {}
    settings.plugins = {}
    for _, p in ipairs(model.plugins) do
      if p.name ~= "key-auth" and not seen[p.name] then
        seen[p.name] = true
        settings.plugins[#settings.plugins + 1] = p.name
      end
    end
  end
  settings.prefix = prefix
  settings.node_id = util.uuid_from("node:" .. prefix)
  settings.hostname = read_hostname()

  -- The global must exist before plugin modules load: they capture it
  -- (`local kong = kong`) at load time.
  _G.kong = pdk.new(model, settings)
  key_auth.set_model(model)
  jwt.set_model(model)

  LOADED = plugins.load(settings.plugins)
  local combos, consumers_of, configs_of = plugins.validate(model, LOADED)
  ADMIN_ROUTES = admin.load(settings.plugins)
  CONFIGS_OF = configs_of

  local routes = {}
  for i, r in ipairs(model.routes) do
    routes[i] = route_record(r, settings, LOADED, combos, consumers_of)
  end
  ROUTER = router.new(routes)

  GLOBAL = { entity = nil, service = nil }
  GLOBAL.chain, GLOBAL.phases, GLOBAL.dynamic = plugins.chain(LOADED, combos, consumers_of, nil, nil)

  _G.TollgateKongHost = H
  ngx_log(ngx.NOTICE, format("[tollgate-kong-host] loaded %d route(s), %d consumer(s), %d plugin config(s), plugins: %s",
                             #model.routes, #model.consumers, #model.plugins,
                             table.concat(settings.plugins, ",")))
end

-- init_worker_by_lua: handler:init_worker() for every loaded plugin (by
-- priority), then handler:configure(configs) with the plugin's enabled
-- configs (nil when it has none), as Kong 3.4+ does.
function H.init_worker()
  for _, plugin in ipairs(LOADED.list) do
    local h = plugin.handler
    if type(h.init_worker) == "function" then
      pdk.set_namespace("[" .. plugin.name .. "] ")
      local ok, err = pcall(h.init_worker, h)
      pdk.set_namespace(nil)
      if not ok then
        init_worker_error = format('failed to execute the "init_worker" handler for plugin "%s": %s',
                                   plugin.name, tostring(err))
        ngx_log(ERR, "[kong] ", init_worker_error)
        return
      end
    end
  end
  for _, plugin in ipairs(LOADED.list) do
    local h = plugin.handler
    if type(h.configure) == "function" then
      pdk.set_namespace("[" .. plugin.name .. "] ")
      local ok, err = pcall(h.configure, h, CONFIGS_OF[plugin.name])
      pdk.set_namespace(nil)
      if not ok then
        ngx_log(ERR, "[kong] failed to execute plugin '", plugin.name, ":configure (", tostring(err), ")")
      end
    end
  end
end

-- The config of a chain entry for this request: the consumer-specific one
-- when the authenticated consumer has one, else the route's static one.
local function resolve(entry, ctx)
  local by_consumer = entry.by_consumer
  if by_consumer then
    local consumer = ctx.authenticated_consumer
    if consumer then
      local conf = by_consumer[consumer.id]
      if conf then
        return conf
      end
    end
  end
  return entry.conf
end

-- In later phases: the config collected during access; entries access never
-- reached (it ended early) are resolved now, with the final consumer -- Kong
-- keeps collecting after an exit in the same way.
local function collected(ctx, confs, entry)
  local conf = confs[entry.idx]
  if conf == nil then
    conf = resolve(entry, ctx) or false
    confs[entry.idx] = conf
  end
  return conf or nil
end

-- Runs one handler phase under pcall. Returns false when it threw.
-- (kong.response.exit does not throw: it ends the request with ngx.exit,
-- which unwinds through pcall like Kong's coroutine.yield does.)
local function call(ctx, entry, phase, conf)
  ctx.tollgate_plugin = entry
  ctx.tollgate_conf = conf
  local handler = entry.handler
  local ok, err = pcall(handler[phase], handler, conf)
  if not ok then
    ngx_log(ERR, "[kong] ", entry.log_prefix, tostring(err))
    return false
  end
  return true
end

local function unexpected(ctx)
  ctx.tollgate_unexpected = true
  ctx.tollgate_plugin = nil
  return send(ctx, 500, UNEXPECTED)
end

function H.access()
  local ctx = ngx.ctx

  if init_worker_error then
    ngx_log(ERR, "[kong] ", init_worker_error)
    ctx.tollgate_rt = GLOBAL
    return unexpected(ctx)
  end

  -- Global plugins' rewrite handlers (before routing, like Kong's rewrite phase).
  local rewrites = GLOBAL.phases.rewrite
  if #rewrites > 0 then
    ctx.tollgate_rt = GLOBAL
    for i = 1, #rewrites do
      local entry = rewrites[i]
      if not call(ctx, entry, "rewrite", entry.conf) then
        return unexpected(ctx)
      end
    end
  end

  local path = ngx_var.uri
  local cand = router_match(ROUTER, req_get_method(), path, ROUTER.needs_host and ngx_var.host or nil)
  if not cand then
    ctx.tollgate_rt = GLOBAL
    return send(ctx, 404, NO_ROUTE)
  end

  local rt = cand.route
  ctx.tollgate_rt = rt
  ctx.route = rt.entity
  ctx.service = rt.service
  ngx_var.tollgate_upstream_path = upstream_path(cand, path)
  if rt.set_upstream then
    ngx_var.tollgate_upstream = rt.upstream
  end
  if rt.preserve_host then
    ngx_var.tollgate_upstream_host = ngx_var.http_host or ngx_var.host
  elseif rt.set_host then
    ngx_var.tollgate_upstream_host = rt.upstream_host
  end

  if rt.dynamic then
    -- Some config depends on the consumer: pick per plugin, in order, so a
    -- plugin running after key-auth sees the consumer's config (Kong's
    -- collecting iterator); remember the picks for the later phases.
    local chain = rt.chain
    local n = #chain
    local confs = new_tab(n, 0)
    ctx.tollgate_confs = confs
    for i = 1, n do
      local entry = chain[i]
      local conf = resolve(entry, ctx)
      confs[i] = conf or false
      if conf and entry.has_access and not call(ctx, entry, "access", conf) then
        return unexpected(ctx)
      end
    end
  else
    local list = rt.phases.access
    for i = 1, #list do
      local entry = list[i]
      if not call(ctx, entry, "access", entry.conf) then
        return unexpected(ctx)
      end
    end
  end
  ctx.tollgate_plugin = nil

  if not rt.service then
    return send(ctx, 503, NO_SERVICE)
  end
  ctx.tollgate_proxied = true
end

function H.header_filter()
  local ctx = ngx.ctx
  local rt = ctx.tollgate_rt or GLOBAL
  local list = rt.phases.header_filter
  local n = #list
  if n == 0 then
    return
  end
  local confs = ctx.tollgate_confs
  for i = 1, n do
    local entry = list[i]
    local conf = entry.conf
    if confs then
      conf = collected(ctx, confs, entry)
    end
    if conf and not call(ctx, entry, "header_filter", conf) then
      -- Headers are not sent yet: turn the response into Kong's 500.
      ctx.tollgate_unexpected = true
      ngx.status = 500
      ngx.header["Content-Type"] = pdk.CONTENT_TYPE_JSON
      ngx.header["Content-Length"] = #UNEXPECTED_JSON
      ngx.header["Content-Encoding"] = nil
      ctx.tollgate_body = UNEXPECTED_JSON
    end
  end
  ctx.tollgate_plugin = nil
end

function H.body_filter()
  local ctx = ngx.ctx
  local body = ctx.tollgate_body
  if body then
    -- A response produced in header_filter replaces whatever nginx sends.
    if ctx.tollgate_body_sent then
      ngx.arg[1] = ""
    else
      ngx.arg[1] = body
      ngx.arg[2] = true
      ctx.tollgate_body_sent = true
    end
  end
  local rt = ctx.tollgate_rt or GLOBAL
  local list = rt.phases.body_filter
  local n = #list
  if n == 0 then
    return
  end
  local confs = ctx.tollgate_confs
  for i = 1, n do
    local entry = list[i]
    local conf = entry.conf
    if confs then
      conf = collected(ctx, confs, entry)
    end
    if conf then
      call(ctx, entry, "body_filter", conf)
    end
  end
  ctx.tollgate_plugin = nil
end

function H.log()
  local ctx = ngx.ctx
  local rt = ctx.tollgate_rt or GLOBAL
  local list = rt.phases.log
  local n = #list
  if n == 0 then
    return
  end
  local confs = ctx.tollgate_confs
  for i = 1, n do
    local entry = list[i]
    local conf = entry.conf
    if confs then
      conf = collected(ctx, confs, entry)
    end
    if conf then
      -- Called directly, as Kong's execute_collected_plugins_iterator does for the log
      -- phase: an error ends log_by_lua and nginx logs it, like in Kong. (Under pcall,
      -- every trace LuaJIT starts inside a log handler would also have to end at the
      -- pcall frame, "NYI: return to lower frame", which Kong does not impose.)
      ctx.tollgate_plugin = entry
      ctx.tollgate_conf = conf
      local handler = entry.handler
      handler.log(handler, conf)
    end
  end
  ctx.tollgate_plugin = nil
end

-- content_by_lua of the admin server (admin.lua).
function H.admin()
  return admin.serve(ADMIN_ROUTES)
end

-- For tests and tools: the JSON the host answers a plugin error with.
H.UNEXPECTED_JSON = UNEXPECTED_JSON

return H
