-- apisix.router of the tollgate APISIX-shaped TEST host (not a product): only
-- http_routes(), as apisix/router.lua (3.18.0) answers it -- the routes'
-- config items ({ value = route }) and a version -- from the host's compiled
-- routes (a route's value is its conf as loaded, with its service's and
-- plugin_config's plugins merged in, which APISIX does per request instead).
-- Not emulated: router_http / router_ssl, matching, stream routes, ssls().
local _M = {}

function _M.http_routes()
    local routes = require("tollgate_apisix_host").routes()
    if not routes then
        return nil, nil
    end
    local items = {}
    for i, rt in ipairs(routes) do
        items[i] = rt.route
    end
    return items, 1
end

return _M
