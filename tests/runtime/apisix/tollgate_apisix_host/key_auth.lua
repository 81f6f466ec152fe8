-- key-auth, implemented by the tollgate APISIX-shaped TEST host (not a
-- product; see init.lua). Written from APISIX 3.x apisix/plugins/key-auth.lua
-- behaviour so tollgate's plugins see the same ctx after authentication:
--
--   priority 2500, type "auth", runs in rewrite.
--   route conf:    header (default "apikey"), query (default "apikey"),
--                  hide_credentials (default false), realm (default "key"),
--                  anonymous_consumer (consumer username).
--   consumer conf: key (required).
--   The key is read from the header first, then from the query argument.
--   No key  -> 401 {"message":"Missing API key in request"}
--   Bad key -> 401 {"message":"Invalid API key in request"}
--   (both with WWW-Authenticate: apikey realm="<realm>"); with
--   anonymous_consumer set, the request continues as that consumer instead,
--   or gets 401 {"message":"Invalid user authorization"} if it does not exist.
--   On success: ctx.consumer / consumer_name / consumer_group_id are set and
--   the upstream gets X-Consumer-Username, X-Credential-Identifier (only when
--   the key belongs to a credential item) and X-Consumer-Custom-ID
--   (labels.custom_id), each cleared when the consumer has no such value.
--
-- Not emulated: multi-auth integration, secret references ($env://,
-- $secret://) in keys, encrypted fields.

local core = require("apisix.core")
local consumers = require("tollgate_apisix_host.consumers")

local plugin_name = "key-auth"

local schema = {
    type = "object",
    properties = {
        header = { type = "string", default = "apikey" },
        query = { type = "string", default = "apikey" },
        -- printable ASCII except '"' and '\', as APISIX's realm schema
        realm = {
            type = "string",
            pattern = [[^[\x20-\x21\x23-\x5B\]-\x7E]+$]],
            default = "key",
            minLength = 1,
            maxLength = 128,
        },
        hide_credentials = { type = "boolean", default = false },
        anonymous_consumer = { type = "string", minLength = 1 },
    },
}

local consumer_schema = {
    type = "object",
    properties = {
        key = { type = "string" },
    },
    required = { "key" },
}

local _M = {
    version = 0.1,
    priority = 2500,
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

local function strip_credentials(ctx, conf, from_header)
    if from_header then
        core.request.set_header(ctx, conf.header, nil)
    else
        local args = core.request.get_uri_args(ctx)
        args[conf.query] = nil
        core.request.set_uri_args(ctx, args)
    end
end

-- consumer, or nil plus the client-facing message
local function find_consumer(ctx, conf)
    local from_header = true
    local key = core.request.header(ctx, conf.header)
    if not key then
        key = core.request.get_uri_args(ctx)[conf.query]
        from_header = false
    end
    if not key then
        return nil, "Missing API key in request"
    end

    local consumer, err = consumers.find(plugin_name, key)
    if not consumer then
        core.log.warn("failed to find consumer: ", err or "invalid api key")
        return nil, "Invalid API key in request"
    end

    if conf.hide_credentials then
        strip_credentials(ctx, conf, from_header)
    end
    return consumer
end

function _M.rewrite(conf, ctx)
    local consumer, err = find_consumer(ctx, conf)
    if not consumer then
        if not conf.anonymous_consumer then
            core.response.set_header("WWW-Authenticate", "apikey realm=\"" .. conf.realm .. "\"")
            return 401, { message = err }
        end
        -- an invalid credential must not reach the upstream during the
        -- anonymous fallback either
        if conf.hide_credentials then
            if core.request.header(ctx, conf.header) then
                strip_credentials(ctx, conf, true)
            end
            if core.request.get_uri_args(ctx)[conf.query] then
                strip_credentials(ctx, conf, false)
            end
        end
        consumer = consumers.get(conf.anonymous_consumer)
        if not consumer then
            core.response.set_header("WWW-Authenticate", "apikey realm=\"" .. conf.realm .. "\"")
            core.log.error("key-auth failed to authenticate the request, code: 401. error: ",
                "failed to get anonymous consumer ", conf.anonymous_consumer)
            return 401, { message = "Invalid user authorization" }
        end
    end
    consumers.attach(ctx, consumer)
end

return _M
