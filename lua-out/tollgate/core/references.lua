local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringStartsWith = ____lualib.__TS__StringStartsWith
local __TS__StringEndsWith = ____lualib.__TS__StringEndsWith
local __TS__StringSlice = ____lualib.__TS__StringSlice
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local sortedFieldNames = ____schema.sortedFieldNames
local KONG_PREFIX = "{vault://"
local APISIX_SECRET_PREFIX = "$secret://"
local APISIX_ENV_PREFIX = "$ENV://"
--- Kong's vault reference: `{vault://` … `}` (kong/pdk/vault.lua is_reference, the same
-- in 2.8.5 and 3.9.3). Kong skips a referenceable field's validators for it
-- (kong/db/schema/init.lua validate_field) and resolves it when the config is read.
function ____exports.isKongReference(value)
    -- plugins/core/references.ts:21
    return __TS__StringStartsWith(value, KONG_PREFIX) and __TS__StringEndsWith(value, "}")
end
--- APISIX's secret reference: `$secret://…`, or `$env://…` in any letter case
-- (apisix/secret.lua is_secret_ref, 3.18.0). core.schema.check skips a string schema
-- for it, and apisix/plugin.lua resolves it before the plugin's phases run.
function ____exports.isApisixReference(value)
    -- plugins/core/references.ts:30
    return __TS__StringStartsWith(value, APISIX_SECRET_PREFIX) or string.upper(__TS__StringSlice(value, 0, #APISIX_ENV_PREFIX)) == APISIX_ENV_PREFIX
end
function ____exports.isReference(value, syntax)
    -- plugins/core/references.ts:34
    local ____temp_0
    if syntax == "kong" then
        ____temp_0 = ____exports.isKongReference(value)
    else
        ____temp_0 = ____exports.isApisixReference(value)
    end
    return ____temp_0
end
local function collect(spec, path, out)
    -- plugins/core/references.ts:38
    do
        local ____switch6 = spec.kind
        local ____cond6 = ____switch6 == "string"
        if ____cond6 then
            if spec.referenceable == true then
                out[#out + 1] = path
            end
            return
        end
        ____cond6 = ____cond6 or ____switch6 == "array"
        if ____cond6 then
            collect(spec.elements, path .. "[]", out)
            return
        end
        ____cond6 = ____cond6 or ____switch6 == "map"
        if ____cond6 then
            collect(spec.values, path .. ".<key>", out)
            return
        end
        ____cond6 = ____cond6 or ____switch6 == "record"
        if ____cond6 then
            for ____, name in ipairs(sortedFieldNames(spec)) do
                collect(spec.fields[name], path == "" and name or path .. "." .. name, out)
            end
            return
        end
        do
            return
        end
    end
end
--- Paths of the fields that accept a reference, in the validator's order ("kafka.sasl.password", …).
function ____exports.referenceableFields(spec)
    -- plugins/core/references.ts:58
    local out = {}
    collect(spec, "", out)
    return out
end
--- The validator's message for a reference where the field does not take one.
function ____exports.misplacedReference(spec, syntax)
    -- plugins/core/references.ts:65
    local what = syntax == "kong" and "a vault reference ({vault://…})" or "a secret reference ($env://…, $secret://…)"
    local fields = ____exports.referenceableFields(spec)
    if #fields == 0 then
        return what .. " is not accepted in this plugin's config"
    end
    return what .. " is accepted only in " .. table.concat(fields, ", ")
end
return ____exports
