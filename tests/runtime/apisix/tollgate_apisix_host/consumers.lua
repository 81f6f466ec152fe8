-- Consumers, credentials and consumer groups of the tollgate APISIX-shaped
-- TEST host (not a product; see init.lua).
--
-- Built once at start-up from apisix.yaml. A consumer is handed to plugins in
-- the shape APISIX's apisix/consumer.lua gives them: a copy of the
-- configured item (username, desc, labels, group_id, plugins, ...) plus
--   id = consumer_name = username, custom_id = labels.custom_id,
--   auth_conf = the auth plugin's conf that matched, modifiedIndex,
--   credential_id (only when it matched through a credential item).
-- Standalone credentials are consumer items whose id is
-- "<username>/credentials/<credential id>" (the key layout APISIX uses).
--
-- Differences from APISIX, on purpose: two consumers/credentials with the
-- same key-auth key, a group_id naming no consumer group, and a credential
-- whose consumer does not exist are start-up errors here (APISIX would let
-- the last one win / answer 503 / drop the credential at request time).

local request = require("apisix.core.request")
local clone = require("table.clone")
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local error = error

local _M = {}

-- name -> consumer object; plugin name -> key value -> consumer object
local by_name = {}
local by_key = {}
-- consumer group id -> { value = item, modifiedIndex = 1 }
local groups = {}

-- Which conf attribute identifies the consumer, per auth plugin the host
-- implements.
local key_attrs = { ["key-auth"] = "key", ["jwt-auth"] = "key" }

local CONF_VERSION = 1

local function new_consumer(item, name)
    local c = clone(item)
    c.id = name
    c.consumer_name = name
    c.username = c.username or name
    c.modifiedIndex = CONF_VERSION
    if type(c.labels) == "table" then
        c.custom_id = c.labels.custom_id
    end
    return c
end

local function index_key(plugin_name, consumer, auth_conf, where)
    local attr = key_attrs[plugin_name]
    if not attr then
        return
    end
    local value = auth_conf[attr]
    local keys = by_key[plugin_name]
    if not keys then
        keys = {}
        by_key[plugin_name] = keys
    end
    if keys[value] then
        error("duplicate " .. attr .. " of plugin " .. plugin_name .. " in " .. where
            .. " (also used by consumer " .. keys[value].consumer_name .. ")", 0)
    end
    local c = clone(consumer)
    c.auth_conf = auth_conf
    keys[value] = c
end

-- Loads consumer groups first, then consumers, then credentials (plugin
-- confs have already been schema-checked by the caller).
function _M.load(cfg)
    for _, g in ipairs(cfg.consumer_groups or {}) do
        groups[tostring(g.id)] = { value = g, modifiedIndex = CONF_VERSION }
    end

    local credentials = {}
    for _, item in ipairs(cfg.consumers or {}) do
        local id = item.id and tostring(item.id) or item.username
        local owner, cred_id = nil, nil
        if id then
            owner, cred_id = id:match("^([^/]+)/credentials/([^/]+)$")
        end
        if owner then
            credentials[#credentials + 1] = { owner = owner, id = cred_id, item = item }
        else
            if type(item.username) ~= "string" then
                error("invalid consumer: property \"username\" is required", 0)
            end
            if item.group_id ~= nil and not groups[tostring(item.group_id)] then
                error("consumer " .. item.username .. ": consumer group "
                    .. tostring(item.group_id) .. " does not exist", 0)
            end
            local c = new_consumer(item, item.username)
            by_name[item.username] = c
            for plugin_name, conf in pairs(item.plugins or {}) do
                index_key(plugin_name, c, conf, "consumer " .. item.username)
            end
        end
    end

    for _, cred in ipairs(credentials) do
        local owner = by_name[cred.owner]
        if not owner then
            error("credential " .. cred.owner .. "/credentials/" .. cred.id
                .. ": consumer " .. cred.owner .. " does not exist", 0)
        end
        local c = clone(owner)
        c.credential_id = cred.id
        for plugin_name, conf in pairs(cred.item.plugins or {}) do
            index_key(plugin_name, c, conf, "credential " .. cred.owner .. "/credentials/" .. cred.id)
        end
    end
end

-- Consumer whose `plugin_name` credential has attribute value `value`.
function _M.find(plugin_name, value)
    local keys = by_key[plugin_name]
    if not keys then
        return nil, "Missing related consumer"
    end
    return keys[value]
end

-- Every consumer (credentials excluded), for apisix/consumer.lua's consumers().
function _M.all()
    local out = {}
    for _, c in pairs(by_name) do
        out[#out + 1] = c
    end
    return out
end

function _M.get(name)
    return by_name[name]
end

function _M.group(id)
    return groups[tostring(id)]
end

-- What APISIX's consumer.attach_consumer does: remember the consumer on ctx
-- and tell the upstream who it is (nil values clear a client-sent header,
-- so a client cannot pose as a consumer).
function _M.attach(ctx, consumer)
    ctx.consumer = consumer
    ctx.consumer_name = consumer.consumer_name
    ctx.consumer_group_id = consumer.group_id
    ctx.consumer_ver = consumer.modifiedIndex
    request.set_header(ctx, "X-Consumer-Username", consumer.username)
    request.set_header(ctx, "X-Credential-Identifier", consumer.credential_id)
    request.set_header(ctx, "X-Consumer-Custom-ID", consumer.custom_id)
end

return _M
