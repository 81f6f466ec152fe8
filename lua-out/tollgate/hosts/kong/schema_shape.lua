--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____kong_2Dschema = require("tollgate.core.kong_schema")
local toKongFields = ____kong_2Dschema.toKongFields
function ____exports.kongSchemaShape(name, spec, parts)
    -- plugins/hosts/kong/schema-shape.ts:18
    return {
        name = name,
        fields = {
            {consumer = parts.noConsumer},
            {protocols = parts.protocols},
            {config = {
                type = "record",
                fields = toKongFields(spec)
            }}
        },
        entity_checks = parts.entityChecks
    }
end
return ____exports
