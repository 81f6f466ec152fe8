-- key-auth for the tollgate Kong-shaped test host: the one "bundled" plugin.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's
-- key-auth. Written from Kong 3.9's documented behaviour:
--   * PRIORITY 1250, access phase;
--   * looks for the key under each of `key_names` (default {"apikey"}) in the
--     request headers, then in the query string;
--   * 401 {"message":"No API key found in request"} when there is none,
--     401 {"message":"Unauthorized"} when it is unknown (Kong 3.7+ wording;
--     3.0-3.6 said "Invalid authentication credentials"), both with
--     `WWW-Authenticate: Key` (or `Key realm="<realm>"`);
--   * on success: kong.client.authenticate(consumer, credential) and the
--     upstream headers X-Consumer-ID, X-Consumer-Username,
--     X-Consumer-Custom-ID, X-Credential-Identifier (cleared when not
--     applicable, so a client cannot smuggle them in);
--   * `anonymous` (consumer id or username): "logical OR" mode -- on failure
--     the anonymous consumer is set, with X-Anonymous-Consumer: true; a
--     request already authenticated by another auth plugin is left alone;
--   * `hide_credentials` removes the key header / query argument upstream;
--   * `run_on_preflight` (default true): false lets OPTIONS through.
-- Differences: credentials live in memory (from kong.json), no kong.cache or
-- kong.db; a key sent twice in headers is not detected as "Duplicate API key
-- found" (the first header wins); `key_in_body` is rejected at start-up; no
-- credential ttl.

local typedefs = require("kong.db.schema.typedefs")

local ngx = ngx
local ngx_var = ngx.var
local req_get_method = ngx.req.get_method
local req_set_header = ngx.req.set_header
local req_clear_header = ngx.req.clear_header
local unescape_uri = ngx.unescape_uri
local find = string.find
local gsub = string.gsub
local lower = string.lower

local model -- set by init.lua: credentials_by_key, consumers_by_id, consumers_by_username

local _M = {}

function _M.set_model(m)
  model = m
end

local ERR_NO_API_KEY = "No API key found in request"
local ERR_INVALID_AUTH_CRED = "Unauthorized"

-- Per config: the nginx variable names of the key headers / query args,
-- computed once per config table.
local var_names = setmetatable({}, { __mode = "k" })

local function names_for(conf)
  local v = var_names[conf]
  if not v then
    v = { headers = {}, args = {} }
    for i, name in ipairs(conf.key_names) do
      v.headers[i] = "http_" .. gsub(lower(name), "-", "_")
      v.args[i] = "arg_" .. name
    end
    v.www = conf.realm and ('Key realm="' .. conf.realm .. '"') or "Key"
    var_names[conf] = v
  end
  return v
end

local function set_consumer(consumer, credential)
  kong.client.authenticate(consumer, credential)

  if consumer and consumer.id then
    req_set_header("X-Consumer-ID", consumer.id)
  else
    req_clear_header("X-Consumer-ID")
  end
  if consumer and consumer.custom_id then
    req_set_header("X-Consumer-Custom-ID", consumer.custom_id)
  else
    req_clear_header("X-Consumer-Custom-ID")
  end
  if consumer and consumer.username then
    req_set_header("X-Consumer-Username", consumer.username)
  else
    req_clear_header("X-Consumer-Username")
  end
  if credential and credential.id then
    req_set_header("X-Credential-Identifier", credential.id)
  else
    req_clear_header("X-Credential-Identifier")
  end
  if credential then
    req_clear_header("X-Anonymous-Consumer")
  else
    req_set_header("X-Anonymous-Consumer", "true")
  end
end

-- The key under the i-th key name (header first, then query), or nil.
local function key_at(conf, names, i)
  local v
  if conf.key_in_header then
    v = ngx_var[names.headers[i]]
  end
  if not v and conf.key_in_query then
    v = ngx_var[names.args[i]]
    if v and (find(v, "%", 1, true) or find(v, "+", 1, true)) then
      v = unescape_uri(v)
    end
  end
  return v
end

-- Returns true, or nil and { status, message, headers }.
local function authenticate(conf)
  local names = names_for(conf)
  -- The first key name outside the loop: a loop left on its first iteration on every
  -- request is one LuaJIT blacklists, and this host is the baseline of `make bench`.
  local count = #conf.key_names
  local key, found_at
  if count > 0 then
    key, found_at = key_at(conf, names, 1), 1
  end
  if not key then
    for i = 2, count do
      key = key_at(conf, names, i)
      if key then
        found_at = i
        break
      end
    end
  end

  if not key or key == "" then
    return nil, { status = 401, message = ERR_NO_API_KEY, headers = { ["WWW-Authenticate"] = names.www } }
  end

  if conf.hide_credentials then
    local name = conf.key_names[found_at]
    req_clear_header(name)
    local args = ngx.req.get_uri_args()
    if args[name] ~= nil then
      args[name] = nil
      ngx.req.set_uri_args(args)
    end
  end

  local credential = model.credentials_by_key[key]
  if not credential then
    return nil, { status = 401, message = ERR_INVALID_AUTH_CRED, headers = { ["WWW-Authenticate"] = names.www } }
  end

  set_consumer(model.consumers_by_id[credential.consumer.id], credential)
  return true
end

local handler = {
  PRIORITY = 1250,
  VERSION = "3.9.0",
}

function handler:access(conf)
  if not conf.run_on_preflight and req_get_method() == "OPTIONS" then
    return
  end

  if conf.anonymous then
    -- "logical OR": another auth plugin may already have authenticated.
    if ngx.ctx.authenticated_credential then
      return
    end
    if authenticate(conf) then
      return
    end
    local consumer = model.consumers_by_id[conf.anonymous]
                     or model.consumers_by_username[conf.anonymous]
    if not consumer then
      local msg = "anonymous consumer " .. conf.anonymous .. " is configured but doesn't exist"
      kong.log.err(msg)
      return kong.response.error(500, msg)
    end
    return set_consumer(consumer, nil)
  end

  local ok, err = authenticate(conf)
  if not ok then
    return kong.response.error(err.status, err.message, err.headers)
  end
end

_M.handler = handler

_M.schema = {
  name = "key-auth",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
        type = "record",
        fields = {
          { key_names = { type = "array", required = true, elements = typedefs.header_name,
                          default = { "apikey" } } },
          { hide_credentials = { type = "boolean", required = true, default = false } },
          { anonymous = { type = "string" } },
          { key_in_header = { type = "boolean", required = true, default = true } },
          { key_in_query = { type = "boolean", required = true, default = true } },
          { key_in_body = { type = "boolean", required = true, default = false,
              custom_validator = function(v)
                if v then
                  return nil, "key_in_body is not supported by the tollgate Kong test host"
                end
                return true
              end } },
          { run_on_preflight = { type = "boolean", required = true, default = true } },
          { realm = { type = "string" } },
        },
    } },
  },
}

return _M
