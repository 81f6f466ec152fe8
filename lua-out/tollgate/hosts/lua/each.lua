--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local applyNext
function applyNext(headers, after, apply, context)
    local name, value = next(headers, after)
    if name == nil then
        return nil
    end
    apply(context, name, value)
    return name
end
--- apply(context, name) for every name, in order.
function ____exports.eachName(names, apply, context)
    local count = #names
    if count == 0 then
        return
    end
    apply(context, names[1])
    if count == 1 then
        return
    end
    apply(context, names[2])
    if count == 2 then
        return
    end
    apply(context, names[3])
    do
        local i = 3
        while i < count do
            apply(context, names[i + 1])
            i = i + 1
        end
    end
end
--- apply(context, name, value) for every header of a name → value map, in `next` order.
-- The first three without a loop, as in eachName.
function ____exports.eachHeader(headers, apply, context)
    local name = applyNext(headers, nil, apply, context)
    if name == nil then
        return
    end
    name = applyNext(headers, name, apply, context)
    if name == nil then
        return
    end
    name = applyNext(headers, name, apply, context)
    if name == nil then
        return
    end
    name = applyNext(headers, name, apply, context)
    while name ~= nil do
        name = applyNext(headers, name, apply, context)
    end
end
return ____exports
