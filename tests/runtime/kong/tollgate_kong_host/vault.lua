-- Vault references in plugin configs, for the tollgate Kong-shaped test host:
-- the `env` vault only.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not kong.vault.
--
-- Written from Kong 3.9.3 (read, not copied):
--   * a reference is "{vault://" ... "}"        (kong/pdk/vault.lua is_reference;
--     the same test in 2.8.5);
--   * "{vault://env/<resource>[/<key>]}": the last path segment is a key into
--     the secret's JSON object when the path has more than one segment
--     (parse_reference, extract_key_from_json_string: a flat object whose
--     value must be a string);
--   * the env vault reads the variable upper(<resource> with "-" -> "_")
--     (kong/vaults/env/init.lua get) from a snapshot of the process
--     environment (its init reads `environ`). Kong takes that snapshot in the
--     master: in DB-less mode Kong.init calls kong.vault.warmup on the
--     declarative config (kong/init.lua), so a variable the gateway was
--     started with is found without an nginx `env` directive. This host
--     resolves in init_by_lua, in the master, from `environ` as well.
--   * failures: "no value found", "could not get subfield value: ..."
--     (invoke_strategy); the caller logs and uses "" (resolve_reference in
--     kong/db/schema/init.lua; 2.8.5 used nil instead).
-- Not emulated (start-up fails, saying so): other vaults (aws, gcp, hcv,
-- azure, vault entities), options after "?" (prefix, ttl, ...), versions
-- ("#1", the env vault's _PREVIOUS variables), secret rotation.

local read_environ = require("tollgate_test_environ")
local cjson = require("cjson.safe")

local byte = string.byte
local sub = string.sub
local find = string.find
local gsub = string.gsub
local upper = string.upper
local format = string.format
local type = type

local _M = {}

local ENV -- name -> value, read once (see the header)

local function environment()
  ENV = ENV or read_environ()
  return ENV
end

local PREFIX = "{vault://"

function _M.is_reference(value)
  return type(value) == "string" and sub(value, 1, #PREFIX) == PREFIX
         and byte(value, -1) == byte("}")
end

-- Resolves a reference. Returns value, or nil and Kong's reason. Raises for
-- references this host does not emulate.
function _M.get(reference)
  local inner = sub(reference, #PREFIX + 1, -2)
  local slash = find(inner, "/", 1, true)
  local name = slash and sub(inner, 1, slash - 1) or inner
  local path = slash and sub(inner, slash + 1) or ""
  if name ~= "env" or find(path, "[?#]") then
    error(format("vault reference %s: only {vault://env/<name>[/<key>]} is emulated by the "
                 .. "tollgate Kong test host", reference), 0)
  end
  if path == "" then
    return nil, format("reference url has empty path [%s]", reference)
  end
  local resource, key = path, nil
  local last = find(path, "/[^/]*$")
  if last and last < #path then
    resource, key = sub(path, 1, last - 1), sub(path, last + 1)
  end
  local value = environment()[upper((gsub(resource, "-", "_")))]
  if value == nil then
    return nil, "no value found"
  end
  if key then
    local json, err = cjson.decode(value)
    if type(json) ~= "table" then
      return nil, format("could not get subfield value: unable to json decode value (%s): %s",
                         tostring(json), tostring(err))
    end
    value = json[key]
    if value == nil then
      return nil, format("could not get subfield value: subfield %s not found in JSON secret", key)
    elseif type(value) ~= "string" then
      return nil, format("could not get subfield value: unexpected %s value in JSON secret for subfield %s",
                         type(value), key)
    end
  end
  return value
end

-- What a referenceable field holds once read (resolve_reference): the value,
-- or "" with a log line when it cannot be resolved.
function _M.resolve(reference)
  local value, err = _M.get(reference)
  if value == nil then
    ngx.log(ngx.WARN, "unable to resolve reference ", reference, " (", err, ")")
    return ""
  end
  return value
end

return _M
