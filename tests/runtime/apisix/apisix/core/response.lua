-- apisix.core.response for the tollgate APISIX-shaped TEST host (not a product).
--
-- Emulated: exit(code, ...), say(...), set_header(...), add_header(...),
-- clear_header_as_body_modified(), get_upstream_status(ctx),
-- hold_body_chunk(ctx, hold_the_copy, max_bytes, key).
-- Not emulated: exit_insert_callback, set_response_source /
-- get_response_source, lua_response_filter.
--
-- Headers set with set_header/add_header during rewrite/access stay on the
-- response even when it then comes from the upstream: nginx keeps
-- r->headers_out entries set before proxying and appends the upstream's own
-- headers, which is what APISIX plugins (limit-count's X-RateLimit-*) rely on.

local ngx = ngx
local cjson_encode = require("cjson.safe").encode
local ngx_print = ngx.print
local ngx_exit = ngx.exit
local ngx_header = ngx.header
local resp_add_header = require("ngx.resp").add_header
local clear_tab = require("table.clear")
local concat_tab = table.concat
local str_sub = string.sub
local select = select
local type = type
local pairs = pairs
local error = error
local tonumber = tonumber

local _M = { version = 0.1 }

-- Reused buffer for the body pieces; a response is built in one go.
local buf = {}

-- exit(code, body...): sets the status, prints the body pieces (a table is
-- encoded as JSON followed by "\n", like APISIX; strings as they are) and
-- ends the request with ngx.exit(code). Without a numeric code it only
-- prints (that is `say`).
local function resp_exit(code, ...)
    clear_tab(buf)
    local n = 0

    if code ~= nil and type(code) ~= "number" then
        n = 1
        buf[1] = code
        code = nil
    end

    if code then
        ngx.status = code
    end

    for i = 1, select("#", ...) do
        local v = select(i, ...)
        if type(v) == "table" then
            local body, err = cjson_encode(v)
            if not body then
                error("failed to encode data: " .. err, 2)
            end
            buf[n + 1] = body
            buf[n + 2] = "\n"
            n = n + 2
        elseif v ~= nil then
            n = n + 1
            buf[n] = v
        end
    end

    if n > 0 then
        ngx_print(buf)
    end

    if code then
        local ctx = ngx.ctx.api_ctx
        if ctx and not ctx._resp_source then
            ctx._resp_source = "apisix"
        end
        return ngx_exit(code)
    end
end
_M.exit = resp_exit

function _M.say(...)
    return resp_exit(nil, ...)
end

local function set_header(append, ...)
    if ngx.headers_sent then
        error("headers have already been sent", 3)
    end

    local count = select("#", ...)
    if count == 1 then
        local headers = select(1, ...)
        if type(headers) ~= "table" then
            -- set_header(name) clears it
            ngx_header[headers] = nil
            return
        end
        for k, v in pairs(headers) do
            if append then
                resp_add_header(k, v)
            else
                ngx_header[k] = v
            end
        end
        return
    end

    for i = 1, count, 2 do
        if append then
            resp_add_header(select(i, ...), select(i + 1, ...))
        else
            ngx_header[select(i, ...)] = select(i + 1, ...)
        end
    end
end

-- set_header(name, value [, name, value ...]) or set_header({name = value})
function _M.set_header(...)
    set_header(false, ...)
end

function _M.add_header(...)
    set_header(true, ...)
end

-- For body_filter plugins that rewrite the body.
function _M.clear_header_as_body_modified()
    ngx_header.content_length = nil
    ngx_header.content_encoding = nil
    ngx_header.last_modified = nil
    ngx_header.etag = nil
end

-- $upstream_status may list several attempts; the last one counts.
function _M.get_upstream_status(ctx)
    return tonumber(str_sub(ctx.var.upstream_status or "", -3))
end

-- In body_filter: collects the response body chunks. Returns the whole body
-- once eof is seen (or the first max_bytes of it), nil before. Unless
-- hold_the_copy is true the chunks are swallowed (ngx.arg[1] = nil) so the
-- caller can print a replacement.
function _M.hold_body_chunk(ctx, hold_the_copy, max_bytes, key)
    local chunk, eof = ngx.arg[1], ngx.arg[2]
    key = key or ctx._plugin_name or "default"
    local buffers = ctx._body_buffer
    if not buffers then
        buffers = {}
        ctx._body_buffer = buffers
    end
    local b = buffers[key]

    if type(chunk) == "string" and chunk ~= "" then
        if b and b.done then
            return nil
        end
        if not b then
            b = { n = 0, bytes = 0 }
            buffers[key] = b
        end
        b.n = b.n + 1
        b[b.n] = chunk
        b.bytes = b.bytes + #chunk
        if max_bytes and b.bytes >= max_bytes then
            b.done = true
            return str_sub(concat_tab(b, "", 1, b.n), 1, max_bytes)
        end
    end

    if eof then
        if not b then
            return chunk
        end
        if b.done then
            return nil
        end
        buffers[key] = nil
        return concat_tab(b, "", 1, b.n)
    end

    if not hold_the_copy then
        ngx.arg[1] = nil
    end
    return nil
end

return _M
