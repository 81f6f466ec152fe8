--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local configured
function ____exports.setConfigured(configs)
    -- plugins/tier-limit/kong/configured.ts:15
    configured = configs
end
--- The configs of the last configure(), or undefined when Kong never called it (Kong before 3.4).
function ____exports.configuredConfigs()
    -- plugins/tier-limit/kong/configured.ts:20
    return configured
end
return ____exports
