--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____version = require("tollgate.core.version")
local TOLLGATE_VERSION = ____version.TOLLGATE_VERSION
--- Identity of the feature-toggle plugin in every host.
____exports.FEATURE_TOGGLE_NAME = "feature-toggle"
--- tollgate's version (package.json, through ../core/version.ts).
____exports.FEATURE_TOGGLE_VERSION = TOLLGATE_VERSION
--- Kong: below key-auth (1250), jwt (1450) and tier-limit (912), so the consumer and
-- its tier are known and an over-limit request is refused before flags are evaluated;
-- above Kong's rate-limiting (910).
____exports.FEATURE_TOGGLE_PRIORITY = 911
--- APISIX: after key-auth (2500, rewrite) and tier-limit (1015); no bundled plugin's priority.
____exports.FEATURE_TOGGLE_APISIX_PRIORITY = 1014
return ____exports
