--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____validate = require("tollgate.core.validate")
local validateConfig = ____validate.validateConfig
local ____schema_2Dshape = require("tollgate.hosts.kong.schema_shape")
local kongSchemaShape = ____schema_2Dshape.kongSchemaShape
local typedefs = require("kong.db.schema.typedefs")
function ____exports.kongEntityChecks(spec)
    -- plugins/hosts/kong/schema.ts:14
    return {{custom_entity_check = {
        field_sources = {"config"},
        fn = function(entity)
            -- plugins/hosts/kong/schema.ts:19
            local problem = validateConfig(spec, entity.config)
            if problem ~= nil then
                return nil, problem
            end
            return true, nil
        end
    }}}
end
function ____exports.kongPluginSchema(name, spec)
    -- plugins/hosts/kong/schema.ts:29
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
