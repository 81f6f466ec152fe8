-- The route table both plugin-route servers of the tollgate APISIX-shaped
-- TEST host use (not a product; see init.lua): public_api.lua (plugins'
-- api(), apisix/api_router.lua) and control.lua (plugins' control_api(),
-- apisix/control/router.lua). Both APISIX routers are resty.radixtree with
-- no_param_match (apisix/utils/router.lua, 3.18.0): a uri is exact, or a
-- prefix when it ends in "*"; an exact path wins, then the longest prefix.
-- Both end the request the same way (register_api_routes in
-- control/router.lua, match in api_router.lua): when the handler returns a
-- code or a body, a table body without a Content-Type gets
-- application/json and core.response.exit(code, body) sends it.

local core = require("apisix.core")

local ipairs = ipairs
local pairs = pairs
local type = type
local sort = table.sort
local byte = string.byte
local sub = string.sub

local BYTE_STAR = byte("*")

local _M = {}

-- registry: name -> plugin module. each(plugin, add) calls
-- add(uris, methods, handler) for every route the plugin declares.
-- Plugins are taken by priority, highest first, as apisix/plugin.lua keeps them.
function _M.build(registry, each)
    local plugins = {}
    for _, plugin in pairs(registry or {}) do
        plugins[#plugins + 1] = plugin
    end
    -- (Required here: plugins.lua requires the modules that require this one.)
    sort(plugins, require("tollgate_apisix_host.plugins").higher_priority_first)
    local out = {}
    local function add(uris, methods, handler)
        local allowed
        if methods then
            allowed = {}
            for _, m in ipairs(methods) do
                allowed[m] = true
            end
        end
        for _, uri in ipairs(uris) do
            local prefix = byte(uri, #uri) == BYTE_STAR and sub(uri, 1, #uri - 1) or nil
            out[#out + 1] = { uri = uri, prefix = prefix, methods = allowed, handler = handler }
        end
    end
    for _, plugin in ipairs(plugins) do
        each(plugin, add)
    end
    sort(out, function(a, b)
        if (a.prefix == nil) ~= (b.prefix == nil) then
            return a.prefix == nil
        end
        return #a.uri > #b.uri
    end)
    return out
end

-- The route for uri and method, or nil.
function _M.find(routes, uri, method)
    for _, route in ipairs(routes) do
        local hit
        if route.prefix then
            hit = sub(uri, 1, #route.prefix) == route.prefix
        else
            hit = uri == route.uri
        end
        if hit and (route.methods == nil or route.methods[method]) then
            return route
        end
    end
    return nil
end

-- Sends a handler's code, body; returns false when it returned neither.
function _M.respond(code, body)
    if not (code or body) then
        return false
    end
    if type(body) == "table" and ngx.header["Content-Type"] == nil then
        core.response.set_header("Content-Type", "application/json")
    end
    core.response.exit(code, body)
    return true
end

return _M
