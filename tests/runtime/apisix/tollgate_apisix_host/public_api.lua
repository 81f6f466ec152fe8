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

local type = type
local ipairs = ipairs
local pairs = pairs
local sort = table.sort
local byte = string.byte
local sub = string.sub

local BYTE_STAR = byte("*")

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

local function build()
    local plugins = {}
    for _, plugin in pairs(registry) do
        plugins[#plugins + 1] = plugin
    end
    -- apisix/plugin.lua keeps its plugins sorted by priority, highest first.
    -- (Required here: plugins.lua requires this module.)
    sort(plugins, require("tollgate_apisix_host.plugins").higher_priority_first)
    local out = {}
    for _, plugin in ipairs(plugins) do
        if type(plugin.api) == "function" then
            for _, route in ipairs(plugin.api()) do
                if route.uri == nil then
                    core.log.error("got nil uri in api route: ", core.json.encode(route))
                    break
                end
                local uris = type(route.uri) == "table" and route.uri or { route.uri }
                for _, uri in ipairs(uris) do
                    local prefix = byte(uri, #uri) == BYTE_STAR and sub(uri, 1, #uri - 1) or nil
                    local methods
                    if route.methods then
                        methods = {}
                        for _, m in ipairs(route.methods) do
                            methods[m] = true
                        end
                    end
                    out[#out + 1] = { uri = uri, prefix = prefix, methods = methods, handler = route.handler }
                end
            end
        end
    end
    -- radixtree: an exact path before prefixes, longer prefixes first.
    sort(out, function(a, b)
        if (a.prefix == nil) ~= (b.prefix == nil) then
            return a.prefix == nil
        end
        return #a.uri > #b.uri
    end)
    return out
end

local function match(ctx)
    routes = routes or build()
    local uri, method = ctx.var.uri, ctx.var.request_method
    for _, route in ipairs(routes) do
        local hit
        if route.prefix then
            hit = sub(uri, 1, #route.prefix) == route.prefix
        else
            hit = uri == route.uri
        end
        if hit and (route.methods == nil or route.methods[method]) then
            local code, body = route.handler(ctx)
            if code or body then
                if type(body) == "table" and ngx.header["Content-Type"] == nil then
                    core.response.set_header("Content-Type", "application/json")
                end
                core.response.exit(code, body)
            end
            return true
        end
    end
    return false
end

function _M.access(conf, ctx)
    ctx.var.uri = conf.uri or ctx.var.uri
    if match(ctx) then
        return
    end
    return 404
end

return _M
