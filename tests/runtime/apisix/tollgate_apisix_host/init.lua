-- tollgate APISIX-shaped TEST host: nginx phase entry points.
--
-- THIS IS NOT APACHE APISIX and not a product. It is test and playground
-- infrastructure for tollgate: it runs APISIX 3.x plugin files
-- (apisix/plugins/<name>.lua, the very files a user installs into APISIX)
-- inside Debian's nginx + ngx_lua, behind a small re-implementation of the
-- parts of APISIX those plugins touch, written from APISIX's documentation
-- and source. tests/runtime/apisix-host.ts generates the nginx.conf; where a
-- real apache/apisix container is available, the same HTTP suite should run
-- against it instead.
--
-- What it does (per request, all in nginx's access phase like APISIX):
--   route match (router.lua; 404 {"error_msg":"404 Route Not Found"}) ->
--   global rules' rewrite -> route plugins' rewrite (key-auth at 2500) ->
--   consumer / consumer group plugin merge + their rewrite ->
--   global rules' access -> plugins' access -> proxy_pass to the one upstream;
--   then header_filter, body_filter and log for the same plugin set.
-- Start-up (init_by_lua): reads the standalone config the launcher wrote as
-- JSON, requires every plugin, runs every check_schema (a failure stops
-- nginx with APISIX's "failed to check the configuration of plugin ..."
-- text, prefixed by the item it belongs to), precomputes routes and their
-- sorted per-phase plugin lists. init_worker: plugin.init() in each worker.
--
-- What of APISIX is NOT emulated (non-exhaustive; a plugin or config that
-- depends on any of this will fail or behave differently):
--   * config: etcd, Admin API, config.yaml, hot reload of apisix.yaml,
--     plugin_metadata, `secrets` and $secret:// managers (only $env://
--     references resolve: secret.lua), ssls, stream routes,
--     upstream load balancing/health checks/retries/timeouts/pass_host/
--     scheme (every route proxies to the single upstream the launcher names;
--     upstream `nodes` are ignored), route hosts/vars/remote_addrs/
--     filter_func/script, uri parameters, route `timeout`, websocket flag,
--     plugin `_meta.filter` / `_meta.pre_function`, prefer_route beyond
--     global rules, delete_uri_tail_slash / normalize_uri_like_servlet.
--   * plugins: only key-auth, jwt-auth (HS256) and public-api (serving the
--     loaded plugins' api() routes, public_api.lua) are built in (no other
--     bundled APISIX plugin),
--     no multi-auth, no plugin hot reload, no stream/wasm/external plugins,
--     no workflow_handler, no plugin attributes from config.yaml.
--   * runtime: apisix.core beyond the documented subset (apisix/core.lua),
--     apisix.plugin / apisix.consumer / apisix.upstream modules, ctx.var
--     write-through to nginx variables, lua-resty-* libraries APISIX bundles
--     (resty.redis, resty.kafka, lrucache wrappers, ...), tracing, the
--     Server: APISIX header, X-APISIX-Upstream-Status, error_page JSON
--     bodies (an uncaught plugin error gives nginx's own 500 page), the
--     debug mode, the control API's built-in /v1/* routes (plugins'
--     control_api() routes are served: control.lua), prometheus.

local cjson = require("cjson.safe")
local ctx_mod = require("apisix.core.ctx")
local response = require("apisix.core.response")
local plugins = require("tollgate_apisix_host.plugins")
local config = require("tollgate_apisix_host.config")
local router_mod = require("tollgate_apisix_host.router")
local runner = require("tollgate_apisix_host.runner")
local new_tab = require("table.new")
local ngx = ngx
local get_method = ngx.req.get_method
local io_open = io.open
local pcall = pcall
local error = error
local tostring = tostring

local set_vars_meta = ctx_mod.set_vars_meta
local resp_exit = response.exit
local run_until_exit = runner.run_until_exit
local run_all = runner.run_all
local run_global = runner.run_global
local merge_consumer = runner.merge_consumer
local match = router_mod.match

local _M = {}

-- Filled by http_init, read-only afterwards (inherited by workers).
local state
local router
local NOT_FOUND = { error_msg = "404 Route Not Found" }

local function read_file(path)
    local f, err = io_open(path, "rb")
    if not f then
        error("cannot open " .. path .. ": " .. tostring(err), 0)
    end
    local text = f:read("*a")
    f:close()
    return text
end

-- init_by_lua: `path` is the JSON file the launcher wrote:
-- { "config": <apisix.yaml as JSON>, "plugins": ["name", ...] }
function _M.http_init(path)
    local ok, err = pcall(function()
        local doc, derr = cjson.decode(read_file(path))
        if not doc then
            error("invalid JSON in " .. path .. ": " .. tostring(derr), 0)
        end
        require("apisix.core.json").strip_nulls(doc)
        -- core.env.init in APISIX's http_init: the environment as the master has it.
        require("tollgate_apisix_host.secret").init()
        local registry = plugins.load(doc.plugins or {})
        state = config.compile(doc.config or {}, registry)
        router = router_mod.new(state.routes)
    end)
    if not ok then
        -- plain message: nginx prints it and refuses to start
        error("tollgate APISIX test host: invalid configuration: " .. tostring(err), 0)
    end
    ngx.log(ngx.NOTICE, "tollgate APISIX test host: ", #state.routes, " routes loaded")
end

-- The compiled routes, for apisix/router.lua's http_routes() (tests/runtime/apisix/apisix/router.lua).
function _M.routes()
    return state and state.routes or nil
end

function _M.http_init_worker()
    plugins.init_worker(state.registry)
end

-- access_by_lua: everything up to the proxy, like apisix.http_access_phase.
function _M.http_access_phase()
    local ngx_ctx = ngx.ctx
    local api_ctx = new_tab(0, 32)
    ngx_ctx.api_ctx = api_ctx
    api_ctx.ngx_ctx = ngx_ctx
    local var = set_vars_meta(api_ctx)

    local rt = match(router, var.uri, get_method())
    local has_global = state.has_global
    if not rt then
        if has_global then
            api_ctx._tg_global = state.global
            run_global(state.global.rewrite, api_ctx, true)
            run_global(state.global.access, api_ctx, true)
        end
        return resp_exit(404, NOT_FOUND)
    end

    api_ctx.matched_route = rt.route
    api_ctx.conf_type = rt.conf_type
    api_ctx.conf_version = rt.conf_version
    api_ctx.conf_id = rt.conf_id
    api_ctx.route_id = rt.id
    api_ctx.route_name = rt.name
    api_ctx.service_id = rt.service_id
    api_ctx.service_name = rt.service_name
    api_ctx.plugins = rt.plugins
    api_ctx._tg_phases = rt.phases

    if has_global then
        api_ctx._tg_global = rt.global
        run_global(rt.global.rewrite, api_ctx, true)
    end
    run_until_exit(rt.phases.rewrite, api_ctx)

    if api_ctx.consumer then
        if not merge_consumer(state.registry, rt, api_ctx) then
            return
        end
    end

    if has_global then
        run_global(rt.global.access, api_ctx, true)
    end
    run_until_exit(api_ctx._tg_phases.access, api_ctx)

    if not rt.has_upstream then
        ngx.log(ngx.ERR, "failed to set upstream: missing upstream configuration in Route or Service")
        return resp_exit(503)
    end
end

local function filter_phase(phase)
    local api_ctx = ngx.ctx.api_ctx
    if not api_ctx then
        return
    end
    local global = api_ctx._tg_global
    if global then
        run_global(global[phase], api_ctx, false)
    end
    local phases = api_ctx._tg_phases
    if phases then
        run_all(phases[phase], api_ctx)
    end
end

-- content_by_lua of the control server (apisix.http_control): control.lua.
function _M.http_control()
    return require("tollgate_apisix_host.control").http_control()
end

function _M.http_header_filter_phase()
    filter_phase("header_filter")
end

function _M.http_body_filter_phase()
    filter_phase("body_filter")
end

function _M.http_log_phase()
    filter_phase("log")
end

return _M
