-- public-api, implemented by the tollgate APISIX-shaped TEST host (not a
-- product; see init.lua): the only way a plugin's `api()` routes are reached
-- on APISIX. Written from APISIX 3.18.0 (read, not copied):
--
--   apisix/plugins/public-api.lua: priority 501, conf { uri = string };
--     access sets ctx.var.uri to conf.uri when given (ctx.var only: "uri" is
--     not among apisix/core/ctx.lua's write-through ngx_var_names), matches
--     the API router, and answers 404 (no body) when nothing matched.
--   apisix/api_router.lua fetch_api_router / match: the routes of every
--     loaded plugin's api() -- {methods, uri (string or array), handler} --
--     in plugin order; a route without uri is logged ("got nil uri in api
--     route") and ends that plugin's list; matched on ctx.var.uri and
--     ctx.var.request_method with resty.radixtree (apisix/utils/router.lua,
--     no_param_match: a uri is exact, or a prefix when it ends in "*");
--     handler(api_ctx) returns code, body; when either is set, a table body
--     without a Content-Type gets application/json and core.response.exit
--     (code, body) ends the request. A handler returning neither lets the
--     request go on through the route's other plugins.
--
-- Not emulated: radixtree's `:param` and host/vars matching in api routes,
-- and APISIX's rebuilding of the router after a plugin reload. The control
-- API (plugin control_api()) is control.lua, on a listener of its own.

local core = require("apisix.core")
local plugin_routes = require("tollgate_apisix_host.plugin_routes")

local type = type
local ipairs = ipairs

local schema = {
    type = "object",
    properties = {
        uri = { type = "string" },
    },
}

local _M = {
    version = 0.1,
    priority = 501,
    name = "public-api",
    schema = schema,
}

function _M.check_schema(conf)
    return core.schema.check(schema, conf)
end

local registry
local routes -- built on first use in each worker, like APISIX's lrucache'd router

-- plugins.lua hands over every loaded plugin (name -> module).
function _M.set_registry(loaded)
    registry = loaded
    routes = nil
end

-- api() routes: {methods, uri (string or array), handler}; a route without
-- uri ends that plugin's list (apisix/api_router.lua fetch_api_router).
local function each_api_route(plugin, add)
    if type(plugin.api) ~= "function" then
        return
    end
    for _, route in ipairs(plugin.api()) do
        if route.uri == nil then
            core.log.error("got nil uri in api route: ", core.json.encode(route))
            break
        end
        add(type(route.uri) == "table" and route.uri or { route.uri }, route.methods, route.handler)
    end
end

local function match(ctx)
    routes = routes or plugin_routes.build(registry, each_api_route)
    local route = plugin_routes.find(routes, ctx.var.uri, ctx.var.request_method)
    if not route then
        return false
    end
    plugin_routes.respond(route.handler(ctx))
    return true
end

function _M.access(conf, ctx)
    ctx.var.uri = conf.uri or ctx.var.uri
    if match(ctx) then
        return
    end
    return 404
end

return _M
