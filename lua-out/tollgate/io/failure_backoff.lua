--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Seconds a subject is not fetched again after a failed fetch.
____exports.FAILURE_BACKOFF_S = 1
return ____exports
