-- Small helpers shared by the modules of the tollgate Kong-shaped test host.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong.
-- See tollgate_kong_host/init.lua for what this host is and is not.

local cjson = require("cjson.safe")

local type = type
local pairs = pairs
local next = next
local format = string.format
local sub = string.sub
local concat = table.concat

local _M = {}

-- ngx.null and cjson.null are the same lightuserdata (NULL), so a JSON null
-- read from kong.json compares equal to ngx.null, as in Kong.
_M.null = ngx.null

function _M.read_file(path)
  local f, err = io.open(path, "rb")
  if not f then
    return nil, err
  end
  local data = f:read("*a")
  f:close()
  return data
end

function _M.read_json(path)
  local data, err = _M.read_file(path)
  if not data then
    return nil, "cannot read " .. path .. ": " .. tostring(err)
  end
  local value, derr = cjson.decode(data)
  if derr then
    return nil, "cannot decode " .. path .. ": " .. derr
  end
  return value
end

-- A stable, uuid-shaped id derived from a string (md5 based). Kong gives
-- DB-less entities deterministic ids too; tests only need them stable across
-- restarts of the same config, not equal to Kong's.
function _M.uuid_from(seed)
  local h = ngx.md5(seed)
  return format("%s-%s-5%s-a%s-%s",
                sub(h, 1, 8), sub(h, 9, 12), sub(h, 14, 16), sub(h, 18, 20), sub(h, 21, 32))
end

-- True for a Lua table usable as a JSON array: keys 1..n without holes
-- (an empty table counts, as cjson cannot tell [] from {}).
function _M.is_sequence(t)
  if type(t) ~= "table" then
    return false
  end
  local n = 0
  for _ in pairs(t) do
    n = n + 1
  end
  for i = 1, n do
    if t[i] == nil then
      return false
    end
  end
  return true
end

function _M.deep_copy(v)
  if type(v) ~= "table" then
    return v
  end
  local out = {}
  for k, x in pairs(v) do
    out[k] = _M.deep_copy(x)
  end
  return out
end

function _M.is_empty_table(t)
  return next(t) == nil
end

-- Renders a value for an error message (strings quoted, tables as JSON).
function _M.show(v)
  if v == _M.null then
    return "null"
  end
  if type(v) == "string" then
    return "'" .. v .. "'"
  end
  if type(v) == "table" then
    return cjson.encode(v) or "<table>"
  end
  return tostring(v)
end

-- "a, b, c" from an array of strings (for "expected one of" style messages).
function _M.join(list, sep)
  local parts = {}
  for i = 1, #list do
    parts[i] = tostring(list[i])
  end
  return concat(parts, sep or ", ")
end

return _M
