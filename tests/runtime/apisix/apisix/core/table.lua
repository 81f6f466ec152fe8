-- apisix.core.table for the tollgate APISIX-shaped TEST host (not a product).
--
-- The LuaJIT (OpenResty branch) table extensions APISIX re-exports, plus the
-- few helpers plugins commonly call.
--
-- Emulated: new, clear, nkeys, insert, concat, sort, clone, isarray, isempty,
-- insert_tail, try_read_attr, array_find, deepcopy.
-- Not emulated: set, setmt__gc, merge, patch, set_eq, deep_eq, pick, and
-- deepcopy's `shallows` option.

local new_tab = require("table.new")
local nkeys = require("table.nkeys")
local type = type
local pairs = pairs
local select = select
local getmetatable = getmetatable
local setmetatable = setmetatable

local _M = {
    version = 0.2,
    new = new_tab,
    clear = require("table.clear"),
    nkeys = nkeys,
    insert = table.insert,
    concat = table.concat,
    sort = table.sort,
    remove = table.remove,
    clone = require("table.clone"),
    isarray = require("table.isarray"),
    isempty = require("table.isempty"),
}

-- Appends every argument to the array part (nil arguments included as holes
-- are not allowed: this mirrors APISIX, which uses #tab).
function _M.insert_tail(tab, ...)
    local idx = #tab
    for i = 1, select("#", ...) do
        idx = idx + 1
        tab[idx] = select(i, ...)
    end
    return idx
end

-- try_read_attr(t, "a", "b") is t.a.b, or nil when any step is missing.
function _M.try_read_attr(tab, ...)
    local cur = tab
    for i = 1, select("#", ...) do
        if type(cur) ~= "table" then
            return nil
        end
        cur = cur[select(i, ...)]
    end
    return cur
end

-- Index of val in the array, or nil.
function _M.array_find(array, val)
    if type(array) ~= "table" then
        return nil
    end
    for i = 1, #array do
        if array[i] == val then
            return i
        end
    end
    return nil
end

-- Deep copy keeping metatables (cjson.array_mt must survive a copy, or an
-- empty array becomes an object when re-encoded). Cycles are preserved.
local function deepcopy(orig, seen)
    if type(orig) ~= "table" then
        return orig
    end
    if seen[orig] then
        return seen[orig]
    end
    local copy = new_tab(#orig, nkeys(orig))
    seen[orig] = copy
    for k, v in pairs(orig) do
        copy[deepcopy(k, seen)] = deepcopy(v, seen)
    end
    local mt = getmetatable(orig)
    if mt ~= nil then
        setmetatable(copy, mt)
    end
    return copy
end

function _M.deepcopy(orig)
    return deepcopy(orig, {})
end

return _M
