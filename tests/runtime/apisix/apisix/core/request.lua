-- apisix.core.request for the tollgate APISIX-shaped TEST host (not a product).
--
-- Reads the client request and edits the request that goes upstream.
-- `ctx` is the per-request table (ngx.ctx.api_ctx); every function accepts
-- nil and then uses the current request's ctx, like APISIX.
--
-- Emulated: header, headers, set_header, add_header, get_method,
-- get_uri_args, set_uri_args, get_ip, get_remote_client_ip,
-- get_remote_client_port, get_body.
-- Not emulated: get_post_args, get_request_body_table, get_json_request_body_table,
-- set_body/get_scheme/get_host/get_port helpers, multipart parsing.
--
-- Header cache: headers(ctx) parses the request headers once per request and
-- keeps them in ctx.headers; set_header/add_header update that cache. APISIX
-- does the same on its patched OpenResty. A plugin that edits headers with
-- ngx.req.set_header directly (bypassing this module) leaves the cache stale,
-- there and here.

local ngx = ngx
local get_headers = ngx.req.get_headers
local req_set_header = ngx.req.set_header
local req_get_uri_args = ngx.req.get_uri_args
local req_set_uri_args = ngx.req.set_uri_args
local req_read_body = ngx.req.read_body
local req_get_body_data = ngx.req.get_body_data
local req_get_body_file = ngx.req.get_body_file
local str_lower = string.lower
local str_gsub = string.gsub
local str_fmt = string.format
local tonumber = tonumber
local tostring = tostring
local type = type
local error = error
local io_open = io.open
local req_add_header = require("ngx.req").add_header

local _M = {}

local function current_ctx(ctx)
    if ctx then
        return ctx
    end
    return ngx.ctx.api_ctx
end

local function headers(ctx)
    ctx = current_ctx(ctx)
    if not ctx then
        return get_headers()
    end
    local h = ctx.headers
    if not h then
        h = get_headers()
        ctx.headers = h
    end
    return h
end
_M.headers = headers

-- First value of a header (case-insensitive name), or nil.
function _M.header(ctx, name)
    local value = headers(ctx)[name]
    if type(value) == "table" then
        return value[1]
    end
    return value
end

local function modify_header(ctx, name, value, override)
    if type(ctx) == "string" then
        -- deprecated APISIX form: set_header(name, value)
        value = name
        name = ctx
        ctx = nil
    end
    if type(name) ~= "string" then
        error(str_fmt("invalid header name %q: got %s, expected string",
                      tostring(name), type(name)), 3)
    end

    if override then
        req_set_header(name, value)
    else
        req_add_header(name, value)
    end

    ctx = current_ctx(ctx)
    if not ctx then
        return
    end
    local lower = str_lower(name)
    -- drop the cached $http_<name> so ctx.var sees the new value
    if ctx.var then
        ctx.var["http_" .. str_gsub(lower, "-", "_")] = nil
    end
    local cache = ctx.headers
    if cache then
        if override or cache[lower] == nil then
            cache[lower] = value
        elseif value ~= nil then
            local old = cache[lower]
            if type(old) == "table" then
                old[#old + 1] = value
            else
                cache[lower] = { old, value }
            end
        end
    end
end

-- Sets (replaces) a header of the request sent upstream; nil removes it.
function _M.set_header(ctx, name, value)
    modify_header(ctx, name, value, true)
end

-- Adds one more value for a header of the request sent upstream.
function _M.add_header(ctx, name, value)
    modify_header(ctx, name, value, false)
end

function _M.get_method()
    return ngx.req.get_method()
end

-- Decoded query arguments, parsed once per request (0 = no count limit).
function _M.get_uri_args(ctx)
    ctx = current_ctx(ctx)
    if not ctx then
        return req_get_uri_args(0)
    end
    local args = ctx.req_uri_args
    if not args then
        args = req_get_uri_args(0)
        ctx.req_uri_args = args
    end
    return args
end

-- Replaces the query string sent upstream.
function _M.set_uri_args(ctx, args)
    ctx = current_ctx(ctx)
    if ctx then
        ctx.req_uri_args = nil
    end
    return req_set_uri_args(args)
end

function _M.get_ip(ctx)
    ctx = current_ctx(ctx)
    return ctx.var.realip_remote_addr or ctx.var.remote_addr or ""
end

function _M.get_remote_client_ip(ctx)
    ctx = current_ctx(ctx)
    return ctx.var.remote_addr or ""
end

function _M.get_remote_client_port(ctx)
    ctx = current_ctx(ctx)
    return tonumber(ctx.var.remote_port)
end

-- Request body as a string (read from the temp file if nginx spooled it),
-- or nil, err when it exceeds max_size.
function _M.get_body(max_size, ctx)
    if max_size then
        local var = ctx and ctx.var or ngx.var
        local len = tonumber(var.http_content_length)
        if len and len > max_size then
            return nil, "request size " .. len .. " is greater than the maximum size "
                .. max_size .. " allowed"
        end
    end

    req_read_body()
    local body = req_get_body_data()
    if not body then
        local file = req_get_body_file()
        if not file then
            return nil
        end
        local f, err = io_open(file, "rb")
        if not f then
            return nil, err
        end
        body = f:read("*a")
        f:close()
    end
    if max_size and #body > max_size then
        return nil, "request size " .. #body .. " is greater than the maximum size "
            .. max_size .. " allowed"
    end
    return body
end

return _M
