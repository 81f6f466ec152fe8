-- Runs the JSON vectors of tests/vectors/ against the compiled Lua in lua-out/.
-- The TypeScript twin is tests/unit/vectors.test.ts; both read the same files.
local cjson = require("cjson")

local runner = {}

-- "tier-limit/decide#planAccess" -> require("tollgate.tier_limit.decide").planAccess
function runner.resolve_export(reference)
  local module_path, export_name = reference:match("^([^#]+)#(.+)$")
  assert(module_path, "bad reference '" .. tostring(reference) .. "'")
  local module_name = "tollgate." .. module_path:gsub("/", "."):gsub("-", "_")
  local mod = require(module_name)
  local value = mod[export_name]
  assert(value ~= nil, module_name .. " has no export '" .. export_name .. "'")
  return value
end

-- JSON null (cjson.null) means "absent" in a vector: turn it into nil, recursively.
local function without_nulls(value)
  if value == cjson.null then return nil end
  if type(value) ~= "table" then return value end
  local out = {}
  for k, v in pairs(value) do out[k] = without_nulls(v) end
  return out
end
runner.without_nulls = without_nulls

local function copy(value)
  if type(value) ~= "table" then return value end
  local out = {}
  for k, v in pairs(value) do out[k] = copy(v) end
  return out
end

-- {"$config": "<module>#<spec>", "value": {...}}: the value validated against the
-- spec with tollgate's validator, defaults filled in.
local function validated_config(arg)
  local spec = runner.resolve_export(arg["$config"])
  local config = without_nulls(copy(arg.value))
  local problem = require("tollgate.core.validate").validateConfig(spec, config)
  assert(problem == nil, "vector config is invalid: " .. tostring(problem))
  return config
end

function runner.resolve_args(args)
  local out = {}
  for i, arg in ipairs(args) do
    if type(arg) == "table" and arg["$ref"] ~= nil then
      out[i] = runner.resolve_export(arg["$ref"])
    elseif type(arg) == "table" and arg["$platform"] ~= nil then
      -- The runtime's own primitives the hosts hand the pure code (HMAC, JSON).
      assert(arg["$platform"] == "webhook", "unknown platform '" .. tostring(arg["$platform"]) .. "'")
      out[i] = require("tollgate.io.lua.webhook_platform").LUA_WEBHOOK_PLATFORM
    elseif type(arg) == "table" and arg["$config"] ~= nil then
      out[i] = validated_config(arg)
    else
      out[i] = without_nulls(copy(arg))
    end
  end
  return out
end

-- Drops what JSON cannot carry (functions, e.g. a spec's `check`), so a result is
-- compared the way the TypeScript side compares it after JSON.stringify.
local function json_view(value)
  if type(value) == "function" then return nil end
  if type(value) ~= "table" then return value end
  local out = {}
  for k, v in pairs(value) do out[k] = json_view(v) end
  return out
end
runner.json_view = json_view

function runner.load_file(path)
  local handle = assert(io.open(path, "r"))
  local text = handle:read("*a")
  handle:close()
  return cjson.decode(text)
end

function runner.vector_files(dir)
  local files = {}
  local listing = io.popen('ls "' .. dir .. '"')
  for name in listing:lines() do
    if name:match("%.json$") then files[#files + 1] = name end
  end
  listing:close()
  table.sort(files)
  return files
end

-- Runs one case; returns actual result and the (possibly mutated) args.
function runner.run_case(file, case)
  local fn = runner.resolve_export(case["function"] or file["function"])
  local args = runner.resolve_args(case.args)
  local result = fn(unpack(args, 1, #case.args))
  return result, args
end

return runner
