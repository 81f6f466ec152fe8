--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____version = require("tollgate.core.version")
local TOLLGATE_VERSION = ____version.TOLLGATE_VERSION
--- Identity of the kafka-usage plugin in every host.
____exports.KAFKA_USAGE_NAME = "kafka-usage"
--- tollgate's version (package.json, through ../core/version.ts).
____exports.KAFKA_USAGE_VERSION = TOLLGATE_VERSION
--- Kong: a log-phase plugin. Log handlers run in priority order after the response is
-- sent; next to Kong's own loggers (http-log 12, kafka-log 11 in Enterprise), and after
-- tollgate's access plugins have recorded the tier, plan and features of the request.
____exports.KAFKA_USAGE_PRIORITY = 10
--- APISIX: next to kafka-logger (403), at a priority no bundled plugin has; the log phase runs after every access decision.
____exports.KAFKA_USAGE_APISIX_PRIORITY = 404
return ____exports
