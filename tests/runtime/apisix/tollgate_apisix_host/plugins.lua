-- Plugin loading, configuration checks and ordering for the tollgate
-- APISIX-shaped TEST host (not a product; see init.lua).
--
-- Mirrors apisix/plugin.lua where tollgate's plugins can tell:
--   * a plugin is require("apisix.plugins.<name>"); it must have `priority`,
--     `version` and a `schema` table; `_meta` (disable, priority,
--     error_response, ...) is injected into schema.properties as APISIX does,
--     so confs carrying `_meta` pass an `additionalProperties = false` schema;
--   * a plugin conf is checked with plugin.check_schema(conf, schema_type);
--     a failure is reported as
--     "failed to check the configuration of plugin <name> err: <err>";
--   * a conf naming a plugin that is not loaded is "unknown plugin [<name>]";
--   * plugins run in descending `priority` (or `_meta.priority`) order;
--     `_meta.disable = true` drops the plugin (plugin.lua filter /
--     check_disable); a conf that fails check_schema is still accepted when
--     its `_meta.disable` is true (check_single_plugin_schema);
--   * the conf a phase gets has its `$env://` references resolved
--     (plugin.lua filter -> resolve_plugin_conf; see secret.lua).
-- key-auth, jwt-auth and public-api are provided by the host itself
-- (key_auth.lua, jwt_auth.lua, public_api.lua) and always loaded.
--
-- Not emulated: `_meta.filter` and `_meta.pre_function` (rejected at start-up
-- so nobody believes they work), plugin attributes from config.yaml
-- (plugin.attr), plugin_metadata, stream plugins, wasm plugins,
-- workflow_handler, destroy/hot reload.

local key_auth = require("tollgate_apisix_host.key_auth")
local secret = require("tollgate_apisix_host.secret")
local jwt_auth = require("tollgate_apisix_host.jwt_auth")
local public_api = require("tollgate_apisix_host.public_api")
local pcall = pcall
local require = require
local type = type
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local error = error
local tab_sort = table.sort

local _M = {}

-- The phases a plugin can take part in, in the order they run.
_M.PHASES = { "rewrite", "access", "header_filter", "body_filter", "log" }

-- APISIX's injected schema (apisix/schema_def.lua plugin_injected_schema,
-- 3.18.0): `_meta` and the `$comment` that marks a schema as injected.
local INJECTED_COMMENT = "this is a mark for our injected plugin schema"
local meta_schema = {
    type = "object",
    properties = {
        disable = { type = "boolean" },
        error_response = { oneOf = { { type = "string" }, { type = "object" } } },
        priority = { type = "integer" },
        filter = { type = "array" },
        pre_function = { type = "string" },
    },
    additionalProperties = false,
}

local function load_one(name)
    if name == "key-auth" then
        return key_auth
    end
    if name == "jwt-auth" then
        return jwt_auth
    end
    if name == "public-api" then
        return public_api
    end
    local ok, plugin = pcall(require, "apisix.plugins." .. name)
    if not ok then
        error("failed to load plugin [" .. name .. "] err: " .. tostring(plugin), 0)
    end
    if type(plugin) ~= "table" then
        error("invalid plugin [" .. name .. "]: module apisix.plugins." .. name
            .. " did not return a table", 0)
    end
    if not plugin.priority then
        error("invalid plugin [" .. name .. "], missing field: priority", 0)
    end
    if not plugin.version then
        error("invalid plugin [" .. name .. "] missing field: version", 0)
    end
    if type(plugin.schema) ~= "table" then
        error("invalid plugin [" .. name .. "] schema field", 0)
    end
    if not plugin.schema.properties then
        plugin.schema.properties = {}
    end
    -- As apisix/plugin.lua load_plugin: a schema not yet marked must not
    -- declare `_meta` itself; it gets APISIX's and the mark.
    if plugin.schema["$comment"] ~= INJECTED_COMMENT then
        if plugin.schema.properties._meta then
            error("invalid plugin [" .. name .. "]: found forbidden '_meta' field in the schema", 0)
        end
        plugin.schema.properties._meta = meta_schema
        plugin.schema["$comment"] = INJECTED_COMMENT
    end
    plugin.name = name
    return plugin
end

-- names: array of plugin names. Returns name -> plugin module.
function _M.load(names)
    local registry = { ["key-auth"] = key_auth, ["jwt-auth"] = jwt_auth, ["public-api"] = public_api }
    for _, name in ipairs(names) do
        registry[name] = load_one(name)
    end
    -- public-api serves the api() routes of every loaded plugin (apisix/api_router.lua).
    public_api.set_registry(registry)
    -- the control server serves their control_api() routes (apisix/control/router.lua).
    require("tollgate_apisix_host.control").set_registry(registry)
    return registry
end

-- Calls plugin.init() in every worker, as APISIX does while (re)loading its
-- plugins in init_worker (timers are allowed there, not in init).
function _M.init_worker(registry)
    local names = {}
    for name in pairs(registry) do
        names[#names + 1] = name
    end
    tab_sort(names)
    for _, name in ipairs(names) do
        local plugin = registry[name]
        if type(plugin.init) == "function" then
            plugin.init()
        end
    end
end

-- Sort order of plugins (anything with .priority and .name): higher priority
-- first, then by name, as apisix/plugin.lua orders them.
function _M.higher_priority_first(a, b)
    if a.priority ~= b.priority then
        return a.priority > b.priority
    end
    return a.name < b.name
end

local function is_disabled(conf)
    return type(conf._meta) == "table" and conf._meta.disable == true
end

-- Checks every conf of one `plugins` map; raises on the first failure.
-- `where` names the owning item, e.g. 'route "r1"'.
function _M.check_confs(registry, plugins_conf, schema_type, where)
    local names = {}
    for name in pairs(plugins_conf) do
        names[#names + 1] = name
    end
    tab_sort(names)
    for _, name in ipairs(names) do
        local conf = plugins_conf[name]
        local err
        if type(conf) ~= "table" then
            err = "invalid plugin conf " .. require("cjson.safe").encode(conf)
                .. " for plugin [" .. name .. "]"
        elseif not registry[name] then
            err = "unknown plugin [" .. name .. "]"
        else
            local plugin = registry[name]
            if plugin.check_schema then
                local ok, check_err = plugin.check_schema(conf, schema_type)
                if not ok and not is_disabled(conf) then
                    err = "failed to check the configuration of plugin " .. name
                        .. " err: " .. tostring(check_err)
                end
            end
            if not err and type(conf._meta) == "table"
                and (conf._meta.filter or conf._meta.pre_function) then
                err = "plugin " .. name .. ": _meta.filter / _meta.pre_function are not "
                    .. "emulated by the tollgate APISIX test host"
            end
        end
        if err then
            error(where .. ": " .. err, 0)
        end
    end
end

-- Turns a plugins map into the run order: an array of
-- { name, plugin, conf, priority }, highest priority first (ties by name so
-- runs are reproducible). Disabled plugins are left out.
function _M.ordered(registry, plugins_conf)
    local list = {}
    for name, conf in pairs(plugins_conf or {}) do
        local plugin = registry[name]
        if plugin and type(conf) == "table" and not is_disabled(conf) then
            local priority = plugin.priority
            if type(conf._meta) == "table" and conf._meta.priority then
                priority = conf._meta.priority
            end
            list[#list + 1] = { name = name, plugin = plugin, conf = secret.resolve_conf(conf),
                                priority = priority }
        end
    end
    tab_sort(list, _M.higher_priority_first)
    return list
end

-- Flat per-phase call lists, stride 3: name, phase function, conf. Plugins
-- without a function for a phase are not in that phase's list, so the
-- request path never tests for absent handlers. `skip` (optional) is a
-- predicate(entry, phase) that leaves an entry out.
function _M.phase_lists(ordered, skip)
    local lists = {}
    for _, phase in ipairs(_M.PHASES) do
        local flat = {}
        for _, e in ipairs(ordered) do
            local fn = e.plugin[phase]
            if type(fn) == "function" and not (skip and skip(e, phase)) then
                flat[#flat + 1] = e.name
                flat[#flat + 1] = fn
                flat[#flat + 1] = e.conf
            end
        end
        lists[phase] = flat
    end
    return lists
end

-- APISIX's api_ctx.plugins shape: plugin, conf, plugin, conf, ...
function _M.api_ctx_list(ordered)
    local flat = {}
    for _, e in ipairs(ordered) do
        flat[#flat + 1] = e.plugin
        flat[#flat + 1] = e.conf
    end
    return flat
end

return _M
