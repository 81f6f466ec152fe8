local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local ____exports = {}
local poolName, fail, remainingMs, receive, readChunked, connectOptions
local ____http_2Durl = require("tollgate.core.http_url")
local hostHeader = ____http_2Durl.hostHeader
local ____tls = require("tollgate.io.lua.tls")
local poolSecurity = ____tls.poolSecurity
local secure = ____tls.secure
function poolName(options)
    -- plugins/io/lua/http.ts:55
    return "tollgate-http:" .. options.host .. ":" .. tostring(options.port) .. ":" .. poolSecurity(options.tls)
end
function fail(sock, err)
    -- plugins/io/lua/http.ts:59
    sock:close()
    return nil, err
end
function remainingMs(deadline)
    -- plugins/io/lua/http.ts:65
    local left = math.floor((deadline - ngx.now()) * 1000)
    return left < 1 and 1 or left
end
function receive(sock, deadline, pattern)
    -- plugins/io/lua/http.ts:70
    if ngx.now() >= deadline then
        return nil, "timeout", nil
    end
    sock:settimeout(remainingMs(deadline))
    return sock:receive(pattern)
end
function readChunked(sock, deadline, max)
    -- plugins/io/lua/http.ts:77
    local parts = {}
    local total = 0
    do
        while true do
            local line, err = receive(sock, deadline, "*l")
            if line == nil then
                return nil, "reading chunk size: " .. tostring(err)
            end
            local hex = string.match(line, "^%s*(%x+)")
            local ____temp_0
            if hex == nil then
                ____temp_0 = nil
            else
                ____temp_0 = tonumber(hex, 16)
            end
            local size = ____temp_0
            if size == nil then
                return nil, "bad chunk size"
            end
            if size == 0 then
                do
                    while true do
                        local trailer, trailerErr = receive(sock, deadline, "*l")
                        if trailer == nil then
                            return nil, "reading trailer: " .. tostring(trailerErr)
                        end
                        if trailer == "" then
                            return table.concat(parts), nil
                        end
                    end
                end
            end
            total = total + size
            if total > max then
                return nil, "body larger than " .. tostring(max) .. " bytes"
            end
            local data, dataErr = receive(sock, deadline, size)
            if data == nil then
                return nil, "reading chunk: " .. tostring(dataErr)
            end
            parts[#parts + 1] = data
            local crlf, crlfErr = receive(sock, deadline, "*l")
            if crlf == nil then
                return nil, "reading chunk: " .. tostring(crlfErr)
            end
        end
    end
end
--- httpGet for any method, with an optional JSON `payload` (sent with Content-Type and
-- Content-Length) and headers of this call only (`callHeaders`, e.g. a signature).
function ____exports.httpRequest(options, method, path, payload, callHeaders)
    -- plugins/io/lua/http.ts:118
    local sock = ngx.socket.tcp()
    local deadline = ngx.now() + (options.connectTimeoutMs + options.timeoutMs) / 1000
    sock:settimeouts(options.connectTimeoutMs, options.timeoutMs, options.timeoutMs)
    local pool = poolName(options)
    local poolKey = pool .. ":" .. tostring(options.poolSize)
    local connectOpts = connectOptions[poolKey]
    if connectOpts == nil then
        connectOpts = {pool = pool, pool_size = options.poolSize}
        connectOptions[poolKey] = connectOpts
    end
    local ok, connectErr = sock:connect(options.host, options.port, connectOpts)
    if ok == nil then
        return fail(
            sock,
            "connect: " .. tostring(connectErr)
        )
    end
    local tls = options.tls
    if tls ~= nil then
        local insecure = secure(sock, tls)
        if insecure ~= nil then
            return fail(sock, insecure)
        end
    end
    local request = {
        method,
        " ",
        path,
        " HTTP/1.1\r\nHost: ",
        hostHeader({tls = tls ~= nil, host = options.host, port = options.port}),
        "\r\nAccept: application/json\r\nUser-Agent: tollgate\r\nConnection: keep-alive\r\n"
    }
    if options.headers ~= nil then
        for name in pairs(options.headers) do
            __TS__ArrayPush(
                request,
                name,
                ": ",
                options.headers[name],
                "\r\n"
            )
        end
    end
    if callHeaders ~= nil then
        for name in pairs(callHeaders) do
            __TS__ArrayPush(
                request,
                name,
                ": ",
                callHeaders[name],
                "\r\n"
            )
        end
    end
    if payload ~= nil then
        __TS__ArrayPush(
            request,
            "Content-Type: application/json\r\nContent-Length: ",
            tostring(#payload),
            "\r\n\r\n",
            payload
        )
    else
        request[#request + 1] = "\r\n"
    end
    sock:settimeout(remainingMs(deadline))
    local sent, sendErr = sock:send(request)
    if sent == nil then
        return fail(
            sock,
            "send: " .. tostring(sendErr)
        )
    end
    local statusLine, statusErr = receive(sock, deadline, "*l")
    if statusLine == nil then
        return fail(
            sock,
            "reading status: " .. tostring(statusErr)
        )
    end
    local code = string.match(statusLine, "^HTTP/1%.[01] (%d%d%d)")
    if code == nil then
        return fail(sock, "not an HTTP/1.x response")
    end
    local status = tonumber(code)
    local headers = {}
    do
        while true do
            local line, err = receive(sock, deadline, "*l")
            if line == nil then
                return fail(
                    sock,
                    "reading headers: " .. tostring(err)
                )
            end
            if line == "" then
                break
            end
            local name, value = string.match(line, "^([^:]+):%s*(.-)%s*$")
            if name ~= nil and value ~= nil then
                headers[string.lower(name)] = value
            end
        end
    end
    local max = options.maxBodyBytes
    local body
    local reusable = string.lower(headers.connection or "") ~= "close"
    local encoding = headers["transfer-encoding"]
    local length = headers["content-length"]
    local chunked = false
    if encoding ~= nil then
        local at = string.find(
            string.lower(encoding),
            "chunked",
            1,
            true
        )
        chunked = at ~= nil
    end
    if chunked then
        local chunked, err = readChunked(sock, deadline, max)
        if chunked == nil then
            return fail(sock, err)
        end
        body = chunked
    elseif length ~= nil then
        local size = tonumber(length)
        if size == nil or size < 0 then
            return fail(sock, "bad Content-Length")
        end
        if size > max then
            return fail(
                sock,
                "body larger than " .. tostring(max) .. " bytes"
            )
        end
        if size == 0 then
            body = ""
        else
            local data, err = receive(sock, deadline, size)
            if data == nil then
                return fail(
                    sock,
                    "reading body: " .. tostring(err)
                )
            end
            body = data
        end
    elseif status == 204 or status == 304 then
        body = ""
    else
        local data, err, partial = receive(sock, deadline, max + 1)
        if data ~= nil then
            return fail(
                sock,
                "body larger than " .. tostring(max) .. " bytes"
            )
        end
        if err ~= "closed" then
            return fail(
                sock,
                "reading body: " .. tostring(err)
            )
        end
        body = partial or ""
        reusable = false
    end
    if reusable then
        sock:setkeepalive(options.keepaliveMs, options.poolSize)
    else
        sock:close()
    end
    return {status = status, headers = headers, body = body}, nil
end
connectOptions = {}
--- GET `path` (with query, starting with "/") from `options.host:port`. `options` may be
-- shared by concurrent calls: it is only read. Returns the response, or undefined and
-- an error ("connect: connection refused", "timeout", "body larger than …").
-- A 4xx/5xx answer is a response, not an error.
function ____exports.httpGet(options, path)
    -- plugins/io/lua/http.ts:110
    return ____exports.httpRequest(options, "GET", path)
end
return ____exports
