--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____http = require("tollgate.io.lua.http")
local httpGet = ____http.httpGet
local ____decide = require("tollgate.feature_toggle.decide")
local remoteFlagsFrom = ____decide.remoteFlagsFrom
local ____murmur3 = require("tollgate.feature_toggle.murmur3")
local murmur3 = ____murmur3.murmur3
local ____unleash_2Dpoll = require("tollgate.feature_toggle.unleash_poll")
local unleashPoll = ____unleash_2Dpoll.unleashPoll
local cjson = require("cjson.safe")
--- Sources this worker polls, by dict key prefix.
local polling = {}
--- This worker's compiled copy of each source's answer, with the version it came from.
local compiled = {}
local function keyOf(u)
    -- plugins/feature-toggle/lua/unleash.ts:30
    return "ft:" .. u.url .. ":" .. tostring(murmur3(u.api_token, 0))
end
local function poll(premature, u, key, appName)
    -- plugins/feature-toggle/lua/unleash.ts:35
    if premature then
        return
    end
    local dict = ngx.shared[u.dict]
    if dict == nil then
        return
    end
    local lockTtl = u.poll_interval * 0.9
    local locked = dict:add(key .. ":lock", true, lockTtl < 0.5 and 0.5 or lockTtl)
    if not locked then
        return
    end
    local etag = dict:get(key .. ":etag")
    local request = unleashPoll(
        u,
        appName,
        type(etag) == "string" and etag or nil
    )
    if request == nil then
        return
    end
    local response, err = httpGet(request, request.target.basePath .. request.path)
    if response == nil then
        ngx.log(
            ngx.WARN,
            "[feature-toggle] Unleash poll of " .. u.url .. " failed (keeping the last flags): " .. tostring(err)
        )
        return
    end
    if response.status == 304 then
        dict:set(
            key .. ":at",
            ngx.now()
        )
        return
    end
    if response.status ~= 200 then
        ngx.log(
            ngx.WARN,
            "[feature-toggle] Unleash answered " .. tostring(response.status) .. " (keeping the last flags)"
        )
        return
    end
    local decoded = cjson.decode(response.body)
    if remoteFlagsFrom(decoded) == nil then
        ngx.log(ngx.WARN, "[feature-toggle] Unleash answer is not a feature list (keeping the last flags)")
        return
    end
    local stored, setErr = dict:set(key .. ":body", response.body)
    if not stored then
        ngx.log(
            ngx.ERR,
            "[feature-toggle] cannot store Unleash flags in lua_shared_dict " .. u.dict .. ": " .. tostring(setErr)
        )
        return
    end
    dict:set(key .. ":etag", response.headers.etag or "")
    dict:set(
        key .. ":at",
        ngx.now()
    )
    dict:incr(key .. ":v", 1, 0)
end
local function startPolling(u, key, appName)
    -- plugins/feature-toggle/lua/unleash.ts:73
    if polling[key] == true then
        return
    end
    polling[key] = true
    ngx.timer.at(
        0,
        poll,
        u,
        key,
        appName
    )
    ngx.timer.every(
        u.poll_interval,
        poll,
        u,
        key,
        appName
    )
end
--- Flags read from bootstrap files, per worker, by path (false: unreadable, logged once).
local bootstrapped = {}
local function bootstrapFlags(path)
    -- plugins/feature-toggle/lua/unleash.ts:83
    if path == nil then
        return nil
    end
    local known = bootstrapped[path]
    if known ~= nil then
        local ____temp_0
        if known == false then
            ____temp_0 = nil
        else
            ____temp_0 = known
        end
        return ____temp_0
    end
    local file, openErr = io.open(path, "r")
    local remote
    if file ~= nil then
        local text = file:read("*a")
        file:close()
        local decoded = cjson.decode(type(text) == "string" and text or "")
        remote = remoteFlagsFrom(decoded)
    end
    if remote == nil then
        ngx.log(
            ngx.ERR,
            "[feature-toggle] bootstrap_file " .. path .. " is unreadable or not a feature list: " .. tostring(openErr or "bad JSON")
        )
    end
    bootstrapped[path] = remote or false
    return remote
end
--- The flags of the config's remote sources: the last Unleash answer, else the
-- bootstrap file, else undefined (use the inline flags).
function ____exports.unleashFlags(conf)
    -- plugins/feature-toggle/lua/unleash.ts:105
    local u = conf.unleash
    if u == nil then
        return bootstrapFlags(conf.bootstrap_file)
    end
    local key = keyOf(u)
    startPolling(u, key, conf.app_name or "tollgate")
    local dict = ngx.shared[u.dict]
    if dict == nil then
        return bootstrapFlags(conf.bootstrap_file)
    end
    local version = dict:get(key .. ":v")
    if type(version) ~= "number" then
        return bootstrapFlags(conf.bootstrap_file)
    end
    local cached = compiled[key]
    if cached ~= nil and cached.version == version then
        return cached.remote
    end
    local body = dict:get(key .. ":body")
    if type(body) ~= "string" then
        return cached and cached.remote
    end
    local decoded = cjson.decode(body)
    local remote = remoteFlagsFrom(decoded)
    if remote == nil then
        return cached and cached.remote
    end
    compiled[key] = {version = version, remote = remote}
    return remote
end
return ____exports
