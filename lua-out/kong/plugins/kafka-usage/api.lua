--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____publisher = require("tollgate.kafka_usage.lua.publisher")
local nodeStatus = ____publisher.nodeStatus
local function getStatus(____self)
    -- plugins/kafka-usage/kong/api.ts:14
    local dict = type(____self.params.dict) == "string" and ____self.params.dict or "tollgate_usage"
    local status = nodeStatus(dict)
    if status == nil then
        return kong.response.exit(404, {message = "no lua_shared_dict '" .. dict .. "'"})
    end
    return kong.response.exit(200, status)
end
local ____exports = {["/kafka-usage/status"] = {GET = getStatus}}
return ____exports
