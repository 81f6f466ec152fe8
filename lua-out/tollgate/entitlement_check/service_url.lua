local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
function ____exports.parseServiceUrl(url)
    if __TS__StringSubstring(url, 0, 7) ~= "http://" then
        return nil
    end
    local rest = __TS__StringSubstring(url, 7)
    local slash = (string.find(rest, "/", nil, true) or 0) - 1
    local authority = slash < 0 and rest or __TS__StringSubstring(rest, 0, slash)
    local basePath = slash < 0 and "" or __TS__StringSubstring(rest, slash)
    while #basePath > 0 and __TS__StringSubstring(basePath, #basePath - 1) == "/" do
        basePath = __TS__StringSubstring(basePath, 0, #basePath - 1)
    end
    if authority == "" then
        return nil
    end
    local host = authority
    local port = 80
    local bracket = (string.find(authority, "]", nil, true) or 0) - 1
    local colon = -1
    do
        local i = #authority - 1
        while i >= 0 and colon < 0 do
            if __TS__StringCharCodeAt(authority, i) == 58 then
                colon = i
            end
            i = i - 1
        end
    end
    if colon > bracket then
        host = __TS__StringSubstring(authority, 0, colon)
        local digits = __TS__StringSubstring(authority, colon + 1)
        local parsed = __TS__Number(digits)
        if digits == "" or not (parsed >= 1 and parsed <= 65535) or math.floor(parsed) ~= parsed then
            return nil
        end
        port = parsed
    end
    if __TS__StringSubstring(host, 0, 1) == "[" and __TS__StringSubstring(host, #host - 1) == "]" then
        host = __TS__StringSubstring(host, 1, #host - 1)
    end
    if host == "" then
        return nil
    end
    return {host = host, port = port, basePath = basePath}
end
return ____exports
