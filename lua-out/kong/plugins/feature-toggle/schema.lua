--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____schema = require("tollgate.hosts.kong.schema")
local kongPluginSchema = ____schema.kongPluginSchema
local ____meta = require("tollgate.feature_toggle.meta")
local FEATURE_TOGGLE_NAME = ____meta.FEATURE_TOGGLE_NAME
local ____schema = require("tollgate.feature_toggle.schema")
local featureToggleSchema = ____schema.featureToggleSchema
local ____exports = kongPluginSchema(FEATURE_TOGGLE_NAME, featureToggleSchema)
return ____exports
