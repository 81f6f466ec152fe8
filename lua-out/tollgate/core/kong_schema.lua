--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local sortedFieldNames = ____schema.sortedFieldNames
function ____exports.toKongField(spec)
    -- plugins/core/kong-schema.ts:26
    local field = {type = spec.kind}
    if spec.required == true then
        field.required = true
    end
    if spec.default ~= nil then
        field.default = spec.default
    end
    do
        local ____switch5 = spec.kind
        local ____cond5 = ____switch5 == "string"
        if ____cond5 then
            if spec.oneOf ~= nil then
                field.one_of = spec.oneOf
            end
            if spec.minLength ~= nil then
                field.len_min = spec.minLength
            end
            if spec.referenceable == true then
                field.referenceable = true
            end
            goto ____switch_end_1
        end
        ____cond5 = ____cond5 or (____switch5 == "integer" or ____switch5 == "number")
        if ____cond5 then
            if spec.min ~= nil or spec.max ~= nil then
                field.between = {spec.min or -____exports.UNBOUNDED, spec.max or ____exports.UNBOUNDED}
            end
            goto ____switch_end_1
        end
        ____cond5 = ____cond5 or ____switch5 == "boolean"
        if ____cond5 then
            goto ____switch_end_1
        end
        ____cond5 = ____cond5 or ____switch5 == "array"
        if ____cond5 then
            field.elements = ____exports.toKongField(spec.elements)
            if spec.minLength ~= nil then
                field.len_min = spec.minLength
            end
            goto ____switch_end_1
        end
        ____cond5 = ____cond5 or ____switch5 == "map"
        if ____cond5 then
            field.keys = ____exports.toKongField(spec.keys)
            field.values = ____exports.toKongField(spec.values)
            goto ____switch_end_1
        end
        ____cond5 = ____cond5 or ____switch5 == "record"
        if ____cond5 then
            field.fields = ____exports.toKongFields(spec)
            goto ____switch_end_1
        end
    end
    ::____switch_end_1::
    return field
end
--- A record's fields as Kong lists them: an array of one-key tables, in sorted order.
function ____exports.toKongFields(spec)
    -- plugins/core/kong-schema.ts:60
    local fields = {}
    for ____, name in ipairs(sortedFieldNames(spec)) do
        local fieldSpec = spec.fields[name]
        local field = ____exports.toKongField(fieldSpec)
        if fieldSpec.kind == "record" and fieldSpec.required ~= true then
            field.required = false
        end
        local entry = {}
        entry[name] = field
        fields[#fields + 1] = entry
    end
    return fields
end
--- Stands in for "no bound" on one side of Kong's `between` (exactly representable in a double).
____exports.UNBOUNDED = 1000000000000000
return ____exports
