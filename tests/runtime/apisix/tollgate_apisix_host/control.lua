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

local core = require("apisix.core")

local type = type
local ipairs = ipairs
local pairs = pairs
local sort = table.sort
local byte = string.byte
local sub = string.sub

local BYTE_STAR = byte("*")

local _M = {}

local registry
local routes -- built on first use in each worker, like APISIX's cached router

-- plugins.lua hands over every loaded plugin (name -> module).
function _M.set_registry(loaded)
    registry = loaded
    routes = nil
end

local function build()
    local plugins = {}
    for _, plugin in pairs(registry or {}) do
        plugins[#plugins + 1] = plugin
    end
    sort(plugins, require("tollgate_apisix_host.plugins").higher_priority_first)
    local out = {}
    for _, plugin in ipairs(plugins) do
        if type(plugin.control_api) == "function" then
            for _, route in ipairs(plugin.control_api()) do
                local methods
                if route.methods then
                    methods = {}
                    for _, m in ipairs(route.methods) do
                        methods[m] = true
                    end
                end
                for _, uri in ipairs(route.uris or {}) do
                    local prefix = byte(uri, #uri) == BYTE_STAR and sub(uri, 1, #uri - 1) or nil
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

-- content_by_lua of the control server: apisix.http_control.
function _M.http_control()
    routes = routes or build()
    local uri, method = ngx.var.uri, ngx.req.get_method()
    for _, route in ipairs(routes) do
        local hit
        if route.prefix then
            hit = sub(uri, 1, #route.prefix) == route.prefix
        else
            hit = uri == route.uri
        end
        if hit and (route.methods == nil or route.methods[method]) then
            local code, body = route.handler()
            if code or body then
                if type(body) == "table" and ngx.header["Content-Type"] == nil then
                    core.response.set_header("Content-Type", "application/json")
                end
                return core.response.exit(code, body)
            end
            return
        end
    end
    return ngx.exit(404)
end

return _M
