--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____cache = require("tollgate.io.lua.cache")
local invalidateSubject = ____cache.invalidateSubject
local function deleteSubject(____self)
    -- plugins/entitlement-check/kong/api.ts:16
    local raw = ____self.params.subject
    local subject = type(raw) == "string" and ngx.unescape_uri(raw) or ""
    if subject == "" then
        return kong.response.exit(400, {message = "subject is required"})
    end
    local dict = type(____self.params.dict) == "string" and ____self.params.dict or "tollgate_cache"
    local ok, err = invalidateSubject(dict, subject)
    if not ok then
        return kong.response.exit(500, {message = err})
    end
    return kong.response.exit(204)
end
local ____exports = {["/entitlement-check/cache/:subject"] = {DELETE = deleteSubject}}
return ____exports
