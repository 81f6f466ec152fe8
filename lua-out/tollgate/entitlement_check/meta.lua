--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Identity of the entitlement-check plugin in every host.
____exports.ENTITLEMENT_CHECK_NAME = "entitlement-check"
____exports.ENTITLEMENT_CHECK_VERSION = "0.1.0"
--- Below key-auth (1250), jwt (1450) and acl (950), so the consumer is known; below tier-limit (912).
____exports.ENTITLEMENT_CHECK_PRIORITY = 905
--- APISIX: after key-auth (2500, rewrite); below feature-toggle (1014); no bundled plugin's priority.
____exports.ENTITLEMENT_CHECK_APISIX_PRIORITY = 1013
return ____exports
