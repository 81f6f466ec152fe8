--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local NONE
--- The request headers an adapter must remove: `clearUpstream`, except names that
-- `upstream` sets anyway (setting replaces a client-sent value; a second header
-- operation would only cost time). On a rejection nothing is forwarded, but the
-- headers are still cleared so later phases and logs never see a client's copy.
function ____exports.headersToClear(outcome)
    -- plugins/core/outcome.ts:47
    local names = outcome.clearUpstream
    if names == nil then
        return NONE
    end
    local upstream = outcome.upstream
    if outcome.rejection ~= nil or upstream == nil then
        return names
    end
    if #names == 1 then
        return upstream[names[1]] ~= nil and NONE or names
    end
    if #names == 2 then
        local first = upstream[names[1]] == nil
        local second = upstream[names[2]] == nil
        if first and second then
            return names
        end
        if first then
            return {names[1]}
        end
        return second and ({names[2]}) or NONE
    end
    local kept
    for ____, name in ipairs(names) do
        do
            if upstream[name] ~= nil then
                goto __continue9
            end
            if kept == nil then
                kept = {}
            end
            kept[#kept + 1] = name
        end
        ::__continue9::
    end
    return kept or NONE
end
NONE = {}
return ____exports
