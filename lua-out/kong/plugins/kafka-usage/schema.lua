--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____schema = require("tollgate.hosts.kong.schema")
local kongPluginSchema = ____schema.kongPluginSchema
local ____meta = require("tollgate.kafka_usage.meta")
local KAFKA_USAGE_NAME = ____meta.KAFKA_USAGE_NAME
local ____schema = require("tollgate.kafka_usage.schema")
local kafkaUsageSchema = ____schema.kafkaUsageSchema
local ____exports = kongPluginSchema(KAFKA_USAGE_NAME, kafkaUsageSchema)
return ____exports
