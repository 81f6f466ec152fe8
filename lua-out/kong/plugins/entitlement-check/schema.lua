--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____schema = require("tollgate.hosts.kong.schema")
local kongPluginSchema = ____schema.kongPluginSchema
local ____meta = require("tollgate.entitlement_check.meta")
local ENTITLEMENT_CHECK_NAME = ____meta.ENTITLEMENT_CHECK_NAME
local ____schema = require("tollgate.entitlement_check.schema")
local entitlementCheckSchema = ____schema.entitlementCheckSchema
local ____exports = kongPluginSchema(ENTITLEMENT_CHECK_NAME, entitlementCheckSchema)
return ____exports
