local ____lualib = require("tollgate.lualib_bundle")
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
function ____exports.string(options)
    -- plugins/core/schema.ts:85
    return __TS__ObjectAssign({}, options, {kind = "string"})
end
function ____exports.integer(options)
    -- plugins/core/schema.ts:88
    return __TS__ObjectAssign({}, options, {kind = "integer"})
end
function ____exports.number(options)
    -- plugins/core/schema.ts:91
    return __TS__ObjectAssign({}, options, {kind = "number"})
end
function ____exports.boolean(options)
    -- plugins/core/schema.ts:94
    return __TS__ObjectAssign({}, options, {kind = "boolean"})
end
function ____exports.array(options)
    -- plugins/core/schema.ts:97
    return __TS__ObjectAssign({}, options, {kind = "array"})
end
function ____exports.map(options)
    -- plugins/core/schema.ts:100
    return __TS__ObjectAssign({}, options, {kind = "map"})
end
function ____exports.record(options)
    -- plugins/core/schema.ts:103
    return __TS__ObjectAssign({}, options, {kind = "record"})
end
--- Field names of a record spec, sorted: the one order every converter uses.
function ____exports.sortedFieldNames(spec)
    -- plugins/core/schema.ts:135
    local names = {}
    for name in pairs(spec.fields) do
        names[#names + 1] = name
    end
    __TS__ArraySort(names)
    return names
end
return ____exports
