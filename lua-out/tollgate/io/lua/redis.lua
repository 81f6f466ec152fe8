--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local connect, failed, newNodeLane, send, evalOn, PIPELINES
local ____redis_2Dslot = require("tollgate.io.redis_slot")
local keySlot = ____redis_2Dslot.keySlot
local ____redis_2Dcluster = require("tollgate.io.lua.redis_cluster")
local applyClusterSlots = ____redis_2Dcluster.applyClusterSlots
local clusterState = ____redis_2Dcluster.clusterState
local clusterStats = ____redis_2Dcluster.clusterStats
local redirection = ____redis_2Dcluster.redirection
local ____redis_2Dpipeline = require("tollgate.io.lua.redis_pipeline")
local newLane = ____redis_2Dpipeline.newLane
local pipelined = ____redis_2Dpipeline.pipelined
local ____resp = require("tollgate.io.lua.resp")
local command = ____resp.command
local isUnknownScript = ____resp.isUnknownScript
local scriptCommand = ____resp.scriptCommand
local ____client_2Dcert = require("tollgate.core.client_cert")
local clientCertificate = ____client_2Dcert.clientCertificate
local ____tls = require("tollgate.io.lua.tls")
local poolSecurity = ____tls.poolSecurity
local secure = ____tls.secure
function connect(p, node, dedicated)
    -- plugins/io/lua/redis.ts:120
    if dedicated == nil then
        dedicated = false
    end
    local sock = ngx.socket.tcp()
    sock:settimeout(p.timeoutMs)
    local options = p.connectOptions[node.addr]
    if options == nil then
        options = {pool = "tollgate:" .. node.addr .. ":" .. p.poolTag, pool_size = p.poolSize}
        p.connectOptions[node.addr] = options
    end
    if dedicated then
        options = {pool = "tollgate-dedicated:" .. node.addr .. ":" .. p.poolTag, pool_size = 1}
    end
    local ok, connectErr = sock:connect(node.host, node.port, options)
    if ok == nil then
        return nil, "connect: " .. tostring(connectErr)
    end
    local reused = sock:getreusedtimes()
    if reused ~= 0 then
        return sock, nil
    end
    local tls = p.tls
    if tls ~= nil then
        local insecure = secure(sock, {serverName = tls.serverName or node.host, verify = tls.verify, clientCert = tls.clientCert})
        if insecure ~= nil then
            return failed(sock, insecure)
        end
    end
    if p.password ~= nil then
        local res, authErr = command(sock, p.username == nil and ({"AUTH", p.password}) or ({"AUTH", p.username, p.password}))
        if res == nil or res == false then
            return failed(
                sock,
                "AUTH: " .. tostring(authErr)
            )
        end
    end
    if p.database ~= 0 then
        local res, selectErr = command(sock, {"SELECT", p.database})
        if res == nil or res == false then
            return failed(
                sock,
                "SELECT " .. tostring(p.database) .. ": " .. tostring(selectErr)
            )
        end
    end
    return sock, nil
end
function failed(sock, err)
    -- plugins/io/lua/redis.ts:151
    sock:close()
    return nil, err
end
function newNodeLane(p, lanes, node)
    -- plugins/io/lua/redis.ts:166
    local lane = newLane(
        function()
            -- plugins/io/lua/redis.ts:171
            return connect(p, node)
        end,
        function(sock)
            -- plugins/io/lua/redis.ts:172
            return sock:setkeepalive(p.keepaliveMs, p.poolSize)
        end,
        2 * 5 * p.timeoutMs / 1000,
        3 * p.timeoutMs / 1000,
        PIPELINES
    )
    lanes[node.addr] = lane
    return lane
end
function send(sock, script, keys, args, asking, withSource)
    -- plugins/io/lua/redis.ts:199
    if asking then
        local ok, err = command(sock, {"ASKING"})
        if ok == nil or ok == false then
            return ok, err
        end
    end
    return command(
        sock,
        scriptCommand(script, keys, args, withSource)
    )
end
function evalOn(p, node, script, keys, args, asking)
    -- plugins/io/lua/redis.ts:220
    local sock, connectErr = connect(p, node)
    if sock == nil then
        return nil, connectErr, false
    end
    local res, err = send(
        sock,
        script,
        keys,
        args,
        asking,
        false
    )
    if res == false and isUnknownScript(err) then
        res, err = send(
            sock,
            script,
            keys,
            args,
            asking,
            true
        )
    end
    if res == nil then
        sock:close()
        return nil, err, false
    end
    sock:setkeepalive(p.keepaliveMs, p.poolSize)
    if res == false then
        return nil, err, true
    end
    return res, nil, false
end
--- Redirections (MOVED/ASK) followed for one call before giving up.
local MAX_REDIRECTIONS = 5
PIPELINES = 1
--- Seconds between two CLUSTER SLOTS refreshes of one cluster in one worker.
local REFRESH_INTERVAL_S = 1
local preparedByConfig = setmetatable({}, {__mode = "k"})
--- Lowercase hex SHA-1 of a script (ngx.sha1_bin), computed once at module load by callers.
function ____exports.scriptSha1(source)
    -- plugins/io/lua/redis.ts:73
    local hex = string.gsub(
        ngx.sha1_bin(source),
        ".",
        function(char)
            -- plugins/io/lua/redis.ts:74
            return string.format(
                "%02x",
                string.byte(char)
            )
        end
    )
    return hex
end
local function prepare(config)
    -- plugins/io/lua/redis.ts:78
    local cached = preparedByConfig[config]
    if cached ~= nil then
        return cached
    end
    local database = config.cluster_nodes == nil and (config.database or 0) or 0
    local ____temp_0
    if config.password == "" then
        ____temp_0 = nil
    else
        ____temp_0 = config.password
    end
    local password = ____temp_0
    local ____temp_1
    if password == nil or config.username == "" then
        ____temp_1 = nil
    else
        ____temp_1 = config.username
    end
    local username = ____temp_1
    local tls = config.ssl == true and ({
        verify = config.ssl_verify ~= false,
        serverName = config.server_name,
        clientCert = clientCertificate(config)
    }) or nil
    local prepared = {
        timeoutMs = config.timeout_ms,
        keepaliveMs = config.keepalive_ms,
        poolSize = config.pool_size,
        username = username,
        password = password,
        database = database,
        tls = tls,
        poolTag = poolSecurity(tls) .. ":" .. tostring(database) .. ":" .. (username or "") .. ":" .. (password == nil and "" or ngx.md5(password)),
        connectOptions = {}
    }
    if config.cluster_nodes ~= nil then
        local key = table.concat(config.cluster_nodes, ",")
        local state, err = clusterState(key, config.cluster_nodes)
        prepared.cluster = state
        prepared.clusterKey = key
        prepared.error = err
    elseif config.host == nil or config.host == "" then
        prepared.error = "redis: no host configured"
    else
        local port = config.port or 6379
        local node = {
            host = config.host,
            port = port,
            addr = config.host .. ":" .. tostring(port)
        }
        prepared.single = node
    end
    if config.auto_pipeline ~= false then
        prepared.lanes = {}
    end
    preparedByConfig[config] = prepared
    return prepared
end
--- The pipelining lane of `node` (made once per config and node address).
local function laneFor(p, lanes, node)
    -- plugins/io/lua/redis.ts:157
    return lanes[node.addr] or newNodeLane(p, lanes, node)
end
--- EVALSHA of `script` on `node` (EVAL when Redis does not know it): in the node's
-- pipelining lane when pipelining is on and no ASKING must go first, else on a
-- connection of its own. Returns as evalOn does.
local function evalScript(p, node, script, keys, args, asking)
    -- plugins/io/lua/redis.ts:186
    if p.lanes ~= nil and not asking then
        return pipelined(
            laneFor(p, p.lanes, node),
            script,
            keys,
            args
        )
    end
    return evalOn(
        p,
        node,
        script,
        keys,
        args,
        asking
    )
end
--- Loads the slot map with CLUSTER SLOTS from the first node that answers: the
-- masters of the last map, then the seeds. On failure the old map stays.
local function refreshSlots(p, state)
    -- plugins/io/lua/redis.ts:245
    local now = ngx.now()
    local candidates = {}
    for ____, node in ipairs(state.masters) do
        candidates[#candidates + 1] = node
    end
    for ____, node in ipairs(state.seeds) do
        candidates[#candidates + 1] = node
    end
    state.busyUntil = now + #candidates * 2 * p.timeoutMs / 1000
    state.nextRefreshAt = now + REFRESH_INTERVAL_S
    local tried = {}
    local lastErr = "no node"
    for ____, node in ipairs(candidates) do
        do
            if tried[node] ~= nil then
                goto __continue41
            end
            tried[node] = true
            local sock, connectErr = connect(p, node)
            if sock == nil then
                lastErr = node.addr .. ": " .. tostring(connectErr)
                goto __continue41
            end
            local reply, err = command(sock, {"CLUSTER", "SLOTS"})
            if reply == nil then
                sock:close()
                lastErr = node.addr .. ": " .. tostring(err)
                goto __continue41
            end
            sock:setkeepalive(p.keepaliveMs, p.poolSize)
            local applyErr = reply == false and (err or "error reply") or applyClusterSlots(state, reply, node.host)
            if applyErr == nil then
                state.busyUntil = 0
                state.failedRefreshes = 0
                return
            end
            lastErr = node.addr .. ": " .. applyErr
        end
        ::__continue41::
    end
    state.busyUntil = 0
    state.failedRefreshes = state.failedRefreshes + 1
    if state.failedRefreshes % 60 == 1 then
        ngx.log(
            ngx.WARN,
            "[tollgate] redis cluster: could not load the slot map (",
            lastErr,
            "), ",
            state.failedRefreshes,
            " failure(s) in a row; following redirections meanwhile"
        )
    end
end
local function runOnCluster(p, state, script, keys, args)
    -- plugins/io/lua/redis.ts:286
    if not state.loaded or state.stale then
        local now = ngx.now()
        if now >= state.nextRefreshAt and now >= state.busyUntil then
            refreshSlots(p, state)
        end
    end
    local slot = #keys > 0 and keySlot(keys[1]) or 0
    local node = state.slots[slot + 1] or state.seeds[1]
    local asking = false
    local asked = false
    do
        local redirections = 0
        while true do
            local res, err, replyError = evalScript(
                p,
                node,
                script,
                keys,
                args,
                asking
            )
            if err == nil then
                return res, nil
            end
            if not replyError then
                state.stale = true
                return nil, "redis " .. node.addr .. ": " .. err
            end
            local kind, target = redirection(state, err, node)
            if kind == nil or target == nil then
                if string.sub(err, 1, 11) == "CLUSTERDOWN" then
                    state.stale = true
                end
                return nil, "redis " .. node.addr .. ": " .. err
            end
            if redirections >= MAX_REDIRECTIONS or kind == "ASK" and asked then
                return nil, "redis " .. node.addr .. ": too many redirections (last: " .. err .. ")"
            end
            if kind == "MOVED" then
                state.slots[slot + 1] = target
                state.stale = true
                asking = false
            else
                asking = true
                asked = true
            end
            node = target
            redirections = redirections + 1
        end
    end
end
--- Runs `script` atomically with EVALSHA on the node that owns keys[1]'s slot (callers
-- hash-tag keys so all share one slot). NOSCRIPT => EVAL (which loads it). In cluster
-- mode: slot map from CLUSTER SLOTS (cached per worker, refreshed on MOVED, bounded
-- retries), ASK => ASKING + retry on the named node once, CROSSSLOT/other errors
-- returned. Connections come from the cosocket pool and go back with set_keepalive;
-- a connection that errored is closed, not pooled. AUTH (and SELECT) only on fresh
-- connections (get_reused_times() == 0).
-- Returns the script's reply, or nil and an error string that names the node.
function ____exports.runScript(config, script, keys, args)
    -- plugins/io/lua/redis.ts:340
    local p = prepare(config)
    if p.error ~= nil then
        return nil, p.error
    end
    if p.cluster ~= nil then
        return runOnCluster(
            p,
            p.cluster,
            script,
            keys,
            args
        )
    end
    local node = p.single
    local res, err = evalScript(
        p,
        node,
        script,
        keys,
        args,
        false
    )
    if err ~= nil then
        return nil, "redis " .. node.addr .. ": " .. err
    end
    return res, nil
end
--- What this worker has cached for a cluster config: whether a slot map is loaded,
-- how many CLUSTER SLOTS replies it applied, and which node it thinks owns `slot`.
-- For diagnostics and tests; undefined for a single-node config or before first use.
function ____exports.clusterMapInfo(config, slot)
    -- plugins/io/lua/redis.ts:360
    local p = prepare(config)
    local ____temp_2
    if p.clusterKey == nil then
        ____temp_2 = nil
    else
        ____temp_2 = clusterStats(p.clusterKey, slot)
    end
    return ____temp_2
end
--- A new connection of its own (secured, authenticated, database selected; never one
-- from the pool) to the single Redis of `config`, for a caller that keeps it (a pub/sub
-- subscriber): close it when done. Undefined and an error for a cluster config.
function ____exports.dedicatedConnection(config)
    -- plugins/io/lua/redis.ts:370
    local p = prepare(config)
    if p.error ~= nil then
        return nil, p.error
    end
    if p.single == nil then
        return nil, "redis: a single node (host) is required"
    end
    local sock, err = connect(p, p.single, true)
    if sock == nil then
        return nil, "redis " .. p.single.addr .. ": " .. tostring(err)
    end
    return sock, nil
end
return ____exports
