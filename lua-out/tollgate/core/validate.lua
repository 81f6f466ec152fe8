local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArrayIsArray = ____lualib.__TS__ArrayIsArray
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local join, copyDefault, checkNumber, checkValue, checkField, isOneOf, checkRecord
local ____references = require("tollgate.core.references")
local isReference = ____references.isReference
local misplacedReference = ____references.misplacedReference
local ____schema = require("tollgate.core.schema")
local sortedFieldNames = ____schema.sortedFieldNames
local ____values = require("tollgate.core.values")
local isInteger = ____values.isInteger
local isList = ____values.isList
local isNull = ____values.isNull
local isObject = ____values.isObject
function join(path, name)
    -- plugins/core/validate.ts:49
    return path == "" and name or path .. "." .. name
end
function copyDefault(value)
    -- plugins/core/validate.ts:54
    if type(value) ~= "table" or value == nil then
        return value
    end
    if __TS__ArrayIsArray(value) then
        local out = {}
        for ____, item in ipairs(value) do
            out[#out + 1] = copyDefault(item)
        end
        return out
    end
    local out = {}
    for key in pairs(value) do
        out[key] = copyDefault(value[key])
    end
    return out
end
function checkNumber(spec, value)
    -- plugins/core/validate.ts:68
    if spec.min ~= nil and value < spec.min then
        return "must be at least " .. tostring(spec.min)
    end
    if spec.max ~= nil and value > spec.max then
        return "must be at most " .. tostring(spec.max)
    end
    return nil
end
function checkValue(spec, value, path, ctx)
    -- plugins/core/validate.ts:75
    do
        local ____switch14 = spec.kind
        local ____cond14 = ____switch14 == "string"
        if ____cond14 then
            do
                if type(value) ~= "string" then
                    return path .. ": expected a string"
                end
                if ctx.references ~= nil and isReference(value, ctx.references) then
                    local ____temp_0
                    if spec.referenceable == true then
                        ____temp_0 = nil
                    else
                        ____temp_0 = path .. ": " .. misplacedReference(ctx.spec, ctx.references)
                    end
                    return ____temp_0
                end
                if spec.minLength ~= nil and #value < spec.minLength then
                    return path .. ": length must be at least " .. tostring(spec.minLength)
                end
                if spec.oneOf ~= nil then
                    for ____, allowed in ipairs(spec.oneOf) do
                        if allowed == value then
                            return nil
                        end
                    end
                    return path .. ": expected one of: " .. table.concat(spec.oneOf, ", ")
                end
                return nil
            end
        end
        ____cond14 = ____cond14 or ____switch14 == "integer"
        if ____cond14 then
            do
                if not isInteger(value) then
                    return path .. ": expected an integer"
                end
                local problem = checkNumber(spec, value)
                local ____temp_1
                if problem == nil then
                    ____temp_1 = nil
                else
                    ____temp_1 = path .. ": " .. problem
                end
                return ____temp_1
            end
        end
        ____cond14 = ____cond14 or ____switch14 == "number"
        if ____cond14 then
            do
                if type(value) ~= "number" then
                    return path .. ": expected a number"
                end
                local problem = checkNumber(spec, value)
                local ____temp_2
                if problem == nil then
                    ____temp_2 = nil
                else
                    ____temp_2 = path .. ": " .. problem
                end
                return ____temp_2
            end
        end
        ____cond14 = ____cond14 or ____switch14 == "boolean"
        if ____cond14 then
            local ____temp_3
            if type(value) == "boolean" then
                ____temp_3 = nil
            else
                ____temp_3 = path .. ": expected a boolean"
            end
            return ____temp_3
        end
        ____cond14 = ____cond14 or ____switch14 == "array"
        if ____cond14 then
            do
                if not isList(value) then
                    return path .. ": expected an array"
                end
                if spec.minLength ~= nil and #value < spec.minLength then
                    return path .. ": must have at least " .. tostring(spec.minLength) .. " element(s)"
                end
                local items = value
                do
                    local i = 0
                    while i < #items do
                        local itemPath = path .. "." .. tostring(i + 1)
                        local item = items[i + 1]
                        if isNull(item) then
                            return itemPath .. ": null element"
                        end
                        local problem = checkValue(spec.elements, item, itemPath, ctx)
                        if problem ~= nil then
                            return problem
                        end
                        i = i + 1
                    end
                end
                return nil
            end
        end
        ____cond14 = ____cond14 or ____switch14 == "map"
        if ____cond14 then
            do
                if not isObject(value) then
                    return path .. ": expected a map"
                end
                local keys = {}
                for key in pairs(value) do
                    keys[#keys + 1] = key
                end
                __TS__ArraySort(keys)
                for ____, key in ipairs(keys) do
                    local keyProblem = checkValue(
                        spec.keys,
                        key,
                        join(path, key),
                        ctx
                    )
                    if keyProblem ~= nil then
                        return keyProblem
                    end
                    local problem = checkField(
                        spec.values,
                        value,
                        key,
                        join(path, key),
                        ctx
                    )
                    if problem ~= nil then
                        return problem
                    end
                end
                return nil
            end
        end
        ____cond14 = ____cond14 or ____switch14 == "record"
        if ____cond14 then
            return checkRecord(
                spec,
                value,
                path,
                ctx,
                nil
            )
        end
    end
end
function checkField(spec, bag, key, path, ctx)
    -- plugins/core/validate.ts:141
    local value = bag[key]
    if isNull(value) then
        if spec.default ~= nil then
            bag[key] = copyDefault(spec.default)
            return nil
        end
        if spec.kind == "record" and spec.required == true then
            local built = {}
            bag[key] = built
            return checkRecord(
                spec,
                built,
                path,
                ctx,
                nil
            )
        end
        if spec.required == true then
            return path .. ": required field missing"
        end
        bag[key] = nil
        return nil
    end
    return checkValue(spec, value, path, ctx)
end
function isOneOf(name, names)
    -- plugins/core/validate.ts:161
    if names == nil then
        return false
    end
    for ____, candidate in ipairs(names) do
        if candidate == name then
            return true
        end
    end
    return false
end
function checkRecord(spec, value, path, ctx, gatewayKeys)
    -- plugins/core/validate.ts:167
    if not isObject(value) then
        return path .. ": expected a record"
    end
    local unknown = {}
    for name in pairs(value) do
        if spec.fields[name] == nil and not isNull(value[name]) and not isOneOf(name, gatewayKeys) and not isOneOf(name, ctx.recordKeys) then
            unknown[#unknown + 1] = name
        end
    end
    if #unknown > 0 then
        __TS__ArraySort(unknown)
        return join(path, unknown[1]) .. ": unknown field"
    end
    for ____, name in ipairs(sortedFieldNames(spec)) do
        local problem = checkField(
            spec.fields[name],
            value,
            name,
            join(path, name),
            ctx
        )
        if problem ~= nil then
            return problem
        end
    end
    if spec.check ~= nil then
        local problem = spec.check(value)
        if problem ~= nil then
            return path == "" and problem or path .. "." .. problem
        end
    end
    return nil
end
--- Checks `config` (a table/object) against a plugin's record spec, filling defaults
-- in place. Returns undefined when valid, else one message naming the field, with
-- paths rooted at `options.root` ("config" unless told).
function ____exports.validateConfig(spec, config, options)
    -- plugins/core/validate.ts:201
    local ctx = {spec = spec, references = options and options.references, recordKeys = options and options.recordKeys}
    return checkRecord(
        spec,
        config,
        options and options.root or "config",
        ctx,
        options and options.gatewayKeys
    )
end
return ____exports
