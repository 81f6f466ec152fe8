--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____adapter = require("tollgate.hosts.kong.adapter")
local applyKongOutcome = ____adapter.applyKongOutcome
local kongRequestFacts = ____adapter.kongRequestFacts
local ____access = require("tollgate.entitlement_check.lua.access")
local entitlementAccess = ____access.entitlementAccess
local entitlementNeeds = ____access.entitlementNeeds
local rememberedEntitlement = ____access.rememberedEntitlement
local ____webhook = require("tollgate.entitlement_check.lua.webhook")
local webhookResponse = ____webhook.webhookResponse
local ____meta = require("tollgate.entitlement_check.meta")
local ENTITLEMENT_CHECK_PRIORITY = ____meta.ENTITLEMENT_CHECK_PRIORITY
local ENTITLEMENT_CHECK_VERSION = ____meta.ENTITLEMENT_CHECK_VERSION
local EntitlementCheckHandler = {
    PRIORITY = ENTITLEMENT_CHECK_PRIORITY,
    VERSION = ENTITLEMENT_CHECK_VERSION,
    access = function(self, conf)
        -- plugins/entitlement-check/kong/handler.ts:15
        if conf.webhook ~= nil then
            local status, body = webhookResponse(conf)
            return kong.response.exit(status, body)
        end
        local consumer = kong.client.get_consumer()
        local remembered = rememberedEntitlement(conf, consumer)
        if remembered ~= nil then
            return applyKongOutcome(remembered)
        end
        applyKongOutcome(entitlementAccess(
            conf,
            kongRequestFacts(
                conf,
                entitlementNeeds(conf)
            ),
            consumer
        ))
    end
}
local ____exports = EntitlementCheckHandler
return ____exports
