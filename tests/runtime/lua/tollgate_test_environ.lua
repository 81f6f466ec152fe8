-- The process environment as a table, read from `environ` -- for both test
-- hosts, which resolve secret references from it as Kong's env vault
-- (kong/vaults/env/init.lua init, 3.9.3) and APISIX (apisix/core/env.lua
-- init, 3.18.0) do. Called in init_by_lua, in the nginx master: workers only
-- keep the variables named by `env` directives, while the master has them all.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product.

local ffi = require("ffi")

local find = string.find
local sub = string.sub

pcall(ffi.cdef, "extern char **environ;")

return function()
  local env = {}
  local e = ffi.C.environ
  local i = 0
  while e ~= nil and e[i] ~= nil do
    local var = ffi.string(e[i])
    local eq = find(var, "=", 1, true)
    if eq then
      env[sub(var, 1, eq - 1)] = sub(var, eq + 1)
    end
    i = i + 1
  end
  return env
end
