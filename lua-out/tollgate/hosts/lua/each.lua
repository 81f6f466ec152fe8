--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- apply(context, name) for every name, in order.
function ____exports.eachName(names, apply, context)
    -- plugins/hosts/lua/each.ts:17
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
-- The first three without a loop, as in eachName, and each `next` written out here
-- rather than in a helper: a helper called three times per request returns a header,
-- a header, then nothing, and LuaJIT's trace of it cannot compile the side exit for
-- the third answer (it would return to the caller's frame, "NYI: return to lower
-- frame"), so that exit went back to the interpreter on every request.
function ____exports.eachHeader(headers, apply, context)
    -- plugins/hosts/lua/each.ts:36
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
