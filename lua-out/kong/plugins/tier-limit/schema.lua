--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____schema = require("tollgate.hosts.kong.schema")
local kongPluginSchema = ____schema.kongPluginSchema
local ____meta = require("tollgate.tier_limit.meta")
local TIER_LIMIT_NAME = ____meta.TIER_LIMIT_NAME
local ____schema = require("tollgate.tier_limit.schema")
local tierLimitSchema = ____schema.tierLimitSchema
local ____exports = kongPluginSchema(TIER_LIMIT_NAME, tierLimitSchema)
return ____exports
