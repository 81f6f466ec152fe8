--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____kong_2Dschema = require("tollgate.core.kong_schema")
local toKongFields = ____kong_2Dschema.toKongFields
local ____validate = require("tollgate.core.validate")
local validateConfig = ____validate.validateConfig
local typedefs = require("kong.db.schema.typedefs")
--- Kong runs entity checks on the config as given, before it resolves vault references
-- (that happens when the config is read: kong/db/schema/init.lua process_auto_fields,
-- "select"), so referenceable fields may hold `{vault://…}` here.
local KONG_VALIDATION = {references = "kong"}
function ____exports.kongPluginSchema(name, spec)
    return {
        name = name,
        fields = {
            {consumer = typedefs.no_consumer},
            {protocols = typedefs.protocols_http},
            {config = {
                type = "record",
                fields = toKongFields(spec)
            }}
        },
        entity_checks = {{custom_entity_check = {
            field_sources = {"config"},
            fn = function(entity)
                local problem = validateConfig(spec, entity.config, KONG_VALIDATION)
                if problem ~= nil then
                    return nil, problem
                end
                return true, nil
            end
        }}}
    }
end
return ____exports
