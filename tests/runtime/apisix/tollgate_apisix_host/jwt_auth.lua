-- jwt-auth, implemented by the tollgate APISIX-shaped TEST host (not a product; see
-- init.lua). Written from APISIX 3.x apisix/plugins/jwt-auth.lua behaviour, so that
-- tollgate's plugins see what they would see after it (ctx.consumer and, with
-- store_in_ctx, the verified payload in ctx.jwt_auth_payload):
--
--   priority 2510, type "auth", runs in rewrite.
--   route conf:    header (default "authorization"; "Bearer <token>" or the bare token),
--                  query (default "jwt"), cookie (default "jwt"),
--                  key_claim_name (default "key"), store_in_ctx (default false),
--                  hide_credentials (default false).
--   consumer conf: key (required), secret, algorithm (HS256 only here).
--   No token         -> 401 {"message":"Missing JWT token in request"}
--   Not a JWT        -> 401 {"message":"JWT token invalid"}
--   No key claim     -> 401 {"message":"missing user key in JWT token"}
--   Unknown key      -> 401 {"message":"Invalid user key in JWT token"}
--   Bad signature, another alg, expired (exp) or not yet valid (nbf)
--                    -> 401 {"message":"failed to verify jwt"}
-- Not emulated: RS*/ES* algorithms, base64_secret, lifetime_grace_period,
-- anonymous_consumer, secret references.

local core = require("apisix.core")
local consumers = require("tollgate_apisix_host.consumers")
local hs256_jwt = require("tollgate_test_jwt")

local plugin_name = "jwt-auth"

local schema = {
    type = "object",
    properties = {
        header = { type = "string", default = "authorization" },
        query = { type = "string", default = "jwt" },
        cookie = { type = "string", default = "jwt" },
        key_claim_name = { type = "string", default = "key", minLength = 1 },
        store_in_ctx = { type = "boolean", default = false },
        hide_credentials = { type = "boolean", default = false },
    },
}

local consumer_schema = {
    type = "object",
    properties = {
        key = { type = "string" },
        secret = { type = "string" },
        algorithm = { type = "string", enum = { "HS256" }, default = "HS256" },
    },
    required = { "key", "secret" },
}

local _M = {
    version = 0.1,
    priority = 2510,
    type = "auth",
    name = plugin_name,
    schema = schema,
    consumer_schema = consumer_schema,
}

function _M.check_schema(conf, schema_type)
    if schema_type == core.schema.TYPE_CONSUMER then
        return core.schema.check(consumer_schema, conf)
    end
    return core.schema.check(schema, conf)
end

local function token_of(ctx, conf)
    local value = core.request.header(ctx, conf.header)
    if value then
        local _, _, bearer = string.find(value, "^%s*[Bb][Ee][Aa][Rr][Ee][Rr]%s+(%S+)")
        return bearer or value, "header"
    end
    local arg = core.request.get_uri_args(ctx)[conf.query]
    if arg then
        return arg, "query"
    end
    return ctx.var["cookie_" .. conf.cookie], "cookie"
end

function _M.rewrite(conf, ctx)
    local token, from = token_of(ctx, conf)
    if not token or token == "" then
        return 401, { message = "Missing JWT token in request" }
    end
    local header, claims, signed, signature = hs256_jwt.decode(token)
    if not header then
        return 401, { message = "JWT token invalid" }
    end
    local key = claims[conf.key_claim_name]
    if key == nil then
        return 401, { message = "missing user key in JWT token" }
    end
    local consumer = consumers.find(plugin_name, tostring(key))
    if not consumer then
        return 401, { message = "Invalid user key in JWT token" }
    end
    local auth_conf = consumer.auth_conf
    local now = ngx.time()
    if header.alg ~= (auth_conf.algorithm or "HS256")
        or not hs256_jwt.hs256_valid(auth_conf.secret, signed, signature)
        or (claims.exp ~= nil and (type(claims.exp) ~= "number" or claims.exp <= now))
        or (claims.nbf ~= nil and (type(claims.nbf) ~= "number" or claims.nbf > now)) then
        return 401, { message = "failed to verify jwt" }
    end
    if conf.hide_credentials and from == "header" then
        core.request.set_header(ctx, conf.header, nil)
    end
    if conf.store_in_ctx then
        ctx.jwt_auth_payload = claims
    end
    consumers.attach(ctx, consumer)
end

return _M
