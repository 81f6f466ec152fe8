--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local sortedFieldNames = ____schema.sortedFieldNames
function ____exports.toJsonSchema(spec)
    -- plugins/core/json-schema.ts:10
    local schema = {description = spec.description}
    if spec.default ~= nil then
        schema.default = spec.default
    end
    do
        local ____switch4 = spec.kind
        local ____cond4 = ____switch4 == "string"
        if ____cond4 then
            schema.type = "string"
            if spec.oneOf ~= nil then
                schema.enum = spec.oneOf
            end
            if spec.minLength ~= nil then
                schema.minLength = spec.minLength
            end
            goto ____switch_end_1
        end
        ____cond4 = ____cond4 or (____switch4 == "integer" or ____switch4 == "number")
        if ____cond4 then
            schema.type = spec.kind
            if spec.min ~= nil then
                schema.minimum = spec.min
            end
            if spec.max ~= nil then
                schema.maximum = spec.max
            end
            goto ____switch_end_1
        end
        ____cond4 = ____cond4 or ____switch4 == "boolean"
        if ____cond4 then
            schema.type = "boolean"
            goto ____switch_end_1
        end
        ____cond4 = ____cond4 or ____switch4 == "array"
        if ____cond4 then
            schema.type = "array"
            schema.items = ____exports.toJsonSchema(spec.elements)
            if spec.minLength ~= nil then
                schema.minItems = spec.minLength
            end
            goto ____switch_end_1
        end
        ____cond4 = ____cond4 or ____switch4 == "map"
        if ____cond4 then
            schema.type = "object"
            schema.additionalProperties = ____exports.toJsonSchema(spec.values)
            goto ____switch_end_1
        end
        ____cond4 = ____cond4 or ____switch4 == "record"
        if ____cond4 then
            do
                schema.type = "object"
                local properties = {}
                local required = {}
                for ____, name in ipairs(sortedFieldNames(spec)) do
                    local field = spec.fields[name]
                    properties[name] = ____exports.toJsonSchema(field)
                    if field.required == true and field.default == nil then
                        if field.kind == "record" then
                            properties[name].default = {}
                        else
                            required[#required + 1] = name
                        end
                    end
                end
                schema.properties = properties
                if #required > 0 then
                    schema.required = required
                end
                schema.additionalProperties = false
                goto ____switch_end_1
            end
        end
    end
    ::____switch_end_1::
    return schema
end
return ____exports
