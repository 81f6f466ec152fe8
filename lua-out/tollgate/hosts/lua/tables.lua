--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local tableNew = require("table.new")
--- An empty table with room for `arrayItems` list items and `hashKeys` keys.
function ____exports.newTable(arrayItems, hashKeys)
    -- plugins/hosts/lua/tables.ts:17
    return tableNew(arrayItems, hashKeys)
end
return ____exports
