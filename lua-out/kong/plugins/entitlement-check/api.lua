--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____cache = require("tollgate.io.lua.cache")
local invalidateSubject = ____cache.invalidateSubject
local function deleteSubject(____self)
    -- plugins/entitlement-check/kong/api.ts:17
    local subject = ____self.params.subject
    if subject == nil or subject == "" then
        return kong.response.exit(400, {message = "subject is required"})
    end
    local ok, err = invalidateSubject(____self.params.dict or "tollgate_cache", subject)
    if not ok then
        return kong.response.exit(500, {message = err})
    end
    return kong.response.exit(204)
end
local ____exports = {["/entitlement-check/cache/:subject"] = {methods = {DELETE = deleteSubject}}}
return ____exports
