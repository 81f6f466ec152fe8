--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local PLUS, MINUS, COLON, DOLLAR, STAR
--- Reads one reply (arrays recursively).
function ____exports.readReply(sock)
    -- plugins/io/lua/resp.ts:73
    local line, err = sock:receive("*l")
    if line == nil then
        return nil, err
    end
    local kind = string.byte(line, 1)
    local rest = string.sub(line, 2)
    if kind == PLUS then
        return rest, nil
    end
    if kind == MINUS then
        return false, rest
    end
    if kind == COLON then
        return tonumber(rest), nil
    end
    if kind == DOLLAR then
        local length = tonumber(rest)
        if length == nil then
            return nil, "bad bulk length: " .. rest
        end
        if length < 0 then
            return ngx.null, nil
        end
        local data, dataErr = sock:receive(length + 2)
        if data == nil then
            return nil, dataErr
        end
        return string.sub(data, 1, length), nil
    end
    if kind == STAR then
        local count = tonumber(rest)
        if count == nil then
            return nil, "bad array length: " .. rest
        end
        if count < 0 then
            return ngx.null, nil
        end
        local items = {}
        do
            local i = 0
            while i < count do
                local item, itemErr = ____exports.readReply(sock)
                if item == nil then
                    return nil, itemErr
                end
                items[#items + 1] = item
                i = i + 1
            end
        end
        return items, nil
    end
    return nil, "not a Redis reply: " .. line
end
--- EVALSHA of a script with its keys and arguments, or EVAL with its source (which also loads it).
function ____exports.scriptCommand(script, keys, args, withSource)
    -- plugins/io/lua/resp.ts:20
    local command = {withSource and "EVAL" or "EVALSHA", withSource and script.source or script.sha1, #keys}
    for ____, key in ipairs(keys) do
        command[#command + 1] = key
    end
    for ____, arg in ipairs(args) do
        command[#command + 1] = arg
    end
    return command
end
--- Whether an error reply says Redis does not know the script (send it again with EVAL).
function ____exports.isUnknownScript(err)
    -- plugins/io/lua/resp.ts:28
    return err ~= nil and string.sub(err, 1, 8) == "NOSCRIPT"
end
--- Writes one command (its name and arguments, each a string or number) into `parts`
-- from index `at`, as RESP: `*<count>` then `$<length>` and the bytes of each argument,
-- every part ending in CRLF. Returns the next free index. The socket joins the table in
-- C; several commands in one table go out in one write (a pipeline).
function ____exports.appendCommand(parts, at, args)
    -- plugins/io/lua/resp.ts:38
    local count = #args
    parts[at + 1] = "*" .. tostring(count) .. "\r\n"
    at = at + 1
    do
        local i = 0
        while i < count do
            local arg = args[i + 1]
            local text = type(arg) == "string" and arg or tostring(arg)
            parts[at + 1] = "$"
            parts[at + 1 + 1] = #text
            parts[at + 2 + 1] = "\r\n"
            parts[at + 3 + 1] = text
            parts[at + 4 + 1] = "\r\n"
            at = at + 5
            i = i + 1
        end
    end
    return at
end
--- Sends one command and reads its reply.
function ____exports.command(sock, args)
    -- plugins/io/lua/resp.ts:58
    local parts = {}
    ____exports.appendCommand(parts, 0, args)
    local sent, sendErr = sock:send(parts)
    if sent == nil then
        return nil, sendErr
    end
    return ____exports.readReply(sock)
end
PLUS = 43
MINUS = 45
COLON = 58
DOLLAR = 36
STAR = 42
return ____exports
