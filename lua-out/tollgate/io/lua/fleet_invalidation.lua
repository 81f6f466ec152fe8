local ____lualib = require("tollgate.lualib_bundle")
local __TS__New = ____lualib.__TS__New
local ____exports = {}
local startWatch, connectionOf, apply, seen, nodeId, lastApplied, fleetPosition, renew, report, watch, pause, listen, subscribed, cjson, CONF_KEY, LEADER_KEY, SEEN_KEY, GENERATION_KEY, NODE_KEY, LEADER_TTL_S, WATCH_INTERVAL_S, READ_TIMEOUT_MS, POSITION, decoded, watching, failures
local ____invalidation_2Dversion = require("tollgate.core.invalidation_version")
local dropForMessage = ____invalidation_2Dversion.dropForMessage
local dropForResync = ____invalidation_2Dversion.dropForResync
local invalidationKeys = ____invalidation_2Dversion.invalidationKeys
local parseInvalidation = ____invalidation_2Dversion.parseInvalidation
local reconnectDelay = ____invalidation_2Dversion.reconnectDelay
local ____log_2Dthrottle = require("tollgate.core.log_throttle")
local LogThrottle = ____log_2Dthrottle.LogThrottle
local ____failure_2Dbackoff = require("tollgate.io.failure_backoff")
local FAILURE_BACKOFF_S = ____failure_2Dbackoff.FAILURE_BACKOFF_S
local ____cache_2Depoch = require("tollgate.io.lua.cache_epoch")
local dropAll = ____cache_2Depoch.dropAll
local dropSubject = ____cache_2Depoch.dropSubject
local ____log_2Dgate = require("tollgate.io.lua.log_gate")
local logGate = ____log_2Dgate.logGate
local ____redis = require("tollgate.io.lua.redis")
local dedicatedConnection = ____redis.dedicatedConnection
local ____resp = require("tollgate.io.lua.resp")
local command = ____resp.command
local readReply = ____resp.readReply
function startWatch(dictName)
    -- plugins/io/lua/fleet-invalidation.ts:117
    local ok, err = ngx.timer.at(0, watch, dictName)
    if ok then
        watching[dictName] = true
    else
        ngx.log(
            ngx.ERR,
            "[tollgate] fleet invalidation of '" .. dictName .. "': cannot start a timer: " .. tostring(err)
        )
    end
end
function connectionOf(dict)
    -- plugins/io/lua/fleet-invalidation.ts:124
    local json = dict:get(CONF_KEY)
    if type(json) ~= "string" then
        return nil
    end
    local conf = decoded[json]
    if conf == nil then
        local value = cjson.decode(json)
        if type(value) ~= "table" then
            return nil
        end
        conf = value
        decoded[json] = conf
    end
    return conf
end
function apply(dict, drop, subject)
    -- plugins/io/lua/fleet-invalidation.ts:155
    if drop == "one" and subject ~= nil then
        dropSubject(dict, subject)
    elseif drop == "all" then
        dropAll(dict)
    end
end
function seen(dict)
    -- plugins/io/lua/fleet-invalidation.ts:160
    local value = dict:get(SEEN_KEY)
    return type(value) == "number" and value or nil
end
function nodeId(dict)
    -- plugins/io/lua/fleet-invalidation.ts:166
    local id = dict:get(NODE_KEY)
    if type(id) == "string" then
        return id
    end
    dict:add(
        NODE_KEY,
        "n" .. tostring(ngx.worker.pid()) .. "-" .. tostring(math.random(1, 2 ^ 30)) .. "-" .. tostring(math.floor(ngx.now() * 1000))
    )
    local made = dict:get(NODE_KEY)
    return type(made) == "string" and made or "unknown"
end
function lastApplied(dict)
    -- plugins/io/lua/fleet-invalidation.ts:175
    local version = seen(dict)
    local generation = dict:get(GENERATION_KEY)
    local ____temp_0
    if version == nil or type(generation) ~= "string" then
        ____temp_0 = nil
    else
        ____temp_0 = {generation = generation, version = version}
    end
    return ____temp_0
end
function fleetPosition(conf, keys)
    -- plugins/io/lua/fleet-invalidation.ts:185
    local sock, connectErr = dedicatedConnection(conf)
    if sock == nil then
        return nil, connectErr
    end
    local candidate = tostring(ngx.worker.pid()) .. "-" .. tostring(ngx.now()) .. "-" .. tostring(math.random(1, 2 ^ 30))
    local reply, err = command(sock, {
        "EVAL",
        POSITION,
        2,
        keys.version,
        keys.generation,
        candidate
    })
    sock:close()
    local parts = reply
    if type(reply) ~= "table" or type(parts[1]) ~= "string" or type(parts[2]) ~= "number" then
        return nil, err or "unexpected reply " .. tostring(reply)
    end
    return {generation = parts[1], version = parts[2]}, nil
end
function renew(dict, token)
    -- plugins/io/lua/fleet-invalidation.ts:197
    local holder = dict:get(LEADER_KEY)
    if holder ~= nil and holder ~= token then
        return false
    end
    dict:set(LEADER_KEY, token, LEADER_TTL_S)
    return true
end
function report(dictName, message)
    -- plugins/io/lua/fleet-invalidation.ts:204
    local count = failures:occurrence(
        ngx.now(),
        logGate(dictName)
    )
    if count > 0 then
        ngx.log(
            ngx.WARN,
            "[tollgate] fleet invalidation of '" .. dictName .. "': " .. message .. " (" .. tostring(count) .. " time(s) since the last report); invalidations from other nodes are missed until it reconnects, then this node drops its whole cache"
        )
    end
end
function watch(premature, dictName)
    -- plugins/io/lua/fleet-invalidation.ts:209
    if premature or ngx.worker.exiting() then
        return
    end
    local dict = ngx.shared[dictName]
    if dict == nil then
        return
    end
    if connectionOf(dict) ~= nil then
        local token = tostring(ngx.worker.pid())
        local won = dict:add(LEADER_KEY, token, LEADER_TTL_S)
        if won then
            listen(dictName, dict, token)
            local holder = dict:get(LEADER_KEY)
            if holder == token then
                dict:delete(LEADER_KEY)
            end
        end
    end
    if ngx.worker.exiting() then
        return
    end
    local ok, err = ngx.timer.at(WATCH_INTERVAL_S, watch, dictName)
    if not ok then
        watching[dictName] = nil
        ngx.log(
            ngx.ERR,
            "[tollgate] fleet invalidation of '" .. dictName .. "': cannot reschedule: " .. tostring(err)
        )
    end
end
function pause(dict, token, seconds)
    -- plugins/io/lua/fleet-invalidation.ts:231
    local left = seconds
    while left > 0 do
        local step = math.min(left, READ_TIMEOUT_MS / 1000)
        ngx.sleep(step)
        left = left - step
        if ngx.worker.exiting() or not renew(dict, token) then
            return false
        end
    end
    return true
end
function listen(dictName, dict, token)
    -- plugins/io/lua/fleet-invalidation.ts:245
    local keys = invalidationKeys(dictName)
    local failed = 0
    while not ngx.worker.exiting() and renew(dict, token) do
        local conf = connectionOf(dict)
        if conf == nil then
            return
        end
        local problem = subscribed(
            dictName,
            dict,
            token,
            conf,
            keys
        )
        if problem == nil then
            return
        end
        failed = failed + 1
        report(dictName, problem)
        if not pause(
            dict,
            token,
            reconnectDelay(failed, FAILURE_BACKOFF_S)
        ) then
            return
        end
    end
end
function subscribed(dictName, dict, token, conf, keys)
    -- plugins/io/lua/fleet-invalidation.ts:263
    local sock, connectErr = dedicatedConnection(conf)
    if sock == nil then
        return connectErr
    end
    local reply, subscribeErr = command(sock, {"SUBSCRIBE", keys.channel})
    if reply == nil or reply == false then
        sock:close()
        return "SUBSCRIBE: " .. tostring(subscribeErr)
    end
    local fleet, positionErr = fleetPosition(conf, keys)
    if fleet == nil then
        sock:close()
        return "reading the version: " .. tostring(positionErr)
    end
    local last = lastApplied(dict)
    local drop = dropForResync(last, fleet)
    apply(dict, drop, nil)
    dict:set(SEEN_KEY, fleet.version)
    dict:set(GENERATION_KEY, fleet.generation)
    ngx.log(
        ngx.NOTICE,
        "[tollgate] fleet invalidation of '" .. dictName .. "': subscribed at version " .. tostring(fleet.version) .. " (last applied " .. tostring(last == nil and "none" or last.version) .. ")" .. (last ~= nil and last.generation ~= fleet.generation and " of another Redis generation" or "") .. (drop == "all" and ": dropped this node's cache" or "")
    )
    sock:settimeout(READ_TIMEOUT_MS)
    do
        while true do
            do
                local message, err = readReply(sock)
                if message == nil then
                    if err ~= "timeout" then
                        sock:close()
                        return "connection lost: " .. tostring(err)
                    end
                    if ngx.worker.exiting() or not renew(dict, token) or connectionOf(dict) ~= conf then
                        sock:close()
                        return nil
                    end
                    goto __continue62
                end
                local parts = message
                if type(message) ~= "table" or parts[1] ~= "message" or type(parts[3]) ~= "string" then
                    goto __continue62
                end
                local parsed = parseInvalidation(parts[3])
                if parsed == nil then
                    goto __continue62
                end
                local messageDrop = dropForMessage(
                    seen(dict),
                    parsed.version
                )
                if messageDrop ~= "one" or parsed.origin ~= nodeId(dict) then
                    apply(dict, messageDrop, parsed.subject)
                end
                if messageDrop ~= "none" then
                    dict:set(SEEN_KEY, parsed.version)
                end
            end
            ::__continue62::
        end
    end
end
cjson = require("cjson.safe")
CONF_KEY = "fleet:conf"
LEADER_KEY = "fleet:leader"
SEEN_KEY = "fleet:seen"
GENERATION_KEY = "fleet:generation"
NODE_KEY = "fleet:node"
LEADER_TTL_S = 5
WATCH_INTERVAL_S = 1
READ_TIMEOUT_MS = 1000
--- Seconds between two error-log lines about a failing subscription, per node.
local LOG_INTERVAL_S = 60
POSITION = "redis.call('SET', KEYS[2], ARGV[1], 'NX') return {redis.call('GET', KEYS[2]), tonumber(redis.call('GET', KEYS[1]) or '0')}"
--- INCR and PUBLISH in one script: versions go out in the order they were taken.
local PUBLISH = "local v = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', ARGV[1], v .. ' ' .. ARGV[2]) return v"
decoded = {}
watching = {}
local pending = {}
failures = __TS__New(LogThrottle, LOG_INTERVAL_S, "fleet-invalidation")
--- The connection fields only, without the hosts' null placeholders (Kong fills absent
-- fields with ngx.null), as JSON with sorted keys: every worker and config with the
-- same settings writes the same text, so the listener never takes it for a change.
local function connectionJson(conf)
    -- plugins/io/lua/fleet-invalidation.ts:74
    local fields = {}
    for field, value in pairs(conf) do
        local kind = type(value)
        if kind == "string" or kind == "number" or kind == "boolean" then
            fields[#fields + 1] = field
        end
    end
    table.sort(fields)
    local parts = {}
    local source = conf
    for ____, field in ipairs(fields) do
        local key = cjson.encode(field)
        local value = cjson.encode(source[field])
        if key == nil or value == nil then
            return nil
        end
        parts[#parts + 1] = key .. ":" .. value
    end
    return "{" .. table.concat(parts, ",") .. "}"
end
--- Invalidations of `dictName` go through the Redis `conf` from now on, on this node;
-- and this worker takes part in listening (when called before timers are allowed, from
-- the first startFleetWatches). Cheap when nothing changed.
function ____exports.useFleetInvalidation(dictName, conf)
    -- plugins/io/lua/fleet-invalidation.ts:97
    local dict = ngx.shared[dictName]
    if dict == nil then
        return
    end
    local json = connectionJson(conf)
    if json == nil then
        return
    end
    local stored = dict:get(CONF_KEY)
    if stored ~= json then
        dict:set(CONF_KEY, json)
    end
    if watching[dictName] == true then
        return
    end
    if ngx.get_phase() == "init" then
        pending[dictName] = true
        return
    end
    startWatch(dictName)
end
--- Starts the watch of every dict seen while timers were not allowed (call from init_worker).
function ____exports.startFleetWatches()
    -- plugins/io/lua/fleet-invalidation.ts:113
    for dictName in pairs(pending) do
        startWatch(dictName)
    end
end
--- Publishes the invalidation of `subject` to the fleet when `dict` has fleet-wide
-- invalidation; undefined when done (or per node), else the error.
function ____exports.publishInvalidation(dictName, dict, subject)
    -- plugins/io/lua/fleet-invalidation.ts:141
    local conf = connectionOf(dict)
    if conf == nil then
        return nil
    end
    local keys = invalidationKeys(dictName)
    local sock, connectErr = dedicatedConnection(conf)
    if sock == nil then
        return connectErr
    end
    local reply, err = command(
        sock,
        {
            "EVAL",
            PUBLISH,
            1,
            keys.version,
            keys.channel,
            nodeId(dict) .. " " .. subject
        }
    )
    sock:close()
    if type(reply) ~= "number" then
        return "publishing: " .. (err or tostring(reply))
    end
    return nil
end
return ____exports
