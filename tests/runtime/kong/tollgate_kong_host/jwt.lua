-- jwt for the tollgate Kong-shaped test host: the second "bundled" plugin,
-- there so that tier-limit's jwt_claim source (a claim of a token the gateway
-- verified) can be tested through a gateway.
--
-- TEST AND PLAYGROUND INFRASTRUCTURE ONLY -- not a product, not Kong's jwt
-- plugin. Written from Kong 3.9's documented behaviour:
--   * PRIORITY 1450, access phase;
--   * the token is looked for in the query arguments `uri_param_names`
--     (default {"jwt"}), then the cookies `cookie_names`, then the headers
--     `header_names` (default {"authorization"}, "Bearer <token>");
--   * 401 {"message":"Unauthorized"} without a token; 401 "Bad token; invalid
--     JSON" / "Invalid algorithm" ... for a malformed one;
--   * the credential is found by the claim `key_claim_name` (default "iss"):
--     401 "No mandatory 'iss' in claims", 401 "No credentials found for given
--     'iss'"; the token's alg must be the credential's algorithm (403 "Invalid
--     algorithm"); a bad signature is 401 "Invalid signature";
--   * claims_to_verify "exp" / "nbf": 401 with {"exp":"token expired"} or
--     {"nbf":"token not valid yet"};
--   * on success: kong.client.authenticate(consumer, credential),
--     kong.ctx.shared.authenticated_jwt_token = the token, X-Consumer-* headers.
-- Differences: only HS256 (tests/runtime/lua/tollgate_test_jwt.lua);
-- secret_is_base64, anonymous, maximum_expiration, RS*/ES* are refused at
-- start-up; credentials live in memory (kong.json `jwt_secrets`).

local typedefs = require("kong.db.schema.typedefs")
local hs256_jwt = require("tollgate_test_jwt")

local ngx = ngx
local ngx_var = ngx.var
local req_set_header = ngx.req.set_header
local req_clear_header = ngx.req.clear_header
local find = string.find
local gsub = string.gsub
local lower = string.lower

local model -- set by init.lua: jwt_secrets_by_key, consumers_by_id

local _M = {}

function _M.set_model(m)
  model = m
end

local function token_of(conf)
  for _, name in ipairs(conf.uri_param_names) do
    local v = ngx_var["arg_" .. name]
    if v and v ~= "" then
      return v
    end
  end
  for _, name in ipairs(conf.cookie_names) do
    local v = ngx_var["cookie_" .. name]
    if v and v ~= "" then
      return v
    end
  end
  for _, name in ipairs(conf.header_names) do
    local v = ngx_var["http_" .. gsub(lower(name), "-", "_")]
    if v then
      local _, _, token = find(v, "^%s*[Bb][Ee][Aa][Rr][Ee][Rr]%s+(%S+)%s*$")
      if token then
        return token
      end
    end
  end
  return nil
end

local function unauthorized(message)
  return kong.response.exit(401, type(message) == "table" and message or { message = message })
end

local function set_consumer(consumer, credential)
  kong.client.authenticate(consumer, credential)
  local set = { ["X-Consumer-ID"] = consumer.id, ["X-Consumer-Custom-ID"] = consumer.custom_id,
                ["X-Consumer-Username"] = consumer.username, ["X-Credential-Identifier"] = credential.key }
  for name, value in pairs(set) do
    if value then
      req_set_header(name, value)
    else
      req_clear_header(name)
    end
  end
  req_clear_header("X-Anonymous-Consumer")
end

local handler = {
  PRIORITY = 1450,
  VERSION = "3.9.0",
}

function handler:access(conf)
  if not conf.run_on_preflight and ngx.req.get_method() == "OPTIONS" then
    return
  end
  local token = token_of(conf)
  if not token then
    return unauthorized("Unauthorized")
  end
  local header, claims, signed, signature = hs256_jwt.decode(token)
  if not header then
    return unauthorized("Bad token; invalid JSON")
  end
  local key = claims[conf.key_claim_name]
  if key == nil then
    return unauthorized("No mandatory '" .. conf.key_claim_name .. "' in claims")
  end
  local credential = model.jwt_secrets_by_key[tostring(key)]
  if not credential then
    return unauthorized("No credentials found for given '" .. conf.key_claim_name .. "'")
  end
  if header.alg ~= credential.algorithm then
    return kong.response.exit(403, { message = "Invalid algorithm" })
  end
  if not hs256_jwt.hs256_valid(credential.secret, signed, signature) then
    return unauthorized("Invalid signature")
  end
  local now = ngx.time()
  for _, claim in ipairs(conf.claims_to_verify or {}) do
    local value = claims[claim]
    if claim == "exp" and (type(value) ~= "number" or value <= now) then
      return unauthorized({ exp = type(value) == "number" and "token expired" or "must be a number" })
    end
    if claim == "nbf" and (type(value) ~= "number" or value > now) then
      return unauthorized({ nbf = type(value) == "number" and "token not valid yet" or "must be a number" })
    end
  end
  kong.ctx.shared.authenticated_jwt_token = token
  set_consumer(model.consumers_by_id[credential.consumer.id], credential)
end

_M.handler = handler

local function refused(what)
  return function(v)
    if v ~= nil and v ~= false and v ~= 0 then
      return nil, what .. " is not supported by the tollgate Kong test host"
    end
    return true
  end
end

_M.schema = {
  name = "jwt",
  fields = {
    { consumer = typedefs.no_consumer },
    { protocols = typedefs.protocols_http },
    { config = {
        type = "record",
        fields = {
          { uri_param_names = { type = "set", elements = { type = "string" }, default = { "jwt" } } },
          { cookie_names = { type = "set", elements = { type = "string" }, default = {} } },
          { header_names = { type = "set", elements = { type = "string" }, default = { "authorization" } } },
          { key_claim_name = { type = "string", default = "iss" } },
          { claims_to_verify = { type = "set", elements = { type = "string", one_of = { "exp", "nbf" } } } },
          { run_on_preflight = { type = "boolean", required = true, default = true } },
          { secret_is_base64 = { type = "boolean", required = true, default = false, custom_validator = refused("secret_is_base64") } },
          { anonymous = { type = "string", custom_validator = refused("anonymous") } },
          { maximum_expiration = { type = "number", default = 0, custom_validator = refused("maximum_expiration") } },
        },
    } },
  },
}

return _M
