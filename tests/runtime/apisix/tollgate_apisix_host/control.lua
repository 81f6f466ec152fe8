-- The control API server, implemented by the tollgate APISIX-shaped TEST host
-- (not a product; see init.lua). Written from APISIX 3.18.0 (read, not copied):
--
--   apisix/cli/ngx_tpl.lua: with enable_control, a server of its own listening
--     on control_server_addr (apisix/cli/ops.lua: apisix.control.ip/port,
--     default 127.0.0.1:9090; conf/config.yaml: enable_control true), whose
--     `location /` runs apisix.http_control() in content_by_lua.
--   apisix/init.lua http_control: the control router's match on ngx.var.uri;
--     nothing matched -> ngx.exit(404) (no body).
--   apisix/control/router.lua fetch_control_api_router / register_api_routes /
--     match: the routes of every loaded plugin's control_api() -- {methods,
--     uris (an array), handler} -- in plugin order (priority, highest first),
--     matched by ngx.var.uri and the request method with resty.radixtree
--     (apisix/utils/router.lua, no_param_match: a uri is exact, or a prefix
--     when it ends in "*"); dispatched with no extra arguments, so the
--     handler's api_ctx is nil; its code, body -- when either is set -- end
--     the request through core.response.exit, a table body without a
--     Content-Type getting application/json.
--
-- Not emulated: the built-in /v1/* routes (apisix/control/v1.lua: schema,
-- healthcheck, routes, ...), discovery modules' control APIs,
-- apisix.control.router = radixtree_uri_with_parameter, and the router's
-- rebuilding after a plugin reload.

local plugin_routes = require("tollgate_apisix_host.plugin_routes")

local type = type
local ipairs = ipairs

local _M = {}

local registry
local routes -- built on first use in each worker, like APISIX's cached router

-- plugins.lua hands over every loaded plugin (name -> module).
function _M.set_registry(loaded)
    registry = loaded
    routes = nil
end

-- control_api() routes: {methods, uris (an array), handler}.
local function each_control_route(plugin, add)
    if type(plugin.control_api) ~= "function" then
        return
    end
    for _, route in ipairs(plugin.control_api()) do
        add(route.uris or {}, route.methods, route.handler)
    end
end

-- content_by_lua of the control server: apisix.http_control.
function _M.http_control()
    routes = routes or plugin_routes.build(registry, each_control_route)
    local route = plugin_routes.find(routes, ngx.var.uri, ngx.req.get_method())
    if not route then
        return ngx.exit(404)
    end
    -- No api_ctx: control/router.lua dispatches with the match options only.
    plugin_routes.respond(route.handler())
end

return _M
