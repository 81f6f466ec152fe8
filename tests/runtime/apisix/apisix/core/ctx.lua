-- apisix.core.ctx for the tollgate APISIX-shaped TEST host (not a product).
--
-- ctx.var is a proxy over ngx.var that caches every non-nil read for the
-- rest of the request, like APISIX's core.ctx: ngx.var lookups cost a C
-- call and a string copy each, so plugins read ctx.var.x freely.
--
-- Lookup rules (as in APISIX):
--   method          -> ngx.req.get_method()
--   arg_<name>      -> decoded query argument (first value if repeated)
--   http_<name>     -> request header; dashes and case normalised
--   route_id, route_name, service_id, service_name, consumer_name,
--   consumer_group_id -> the same field of ctx (APISIX "extra" vars)
--   anything else   -> ngx.var[name] (cookie_<name> is nginx's own variable)
-- args and is_args are never cached (plugins may rewrite the query).
-- Assigning ctx.var.x = v only changes the cache (APISIX also writes
-- through to ngx.var for its own $upstream_* variables; this host declares
-- none of them, so writes never reach nginx).
--
-- Not emulated: cookie object (ctx.var.cookie), post_arg_*, uri_param_*,
-- graphql_*, register_var, the tablepool reuse of ctx tables.

local ngx = ngx
local ngx_var = ngx.var
local get_method = ngx.req.get_method
local str_sub = string.sub
local str_byte = string.byte
local str_lower = string.lower
local str_gsub = string.gsub
local type = type
local error = error
local setmetatable = setmetatable
local new_tab = require("table.new")
local request = require("apisix.core.request")

local _M = { version = 0.2 }

local BYTE_a = str_byte("a")
local BYTE_h = str_byte("h")

local no_cache = { args = true, is_args = true }

local ctx_fields = {
    route_id = true,
    route_name = true,
    service_id = true,
    service_name = true,
    consumer_name = true,
    consumer_group_id = true,
}

local function lookup(t, key)
    if type(key) ~= "string" then
        error("invalid argument, expect string value", 2)
    end

    local val
    local first = str_byte(key, 1)
    if key == "method" then
        val = get_method()
    elseif first == BYTE_a and str_sub(key, 1, 4) == "arg_" then
        val = request.get_uri_args(t._ctx)[str_sub(key, 5)]
        if type(val) == "table" then
            val = val[1]
        end
    elseif first == BYTE_h and str_sub(key, 1, 5) == "http_" then
        val = ngx_var[str_gsub(str_lower(key), "-", "_")]
    elseif ctx_fields[key] then
        val = t._ctx[key]
    else
        val = ngx_var[key]
    end

    if val ~= nil and not no_cache[key] then
        t._cache[key] = val
    end
    return val
end

local mt = {
    __index = function(t, key)
        local cached = t._cache[key]
        if cached ~= nil then
            return cached
        end
        return lookup(t, key)
    end,
    __newindex = function(t, key, val)
        t._cache[key] = val
    end,
}

-- Attaches a fresh ctx.var to ctx.
function _M.set_vars_meta(ctx)
    local var = setmetatable({ _cache = new_tab(0, 16), _ctx = ctx }, mt)
    ctx.var = var
    return var
end

function _M.release_vars(ctx)
    ctx.var = nil
end

return _M
