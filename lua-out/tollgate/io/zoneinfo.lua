local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local ____exports = {}
local readLuaFile, currentReader, plausibleName, readZone, reader, luaIo, ZONE_DIRECTORY
local ____tzif = require("tollgate.core.tzif")
local parseTzif = ____tzif.parseTzif
function readLuaFile(path)
    -- plugins/io/zoneinfo.ts:31
    local file = luaIo and luaIo.open(path, "rb")
    if file == nil then
        return nil
    end
    local bytes = file:read("*a")
    file:close()
    return type(bytes) == "string" and bytes or nil
end
function currentReader()
    -- plugins/io/zoneinfo.ts:39
    if reader ~= nil then
        return reader
    end
    return luaIo ~= nil and readLuaFile or nil
end
function plausibleName(name)
    -- plugins/io/zoneinfo.ts:45
    if #name == 0 or #name > 64 or string.sub(name, 1, 1) == "/" or (string.find(name, "..", nil, true) or 0) - 1 ~= -1 then
        return false
    end
    do
        local i = 0
        while i < #name do
            local ch = __TS__StringCharAt(name, i)
            local ok = ch >= "A" and ch <= "Z" or ch >= "a" and ch <= "z" or ch >= "0" and ch <= "9" or ch == "_" or ch == "-" or ch == "+" or ch == "/"
            if not ok then
                return false
            end
            i = i + 1
        end
    end
    return true
end
function readZone(name)
    -- plugins/io/zoneinfo.ts:74
    if not plausibleName(name) then
        return "'" .. name .. "' is not a time zone name"
    end
    local read = currentReader()
    if read == nil then
        return "this runtime has no way to read zone files"
    end
    local bytes = read(ZONE_DIRECTORY .. "/" .. name)
    if bytes == nil then
        return "unknown time zone '" .. name .. "' (no " .. ZONE_DIRECTORY .. "/" .. name .. ")"
    end
    local zone = parseTzif(bytes)
    return type(zone) == "string" and "time zone '" .. name .. "': " .. zone or zone
end
--- Makes `read` the way zone files are read (Node hosts; Lua uses its io library unless told otherwise).
function ____exports.installZoneReader(read)
    -- plugins/io/zoneinfo.ts:17
    reader = read
end
luaIo = _G.io
ZONE_DIRECTORY = "/usr/share/zoneinfo"
local loaded = {}
--- The rules of zone `name`, or a sentence saying why there are none. "UTC" (and "Etc/UTC")
-- is no zone at all: undefined rules, which the calendar reads as UTC without a file.
function ____exports.loadZone(name)
    -- plugins/io/zoneinfo.ts:64
    if name == "UTC" or name == "Etc/UTC" then
        return {}
    end
    local entry = loaded[name]
    if entry == nil then
        entry = readZone(name)
        loaded[name] = entry
    end
    return type(entry) == "string" and ({problem = entry}) or ({zone = entry})
end
--- Why `name` cannot be used as a zone, or undefined when it can (the schema check).
function ____exports.zoneProblem(name)
    -- plugins/io/zoneinfo.ts:85
    return ____exports.loadZone(name).problem
end
return ____exports
