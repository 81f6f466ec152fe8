-- Secret references in plugin confs, for the tollgate APISIX-shaped TEST host
-- (not a product; see init.lua).
--
-- Written from APISIX 3.18.0 (read, not copied):
--   * a reference is a string starting with "$secret://", or with "$env://"
--     in any letter case (apisix/secret.lua is_secret_ref); core.schema.check
--     skips a string schema for one (jsonschema's skip_validation hook, set in
--     apisix/core/schema.lua create_validator; see apisix/core/schema.lua here);
--   * before a request's phases run, apisix/plugin.lua filter() replaces each
--     plugin conf holding a reference by a deep copy with every reference, at
--     any depth and in any field, resolved (resolve_plugin_conf ->
--     secret.fetch_secrets), cached per conf; check_schema saw the original;
--   * "$env://NAME" reads NAME, "$env://NAME/sub" the key "sub" of the JSON
--     object in NAME (apisix/core/env.lua fetch_by_uri), from a snapshot of the
--     process environment taken in init_by_lua, in the master (core.env.init,
--     called from http_init), so a variable the gateway was started with is
--     found without an nginx `env` directive; this host snapshots there too;
--   * a reference that does not resolve is logged ("failed to resolve secret
--     reference: ...") and kept as it is (retrieve_refs).
-- Not emulated: "$secret://" managers (vault, aws, gcp): the `secrets`
-- resource is refused at start-up (config.lua), so, as in an APISIX with no
-- secret manager configured, such a reference never resolves; the
-- lrucache TTLs (an env snapshot does not change, so resolving once is the same).

local read_environ = require("tollgate_test_environ")
local deepcopy = require("apisix.core.table").deepcopy
local cjson = require("cjson.safe")

local type = type
local pairs = pairs
local sub = string.sub
local find = string.find
local upper = string.upper
local ngx = ngx

local _M = {}

local ENV -- name -> value, snapshot (see the header)

-- Takes the environment snapshot; called from init_by_lua.
function _M.init()
    ENV = read_environ()
end

local ENV_PREFIX = "$ENV://"
local SECRET_PREFIX = "$secret://"

function _M.is_secret_ref(value)
    if type(value) ~= "string" or sub(value, 1, 1) ~= "$" then
        return false
    end
    return sub(value, 1, #SECRET_PREFIX) == SECRET_PREFIX
        or upper(sub(value, 1, #ENV_PREFIX)) == ENV_PREFIX
end

-- Value of a reference, or nil and why.
local function fetch(ref)
    if upper(sub(ref, 1, #ENV_PREFIX)) ~= ENV_PREFIX then
        return nil, "no secret manager configured"
    end
    local path = sub(ref, #ENV_PREFIX + 1)
    local slash = find(path, "/", 1, true)
    local name = slash and sub(path, 1, slash - 1) or path
    local value = (ENV or {})[name] or os.getenv(name)
    if value == nil or not slash or slash == #path then
        return value
    end
    local decoded, err = cjson.decode(value)
    if type(decoded) ~= "table" then
        return nil, "decode failed, err: " .. tostring(err) .. ", value: " .. value
    end
    return decoded[sub(path, slash + 1)]
end

local function has_ref(t)
    for _, v in pairs(t) do
        if type(v) == "string" then
            if _M.is_secret_ref(v) then
                return true
            end
        elseif type(v) == "table" and has_ref(v) then
            return true
        end
    end
    return false
end

local function resolve_in(t)
    for k, v in pairs(t) do
        if type(v) == "string" then
            if _M.is_secret_ref(v) then
                local value, err = fetch(v)
                if value == nil then
                    ngx.log(ngx.ERR, "failed to resolve secret reference: ", v, ", field: ", k,
                            ", err: ", err or "no value")
                else
                    t[k] = value
                end
            end
        elseif type(v) == "table" then
            resolve_in(v)
        end
    end
end

local resolved = setmetatable({}, { __mode = "k" })

-- The conf the phases get: `conf` itself without references, else its
-- resolved copy (the same copy every time).
function _M.resolve_conf(conf)
    local out = resolved[conf]
    if out == nil then
        out = conf
        if has_ref(conf) then
            out = deepcopy(conf)
            resolve_in(out)
        end
        resolved[conf] = out
    end
    return out
end

return _M
