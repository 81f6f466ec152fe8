-- Route matching for the tollgate APISIX-shaped TEST host (not a product;
-- see init.lua).
--
-- Emulates APISIX's default `radixtree_uri` router for the cases tollgate
-- uses: a uri is either exact ("/orders") or a prefix ending in "*"
-- ("/orders/*", "/api*"). Exact matches are tried first, then prefixes from
-- longest to shortest; among routes with the same uri, higher `priority`
-- first, then configuration order. A route whose `methods` does not list the
-- request method is passed over. Routes with status = 0 never match.
-- Matching is on $uri (decoded, normalised, no query string), like APISIX.
--
-- Not emulated: host/hosts, vars, remote_addrs, filter_func, uri parameters
-- (":id"), the radixtree_host_uri and radixtree_uri_with_parameter routers
-- (config.lua rejects routes that use them).

local str_byte = string.byte
local str_sub = string.sub
local tab_sort = table.sort
local ipairs = ipairs
local pairs = pairs

local _M = {}

local BYTE_STAR = str_byte("*")

-- Higher priority first; equal priorities keep configuration order
-- (rt._order), since table.sort is not stable.
local function by_priority(list)
    tab_sort(list, function(a, b)
        if a.priority ~= b.priority then
            return a.priority > b.priority
        end
        return a._order < b._order
    end)
end

-- rts: route runtimes from config.lua. Returns a matcher object.
function _M.new(rts)
    local exact = {}    -- uri -> { rt, ... }
    local by_prefix = {} -- prefix -> { rt, ... }
    for order, rt in ipairs(rts) do
        rt._order = order
        if not rt.disabled then
            for _, uri in ipairs(rt.uris) do
                if str_byte(uri, #uri) == BYTE_STAR then
                    local prefix = str_sub(uri, 1, #uri - 1)
                    by_prefix[prefix] = by_prefix[prefix] or {}
                    local list = by_prefix[prefix]
                    list[#list + 1] = rt
                else
                    exact[uri] = exact[uri] or {}
                    local list = exact[uri]
                    list[#list + 1] = rt
                end
            end
        end
    end

    local prefixes = {}
    for prefix, list in pairs(by_prefix) do
        by_priority(list)
        prefixes[#prefixes + 1] = { prefix = prefix, len = #prefix, rts = list }
    end
    tab_sort(prefixes, function(a, b)
        return a.len > b.len
    end)
    for _, list in pairs(exact) do
        by_priority(list)
    end

    return { exact = exact, prefixes = prefixes, nprefixes = #prefixes }
end

local function pick(list, method)
    for i = 1, #list do
        local rt = list[i]
        local methods = rt.methods
        if not methods or methods[method] then
            return rt
        end
    end
    return nil
end

-- The route runtime for this uri and method, or nil.
function _M.match(router, uri, method)
    local list = router.exact[uri]
    if list then
        local rt = pick(list, method)
        if rt then
            return rt
        end
    end
    local prefixes = router.prefixes
    local ulen = #uri
    for i = 1, router.nprefixes do
        local p = prefixes[i]
        if ulen >= p.len and str_sub(uri, 1, p.len) == p.prefix then
            local rt = pick(p.rts, method)
            if rt then
                return rt
            end
        end
    end
    return nil
end

return _M
