--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Dict key of the epoch of the last "drop everything".
____exports.ALL_INVALIDATED_KEY = "v*"
--- Drops every cached answer about `subject` in this node (all workers, all namespaces).
function ____exports.dropSubject(dict, subject)
    -- plugins/io/lua/cache-epoch.ts:17
    local epoch, incrErr = dict:incr("epoch", 1, 0)
    if epoch == nil then
        return false, incrErr
    end
    local ok, err = dict:set("v:" .. subject, epoch)
    if not ok then
        return false, err
    end
    return true, nil
end
--- Drops every cached answer in this node (all workers, all subjects).
function ____exports.dropAll(dict)
    -- plugins/io/lua/cache-epoch.ts:26
    local epoch, incrErr = dict:incr("epoch", 1, 0)
    if epoch == nil then
        return false, incrErr
    end
    local ok, err = dict:set(____exports.ALL_INVALIDATED_KEY, epoch)
    if not ok then
        return false, err
    end
    return true, nil
end
return ____exports
