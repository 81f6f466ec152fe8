--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
function ____exports.newMemo(flags, hostname, size)
    -- plugins/feature-toggle/memo.ts:49
    return {
        flags = flags,
        hostname = hostname,
        size = size,
        current = {roots = {}, count = 0},
        previous = nil,
        hits = 0,
        misses = 0
    }
end
--- Whether `memo` holds decisions of this flag state and host (else start a new one).
function ____exports.memoMatches(memo, flags, caps)
    -- plugins/feature-toggle/memo.ts:54
    return memo.flags == flags and memo.hostname == caps.hostname
end
--- Which interval of the instants the clock is in: 2 × (instants before now), plus 1
-- when now is one of them. Two times with the same cell compare alike with every
-- instant (before, at, after), so every window and DATE_* constraint answers alike.
local function clockCell(instants, nowMs)
    -- plugins/feature-toggle/memo.ts:63
    local cell = 0
    for ____, instant in ipairs(instants) do
        if instant < nowMs then
            cell = cell + 2
        elseif instant == nowMs then
            return cell + 1
        else
            return cell
        end
    end
    return cell
end
local function find(generation, cell, fields, read, a, b)
    -- plugins/feature-toggle/memo.ts:73
    if generation == nil then
        return nil
    end
    local node = generation.roots[cell + 1]
    if node == nil then
        return nil
    end
    local count = #fields
    if count == 0 then
        return node[""]
    end
    node = node[read(a, b, fields[1]) or ""]
    if count == 1 or node == nil then
        return node
    end
    node = node[read(a, b, fields[2]) or ""]
    if count == 2 or node == nil then
        return node
    end
    node = node[read(a, b, fields[3]) or ""]
    if count == 3 or node == nil then
        return node
    end
    node = node[read(a, b, fields[4]) or ""]
    do
        local i = 4
        while i < count and node ~= nil do
            node = node[read(a, b, fields[i + 1]) or ""]
            i = i + 1
        end
    end
    return node
end
local function store(generation, cell, fields, read, a, b, outcome)
    -- plugins/feature-toggle/memo.ts:92
    local node = generation.roots[cell + 1]
    if node == nil then
        node = {}
        generation.roots[cell + 1] = node
    end
    local last = #fields - 1
    do
        local i = 0
        while i < last do
            local key = read(a, b, fields[i + 1]) or ""
            local next = node[key]
            if next == nil then
                next = {}
                node[key] = next
            end
            node = next
            i = i + 1
        end
    end
    node[last < 0 and "" or (read(a, b, fields[last + 1]) or "")] = outcome
    generation.count = generation.count + 1
end
--- The clock cell of `nowMs` for this flag state (0 when no instant matters).
function ____exports.cellAt(memo, nowMs)
    -- plugins/feature-toggle/memo.ts:113
    local instants = memo.flags.reads.instants
    return #instants == 0 and 0 or clockCell(instants, nowMs)
end
--- Stores in the current generation, which becomes the previous one when full.
local function keep(memo, cell, read, a, b, outcome)
    -- plugins/feature-toggle/memo.ts:119
    if memo.current.count >= memo.size then
        memo.previous = memo.current
        memo.current = {roots = {}, count = 0}
    end
    store(
        memo.current,
        cell,
        memo.flags.reads.fields,
        read,
        a,
        b,
        outcome
    )
end
--- The remembered decision for this request at this time, or undefined.
function ____exports.recall(memo, read, a, b, nowMs)
    -- plugins/feature-toggle/memo.ts:128
    local fields = memo.flags.reads.fields
    local cell = ____exports.cellAt(memo, nowMs)
    local found = find(
        memo.current,
        cell,
        fields,
        read,
        a,
        b
    )
    if found ~= nil then
        memo.hits = memo.hits + 1
        return found
    end
    local older = find(
        memo.previous,
        cell,
        fields,
        read,
        a,
        b
    )
    if older ~= nil then
        memo.hits = memo.hits + 1
        keep(
            memo,
            cell,
            read,
            a,
            b,
            older
        )
        return older
    end
    memo.misses = memo.misses + 1
    return nil
end
--- Keeps a decision that drew no random number (see decideFeatures).
function ____exports.remember(memo, read, a, b, nowMs, outcome)
    -- plugins/feature-toggle/memo.ts:147
    keep(
        memo,
        ____exports.cellAt(memo, nowMs),
        read,
        a,
        b,
        outcome
    )
end
return ____exports
