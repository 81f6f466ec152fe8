--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____version = require("tollgate.core.version")
local TOLLGATE_VERSION = ____version.TOLLGATE_VERSION
--- Identity of the tier-limit plugin in every host.
____exports.TIER_LIMIT_NAME = "tier-limit"
--- tollgate's version (package.json, through ../core/version.ts).
____exports.TIER_LIMIT_VERSION = TOLLGATE_VERSION
--- Below key-auth (1250) and jwt (1450), so the consumer is known; above rate-limiting (910).
____exports.TIER_LIMIT_PRIORITY = 912
--- APISIX: after key-auth (2500, rewrite); above limit-count (1002). A priority no bundled
-- plugin has: APISIX sorts plugins with table.sort, so equal priorities run in no set order.
____exports.TIER_LIMIT_APISIX_PRIORITY = 1015
return ____exports
