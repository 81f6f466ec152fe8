local ____lualib = require("tollgate.lualib_bundle")
local __TS__TypeOf = ____lualib.__TS__TypeOf
local __TS__ArrayIsArray = ____lualib.__TS__ArrayIsArray
local ____exports = {}
--- True for undefined, null and Lua's JSON-null sentinel.
function ____exports.isNull(value)
    -- plugins/core/values.ts:12
    if value == nil or value == nil then
        return true
    end
    local kind = __TS__TypeOf(value)
    return kind ~= "object" and kind ~= "string" and kind ~= "number" and kind ~= "boolean"
end
--- An empty table / object. Lua cannot tell an empty array from an empty map (cjson
-- and YAML loaders give `{}` for both), so both runtimes accept an empty value as
-- either kind.
function ____exports.isEmpty(value)
    -- plugins/core/values.ts:24
    for _key in pairs(value) do
        return false
    end
    return true
end
--- A map or record: Lua, any table that is not a non-empty array; Node, likewise.
function ____exports.isObject(value)
    -- plugins/core/values.ts:30
    if type(value) ~= "table" or value == nil then
        return false
    end
    return not __TS__ArrayIsArray(value) or ____exports.isEmpty(value)
end
--- A list: a non-empty array, or an empty table / object (see isEmpty).
function ____exports.isList(value)
    -- plugins/core/values.ts:36
    if type(value) ~= "table" or value == nil then
        return false
    end
    return __TS__ArrayIsArray(value) or ____exports.isEmpty(value)
end
--- A whole number (Lua has one number type, so this is a value check in both runtimes).
function ____exports.isInteger(value)
    -- plugins/core/values.ts:42
    return type(value) == "number" and math.floor(value) == value and value - value == 0
end
return ____exports
