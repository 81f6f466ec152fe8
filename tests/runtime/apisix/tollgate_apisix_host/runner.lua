-- Runs plugin phases and merges consumer plugins, for the tollgate
-- APISIX-shaped TEST host (not a product; see init.lua).
--
-- As in apisix/plugin.lua run_plugin():
--   * rewrite / access: plugins are called as fn(conf, ctx) in list order; a
--     non-nil return (code [, body]) ends the request with
--     core.response.exit(code, body) and later plugins do not run. A code
--     >= 400 is logged at warn level and replaced by conf._meta.error_response
--     when that is set.
--   * header_filter / body_filter / log: every plugin runs, return values
--     are ignored.
--   * ctx._plugin_name holds the running plugin's name (core.response's
--     hold_body_chunk keys its buffer on it).
--   * Errors raised by a plugin are not caught here: ngx_lua logs
--     "lua entry thread aborted: runtime error: ..." and answers 500, exactly
--     what happens under APISIX.
--
-- Consumer merge (APISIX merge_consumer_route): once a consumer is known
-- after rewrite, the consumer group's plugins and then the consumer's own
-- plugins replace the route's ones of the same name. Plugins that came only
-- from the consumer/group and are not auth plugins get their rewrite run
-- ("rewrite_in_consumer"); then access runs over the merged list, and so do
-- header_filter, body_filter and log. ctx.conf_type gains "&consumer"
-- ("&consumer_group"), ctx.conf_id "&<consumer name>" ("&<group id>").
-- The merged runtime is cached per route and consumer name, in an LRU of 512
-- entries per worker (APISIX keeps merged routes in an lrucache of that size, so
-- memory does not grow with the number of consumers).

local response = require("apisix.core.response")
local plugins = require("tollgate_apisix_host.plugins")
local consumers = require("tollgate_apisix_host.consumers")
local clone = require("table.clone")
local lrucache = require("resty.lrucache")
local nkeys = require("table.nkeys")
local ngx = ngx
local ngx_log = ngx.log
local WARN = ngx.WARN
local ERR = ngx.ERR

-- Merged consumer runtimes kept per route and worker.
local MERGED_ROUTES = 512
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring

local resp_exit = response.exit

local _M = {}

-- rewrite / access / rewrite_in_consumer: stops at the first plugin that
-- answers. `list` is a flat name, fn, conf triple list.
function _M.run_until_exit(list, ctx)
    for i = 1, #list, 3 do
        local name = list[i]
        local conf = list[i + 2]
        ctx._plugin_name = name
        local code, body = list[i + 1](conf, ctx)
        ctx._plugin_name = nil
        if code or body then
            if code and code >= 400 then
                ngx_log(WARN, name, " exits with http status code ", code)
                local meta = conf._meta
                if meta and meta.error_response then
                    body = meta.error_response
                end
            end
            return resp_exit(code, body)
        end
    end
end

-- header_filter / body_filter / log: all plugins, results ignored.
function _M.run_all(list, ctx)
    for i = 1, #list, 3 do
        ctx._plugin_name = list[i]
        list[i + 1](list[i + 2], ctx)
    end
    ctx._plugin_name = nil
end

-- Global rules run with ctx.conf_* pointing at the (single, merged) global
-- rule, then restored, as APISIX does.
function _M.run_global(list, ctx, until_exit)
    if #list == 0 then
        return
    end
    local conf_type, conf_version, conf_id = ctx.conf_type, ctx.conf_version, ctx.conf_id
    ctx.conf_type = "global_rule"
    ctx.conf_version = 1
    ctx.conf_id = 1
    if until_exit then
        _M.run_until_exit(list, ctx)
    else
        _M.run_all(list, ctx)
    end
    ctx.conf_type, ctx.conf_version, ctx.conf_id = conf_type, conf_version, conf_id
end

local function has_plugins(map)
    return type(map) == "table" and nkeys(map) > 0
end

-- Builds the runtime of `rt` once `consumer` is known (see header).
local function build_consumer_rt(registry, rt, consumer, group)
    local crt = {
        conf_type = rt.conf_type .. "&consumer",
        conf_version = rt.conf_version .. "&" .. (consumer.modifiedIndex or 1),
        conf_id = rt.conf_id .. "&" .. (consumer.consumer_name or consumer.username or ""),
        changed = false,
    }
    if group then
        crt.conf_type = crt.conf_type .. "&consumer_group"
        crt.conf_version = crt.conf_version .. "&" .. group.modifiedIndex
        crt.conf_id = crt.conf_id .. "&" .. tostring(group.value.id)
    end

    local group_plugins = group and group.value.plugins
    if not has_plugins(consumer.plugins) and not has_plugins(group_plugins) then
        return crt
    end

    local route_plugins = rt.route.value.plugins
    local merged = clone(route_plugins)
    local from_consumer = {}
    for _, source in ipairs({ group_plugins or {}, consumer.plugins or {} }) do
        for name, conf in pairs(source) do
            if route_plugins[name] == nil then
                from_consumer[name] = true
            end
            merged[name] = conf
        end
    end

    local value = clone(rt.route.value)
    value.plugins = merged
    crt.route = { key = rt.route.key, value = value, modifiedIndex = rt.route.modifiedIndex }
    local ordered = plugins.ordered(registry, merged)
    crt.plugins = plugins.api_ctx_list(ordered)
    crt.phases = plugins.phase_lists(ordered)
    crt.rewrite_in_consumer = plugins.phase_lists(ordered, function(e)
        return not from_consumer[e.name] or e.plugin.type == "auth"
    end).rewrite
    crt.changed = true
    return crt
end

-- Applies the consumer merge to ctx after the rewrite phase. Returns false
-- when the request was ended (unknown consumer group).
function _M.merge_consumer(registry, rt, ctx)
    local consumer = ctx.consumer
    local key = consumer.consumer_name or consumer.username or ""
    local cache = rt.by_consumer
    if not cache then
        cache = lrucache.new(MERGED_ROUTES)
        rt.by_consumer = cache
    end
    local crt = cache:get(key)
    if not crt or crt.consumer ~= consumer then
        local group
        if consumer.group_id ~= nil then
            group = consumers.group(consumer.group_id)
            if not group then
                ngx_log(ERR, "failed to fetch consumer group config by id: ", consumer.group_id)
                resp_exit(503)
                return false
            end
        end
        crt = build_consumer_rt(registry, rt, consumer, group)
        crt.consumer = consumer
        cache:set(key, crt)
    end

    ctx.conf_type = crt.conf_type
    ctx.conf_version = crt.conf_version
    ctx.conf_id = crt.conf_id
    if crt.changed then
        ctx.matched_route = crt.route
        ctx.plugins = crt.plugins
        ctx._tg_phases = crt.phases
        _M.run_until_exit(crt.rewrite_in_consumer, ctx)
    end
    return true
end

return _M
