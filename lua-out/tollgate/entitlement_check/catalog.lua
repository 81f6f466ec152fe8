local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local __TS__ArrayIndexOf = ____lualib.__TS__ArrayIndexOf
local __TS__ArraySlice = ____lualib.__TS__ArraySlice
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local ____exports = {}
local function sortedNames(plans)
    -- plugins/entitlement-check/catalog.ts:31
    local names = {}
    for name in pairs(plans) do
        names[#names + 1] = name
    end
    __TS__ArraySort(names)
    return names
end
--- The first problem of a catalog, as "plans.<name>.includes…: …", or undefined. Walks
-- includes depth-first from every plan in name order, so the same cycle is reported
-- the same way in both runtimes.
function ____exports.catalogProblem(plans)
    -- plugins/entitlement-check/catalog.ts:43
    local names = sortedNames(plans)
    for ____, name in ipairs(names) do
        local includes = plans[name].includes or ({})
        do
            local i = 0
            while i < #includes do
                if plans[includes[i + 1]] == nil then
                    return "plans." .. name .. ".includes." .. tostring(i + 1) .. ": '" .. tostring(includes[i + 1]) .. "' is not one of the configured plans"
                end
                i = i + 1
            end
        end
    end
    local state = {}
    local path = {}
    local visit
    visit = function(name)
        -- plugins/entitlement-check/catalog.ts:54
        state[name] = 1
        path[#path + 1] = name
        for ____, included in ipairs(plans[name].includes or ({})) do
            local seen = state[included] or 0
            if seen == 1 then
                local start = __TS__ArrayIndexOf(path, included)
                local cycle = __TS__ArraySlice(path, start)
                cycle[#cycle + 1] = included
                return "plans." .. tostring(path[start + 1]) .. ".includes: cycle " .. table.concat(cycle, " -> ")
            end
            if seen == 0 then
                local problem = visit(included)
                if problem ~= nil then
                    return problem
                end
            end
        end
        table.remove(path)
        state[name] = 2
        return nil
    end
    for ____, name in ipairs(names) do
        if (state[name] or 0) == 0 then
            local problem = visit(name)
            if problem ~= nil then
                return problem
            end
        end
    end
    return nil
end
--- Resolves every plan of a valid catalog (see catalogProblem).
function ____exports.resolveCatalog(plans)
    -- plugins/entitlement-check/catalog.ts:84
    local out = {}
    for ____, name in ipairs(sortedNames(plans)) do
        local reached = {}
        local stack = {name}
        while #stack > 0 do
            local current = table.remove(stack)
            for ____, included in ipairs(plans[current].includes or ({})) do
                if reached[included] ~= true and included ~= name then
                    reached[included] = true
                    stack[#stack + 1] = included
                end
            end
        end
        local includes = sortedNames(reached)
        local featureSet = {}
        local routes = {}
        for ____, member in ipairs({
            name,
            unpack(includes)
        }) do
            local p = plans[member]
            for ____, feature in ipairs(p.features or ({})) do
                featureSet[feature] = true
            end
            for ____, route in ipairs(p.routes or ({})) do
                routes[#routes + 1] = route
            end
        end
        out[name] = {
            name = name,
            includes = includes,
            featureSet = featureSet,
            features = sortedNames(featureSet),
            routes = routes,
            rank = #includes
        }
    end
    return out
end
--- Whole-path glob: "*" matches any run of characters (also "/"), everything else itself.
function ____exports.pathMatches(pattern, path)
    -- plugins/entitlement-check/catalog.ts:112
    local star = (string.find(pattern, "*", nil, true) or 0) - 1
    if star < 0 then
        return pattern == path
    end
    local p = 0
    local s = 0
    local starP = -1
    local starS = 0
    local plen = #pattern
    local slen = #path
    while s < slen do
        if p < plen and __TS__StringCharCodeAt(pattern, p) == 42 then
            starP = p
            starS = s
            p = p + 1
        elseif p < plen and __TS__StringCharCodeAt(pattern, p) == __TS__StringCharCodeAt(path, s) then
            p = p + 1
            s = s + 1
        elseif starP >= 0 then
            p = starP + 1
            starS = starS + 1
            s = starS
        else
            return false
        end
    end
    while p < plen and __TS__StringCharCodeAt(pattern, p) == 42 do
        p = p + 1
    end
    return p == plen
end
function ____exports.routeMatches(route, method, path)
    -- plugins/entitlement-check/catalog.ts:142
    if route.methods ~= nil then
        local allowed = false
        for ____, m in ipairs(route.methods) do
            if m == method then
                allowed = true
            end
        end
        if not allowed then
            return false
        end
    end
    return ____exports.pathMatches(route.path, path)
end
--- Vector helper: a plan's resolved features, includes and rank.
function ____exports.describePlans(plans)
    -- plugins/entitlement-check/catalog.ts:152
    local problem = ____exports.catalogProblem(plans)
    if problem ~= nil then
        return {error = problem}
    end
    local resolved = ____exports.resolveCatalog(plans)
    local out = {}
    for name in pairs(resolved) do
        local r = resolved[name]
        out[name] = {includes = r.includes, features = r.features, rank = r.rank, routes = #r.routes}
    end
    return out
end
return ____exports
