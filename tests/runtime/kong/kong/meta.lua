-- A stand-in for Kong's `kong.meta` (plugins often take VERSION from it),
-- loaded by the tollgate Kong-shaped test host. TEST INFRASTRUCTURE ONLY.
-- The host claims to emulate (a subset of) Kong 3.9.0.
local version = setmetatable({ major = 3, minor = 9, patch = 0 }, {
  __tostring = function(t)
    return string.format("%d.%d.%d", t.major, t.minor, t.patch)
  end,
})

return {
  _NAME = "kong",
  _VERSION = tostring(version),
  _VERSION_TABLE = version,
  _SERVER_TOKENS = "kong/" .. tostring(version),
  version = tostring(version),
}
