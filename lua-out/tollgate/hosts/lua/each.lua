--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
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
function ____exports.eachHeader(headers, apply, context)
    local name, value = next(headers)
    if name == nil then
        return
    end
    apply(context, name, value)
    name, value = next(headers, name)
    if name == nil then
        return
    end
    apply(context, name, value)
    name, value = next(headers, name)
    if name == nil then
        return
    end
    apply(context, name, value)
    name, value = next(headers, name)
    while name ~= nil do
        apply(context, name, value)
        name, value = next(headers, name)
    end
end
return ____exports
