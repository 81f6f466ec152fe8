-- Standalone configuration (apisix.yaml, as decoded JSON) -> the precomputed
-- runtime of the tollgate APISIX-shaped TEST host (not a product; see
-- init.lua).
--
-- Everything that APISIX works out per request and caches (service and
-- plugin_config merges, the filtered and sorted plugin list) is done here
-- once, so the request path only matches a route and walks flat lists.
--
-- Merge rules, as in APISIX 3.x:
--   plugin_config: its plugins are added where the route has none of that name
--     (route wins), ctx.matched_route.modifiedIndex becomes "<route>#<pc>";
--   service: the route's plugins replace the service's plugins of the same
--     name; route upstream/upstream_id, name, labels win; conf_type
--     "route&service", conf_id "<route id>&<service id>";
--   global_rules: all rules' plugins merged; a plugin named in two rules is
--     dropped (APISIX logs an error and does the same); run_policy
--     "prefer_route" plugins are skipped on routes that configure them.
--   consumer / consumer group plugins: merged per request after
--     authentication (runner.lua).
--
-- Checked at start-up (an error stops nginx): every plugin conf via the
-- plugin's check_schema (consumers' and credentials' confs with
-- core.schema.TYPE_CONSUMER, all others with nil), unknown plugins, uri /
-- uris / methods, and references (service_id, plugin_config_id, upstream_id,
-- group_id) that name nothing -- APISIX would only fail those at request time.
-- Route fields this host cannot honour (host, hosts, remote_addrs, vars,
-- filter_func, script) and resources it does not emulate (ssls,
-- stream_routes, protos, plugin_metadata, secrets) are start-up errors too,
-- rather than silently ignored.

local plugins = require("tollgate_apisix_host.plugins")
local consumers = require("tollgate_apisix_host.consumers")
local schema = require("apisix.core.schema")
local clone = require("table.clone")
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local error = error
local next = next
local str_sub = string.sub

local _M = {}

local CONF_VERSION = 1

local unsupported_route_fields = {
    "host", "hosts", "remote_addr", "remote_addrs", "vars", "filter_func", "script", "script_id",
}
local unsupported_resources = { "ssls", "stream_routes", "protos", "plugin_metadata", "secrets" }
local http_methods = {
    GET = true, POST = true, PUT = true, DELETE = true, PATCH = true, HEAD = true,
    OPTIONS = true, CONNECT = true, TRACE = true, PURGE = true,
}

local function fail(where, msg)
    error(where .. ": " .. msg, 0)
end

-- Items are keyed by `id` (or `username`, or array position) as strings,
-- like APISIX's yaml config provider does.
local function index_by_id(items, kind)
    local byid = {}
    for idx, item in ipairs(items or {}) do
        if type(item) ~= "table" then
            fail(kind .. " #" .. idx, "not an object")
        end
        local id = item.id ~= nil and tostring(item.id) or item.username or ("arr_" .. idx)
        if byid[id] then
            fail(kind .. " \"" .. id .. "\"", "duplicate id")
        end
        byid[id] = item
    end
    return byid
end

local function check_plugins(registry, item, schema_type, where)
    if item.plugins ~= nil then
        if type(item.plugins) ~= "table" then
            fail(where, "plugins must be an object")
        end
        plugins.check_confs(registry, item.plugins, schema_type, where)
    end
end

local function check_route_fields(route, where)
    for _, field in ipairs(unsupported_route_fields) do
        if route[field] ~= nil then
            fail(where, "route field \"" .. field .. "\" is not emulated by the tollgate "
                .. "APISIX test host")
        end
    end
    local uris = route.uris
    if route.uri ~= nil then
        uris = { route.uri }
    end
    if type(uris) ~= "table" or #uris == 0 then
        fail(where, "needs uri or uris")
    end
    for _, uri in ipairs(uris) do
        if type(uri) ~= "string" or str_sub(uri, 1, 1) ~= "/" then
            fail(where, "invalid uri " .. tostring(uri))
        end
    end
    if route.methods ~= nil then
        if type(route.methods) ~= "table" then
            fail(where, "methods must be an array")
        end
        for _, m in ipairs(route.methods) do
            if not http_methods[m] then
                fail(where, "unknown method " .. tostring(m))
            end
        end
    end
    return uris
end

-- route object as APISIX keeps it: { key, value, modifiedIndex }
local function merge_route(route, id, services, plugin_configs)
    local value = clone(route)
    value.id = id
    value.plugins = clone(route.plugins or {})
    local modified = CONF_VERSION

    if route.plugin_config_id ~= nil then
        local pc = plugin_configs[tostring(route.plugin_config_id)]
        for name, conf in pairs(pc.plugins or {}) do
            if value.plugins[name] == nil then
                value.plugins[name] = conf
            end
        end
        modified = CONF_VERSION .. "#" .. CONF_VERSION
    end

    local service
    if route.service_id ~= nil then
        service = services[tostring(route.service_id)]
        local merged = clone(service)
        merged.service_id = tostring(service.id)
        merged.id = id
        merged.plugins = clone(service.plugins or {})
        for name, conf in pairs(value.plugins) do
            merged.plugins[name] = conf
        end
        if value.upstream then
            merged.upstream = value.upstream
            merged.upstream_id = nil
        end
        if value.upstream_id then
            merged.upstream_id = value.upstream_id
        end
        merged.name = value.name
        merged.labels = value.labels or merged.labels
        merged.uri, merged.uris, merged.methods = value.uri, value.uris, value.methods
        merged.priority, merged.status = value.priority, value.status
        merged.plugin_config_id = value.plugin_config_id
        value = merged
    end

    return { key = "/routes/" .. id, value = value, modifiedIndex = modified }, service
end

-- Global rules: one plugins map, like APISIX's merged "dummy" global rule.
local function merge_global_rules(rules)
    local merged, seen = {}, {}
    for _, rule in ipairs(rules or {}) do
        for name, conf in pairs(rule.plugins or {}) do
            if seen[name] then
                ngx.log(ngx.ERR, "Found ", name, " configured across different global rules.",
                    " Removing it from execution list")
                merged[name] = nil
            else
                merged[name] = conf
                seen[name] = true
            end
        end
    end
    return merged
end

local function global_lists(registry, global_plugins, route_plugins)
    local ordered = plugins.ordered(registry, global_plugins)
    return plugins.phase_lists(ordered, function(e)
        if e.plugin.run_policy ~= "prefer_route" or not route_plugins then
            return false
        end
        local rc = route_plugins[e.name]
        return type(rc) == "table" and not (type(rc._meta) == "table" and rc._meta.disable)
    end)
end

-- cfg: decoded apisix.yaml; registry: name -> plugin (plugins.load).
-- Returns { routes = {rt, ...}, global = phase lists for unmatched requests,
--           registry = registry, global_plugins = merged global map }.
function _M.compile(cfg, registry)
    if type(cfg) ~= "table" then
        error("apisix.yaml must be an object", 0)
    end
    for _, res in ipairs(unsupported_resources) do
        if type(cfg[res]) == "table" and next(cfg[res]) ~= nil then
            error("apisix.yaml: \"" .. res .. "\" is not emulated by the tollgate APISIX test host", 0)
        end
    end

    local upstreams = index_by_id(cfg.upstreams, "upstreams")
    local services = index_by_id(cfg.services, "services")
    local plugin_configs = index_by_id(cfg.plugin_configs, "plugin_configs")
    index_by_id(cfg.consumer_groups, "consumer_groups")
    index_by_id(cfg.consumers, "consumers")
    index_by_id(cfg.global_rules, "global_rules")

    -- 1. every plugin conf, resource by resource
    for id, svc in pairs(services) do
        local where = "services \"" .. id .. "\""
        check_plugins(registry, svc, nil, where)
        if svc.upstream_id ~= nil and not upstreams[tostring(svc.upstream_id)] then
            fail(where, "upstream " .. tostring(svc.upstream_id) .. " does not exist")
        end
    end
    for id, pc in pairs(plugin_configs) do
        check_plugins(registry, pc, nil, "plugin_configs \"" .. id .. "\"")
    end
    for _, g in ipairs(cfg.consumer_groups or {}) do
        check_plugins(registry, g, nil, "consumer_groups \"" .. tostring(g.id) .. "\"")
    end
    for _, c in ipairs(cfg.consumers or {}) do
        check_plugins(registry, c, schema.TYPE_CONSUMER,
            "consumers \"" .. tostring(c.id or c.username) .. "\"")
    end
    for idx, r in ipairs(cfg.routes or {}) do
        local id = r.id ~= nil and tostring(r.id) or ("arr_" .. idx)
        local where = "routes \"" .. id .. "\""
        check_route_fields(r, where)
        check_plugins(registry, r, nil, where)
        if r.service_id ~= nil and not services[tostring(r.service_id)] then
            fail(where, "service " .. tostring(r.service_id) .. " does not exist")
        end
        if r.plugin_config_id ~= nil and not plugin_configs[tostring(r.plugin_config_id)] then
            fail(where, "plugin_config " .. tostring(r.plugin_config_id) .. " does not exist")
        end
        if r.upstream_id ~= nil and not upstreams[tostring(r.upstream_id)] then
            fail(where, "upstream " .. tostring(r.upstream_id) .. " does not exist")
        end
    end
    for idx, rule in ipairs(cfg.global_rules or {}) do
        check_plugins(registry, rule, nil,
            "global_rules \"" .. tostring(rule.id or ("arr_" .. idx)) .. "\"")
    end

    -- 2. consumers (after their confs got their defaults)
    consumers.load(cfg)

    -- 3. route runtimes
    local global_plugins = merge_global_rules(cfg.global_rules)
    local has_prefer_route = false
    for name in pairs(global_plugins) do
        if registry[name] and registry[name].run_policy == "prefer_route" then
            has_prefer_route = true
        end
    end
    local global_default = global_lists(registry, global_plugins, nil)

    local routes = {}
    for idx, r in ipairs(cfg.routes or {}) do
        local id = r.id ~= nil and tostring(r.id) or ("arr_" .. idx)
        local route_obj, service = merge_route(r, id, services, plugin_configs)
        local value = route_obj.value
        local ordered = plugins.ordered(registry, value.plugins)

        local methods
        if r.methods then
            methods = {}
            for _, m in ipairs(r.methods) do
                methods[m] = true
            end
        end

        local rt = {
            id = id,
            name = r.name,
            uris = r.uri ~= nil and { r.uri } or r.uris,
            methods = methods,
            priority = r.priority or 0,
            disabled = r.status == 0,
            route = route_obj,
            ordered = ordered,
            plugins = plugins.api_ctx_list(ordered),
            phases = plugins.phase_lists(ordered),
            has_upstream = value.upstream ~= nil or value.upstream_id ~= nil,
            -- consumer name -> merged runtime: an LRU made per worker on first use (runner.lua)
            by_consumer = nil,
        }
        if service then
            rt.service_id = tostring(service.id)
            rt.service_name = service.name
            rt.conf_type = "route&service"
            rt.conf_version = route_obj.modifiedIndex .. "&" .. CONF_VERSION
            rt.conf_id = id .. "&" .. rt.service_id
        else
            rt.conf_type = "route"
            rt.conf_version = route_obj.modifiedIndex
            rt.conf_id = id
        end
        if has_prefer_route then
            rt.global = global_lists(registry, global_plugins, value.plugins)
        else
            rt.global = global_default
        end
        routes[#routes + 1] = rt
    end

    return {
        routes = routes,
        global = global_default,
        has_global = next(global_plugins) ~= nil,
        registry = registry,
    }
end

return _M
