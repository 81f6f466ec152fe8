--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local states = {}
--- The node object for `host:port` in this cluster (created once).
function ____exports.nodeAt(state, host, port)
    -- plugins/io/lua/redis-cluster.ts:49
    local addr = host .. ":" .. tostring(port)
    local node = state.nodes[addr]
    if node == nil then
        node = {host = host, port = port, addr = addr}
        state.nodes[addr] = node
    end
    return node
end
--- The state of the cluster reached through `seeds` ("host:port" each), created on
-- first use; or undefined and an error naming a seed that is not "host:port".
-- `key` identifies the cluster (the seeds joined), computed once by the caller.
function ____exports.clusterState(key, seeds)
    -- plugins/io/lua/redis-cluster.ts:64
    local existing = states[key]
    if existing ~= nil then
        return existing, nil
    end
    local state = {
        seeds = {},
        slots = {},
        masters = {},
        nodes = {},
        loaded = false,
        stale = false,
        nextRefreshAt = 0,
        busyUntil = 0,
        refreshes = 0,
        failedRefreshes = 0
    }
    for ____, seed in ipairs(seeds) do
        local host, port = string.match(seed, "^(.+):(%d+)$")
        if host == nil or port == nil then
            return nil, "redis cluster: cluster_nodes entry '" .. seed .. "' is not host:port"
        end
        local ____state_seeds_0 = state.seeds
        ____state_seeds_0[#____state_seeds_0 + 1] = ____exports.nodeAt(
            state,
            host,
            tonumber(port)
        )
    end
    if #state.seeds == 0 then
        return nil, "redis cluster: cluster_nodes is empty"
    end
    states[key] = state
    return state, nil
end
--- An endpoint from a reply, or `fallback` when the node does not know its own (NULL, "", "?").
local function endpoint(value, fallback)
    -- plugins/io/lua/redis-cluster.ts:93
    return type(value) == "string" and value ~= "" and value ~= "?" and value or fallback
end
--- Replaces the slot map with a CLUSTER SLOTS reply received from a node at
-- `askedHost`. Returns an error (and keeps the old map) when the reply is not
-- the documented shape.
function ____exports.applyClusterSlots(state, reply, askedHost)
    -- plugins/io/lua/redis-cluster.ts:102
    if type(reply) ~= "table" or reply == nil then
        return "CLUSTER SLOTS: unexpected reply"
    end
    local ranges = reply
    local slots = {}
    local masters = {}
    local seen = {}
    for ____, range in ipairs(ranges) do
        if type(range) ~= "table" or range == nil then
            return "CLUSTER SLOTS: unexpected range"
        end
        local first, last, master = unpack(range, 1, 3)
        if type(first) ~= "number" or type(last) ~= "number" or type(master) ~= "table" or master == nil then
            return "CLUSTER SLOTS: unexpected range"
        end
        local host, port = unpack(master, 1, 2)
        if type(port) ~= "number" then
            return "CLUSTER SLOTS: unexpected node"
        end
        local node = ____exports.nodeAt(
            state,
            endpoint(host, askedHost),
            port
        )
        if not (seen[node] ~= nil) then
            seen[node] = true
            masters[#masters + 1] = node
        end
        do
            local slot = first
            while slot <= last and slot < 16384 do
                slots[slot + 1] = node
                slot = slot + 1
            end
        end
    end
    if #masters == 0 then
        return "CLUSTER SLOTS: no slot is served (cluster not ready?)"
    end
    state.slots = slots
    state.masters = masters
    state.loaded = true
    state.stale = false
    state.refreshes = state.refreshes + 1
    return nil
end
--- The node a MOVED or ASK error reply redirects to (`from` is the node that sent
-- it: an empty endpoint means its host). Returns undefined for any other error.
function ____exports.redirection(state, err, from)
    -- plugins/io/lua/redis-cluster.ts:136
    local kind, host, port = string.match(err, "^(%u+) %d+ (.*):(%d+)$")
    if kind ~= "MOVED" and kind ~= "ASK" or host == nil or port == nil then
        return nil, nil
    end
    return kind, ____exports.nodeAt(
        state,
        endpoint(host, from.host),
        tonumber(port)
    )
end
--- What this worker knows about a cluster (diagnostics and tests).
function ____exports.clusterStats(key, slot)
    -- plugins/io/lua/redis-cluster.ts:147
    local state = states[key]
    if state == nil then
        return nil
    end
    local ____state_loaded_3 = state.loaded
    local ____state_refreshes_4 = state.refreshes
    local ____opt_1 = state.slots[slot + 1]
    return {loaded = ____state_loaded_3, refreshes = ____state_refreshes_4, owner = ____opt_1 and ____opt_1.addr}
end
return ____exports
