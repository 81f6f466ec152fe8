--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____validate = require("tollgate.core.validate")
local validateConfig = ____validate.validateConfig
local ____schema_2Dshape = require("tollgate.hosts.kong.schema_shape")
local kongSchemaShape = ____schema_2Dshape.kongSchemaShape
local typedefs = require("kong.db.schema.typedefs")
--- Kong runs entity checks on the config as given, before it resolves vault references
-- (that happens when the config is read: kong/db/schema/init.lua process_auto_fields,
-- "select"), so referenceable fields may hold `{vault://…}` here.
local KONG_VALIDATION = {references = "kong"}
function ____exports.kongEntityChecks(spec)
    -- plugins/hosts/kong/schema.ts:21
    return {{custom_entity_check = {
        field_sources = {"config"},
        fn = function(entity)
            -- plugins/hosts/kong/schema.ts:26
            local problem = validateConfig(spec, entity.config, KONG_VALIDATION)
            if problem ~= nil then
                return nil, problem
            end
            return true, nil
        end
    }}}
end
function ____exports.kongPluginSchema(name, spec)
    -- plugins/hosts/kong/schema.ts:36
    return kongSchemaShape(
        name,
        spec,
        {
            noConsumer = typedefs.no_consumer,
            protocols = typedefs.protocols_http,
            entityChecks = ____exports.kongEntityChecks(spec)
        }
    )
end
return ____exports
