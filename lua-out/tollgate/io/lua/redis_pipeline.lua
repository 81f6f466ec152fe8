local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySlice = ____lualib.__TS__ArraySlice
local ____exports = {}
local ____resp = require("tollgate.io.lua.resp")
local appendCommand = ____resp.appendCommand
local isUnknownScript = ____resp.isUnknownScript
local readReply = ____resp.readReply
local scriptCommand = ____resp.scriptCommand
local semaphore = require("ngx.semaphore")
function ____exports.newLane(open, release, waitS, staleS, concurrency)
    -- plugins/io/lua/redis-pipeline.ts:79
    local slots = {}
    do
        local i = 0
        while i < concurrency do
            slots[i + 1] = 0
            i = i + 1
        end
    end
    return {
        open = open,
        release = release,
        waitS = waitS,
        staleS = staleS,
        slots = slots,
        queue = {},
        spare = {}
    }
end
--- A slot free for a new leader (0-based), or -1.
local function freeSlot(lane)
    -- plugins/io/lua/redis-pipeline.ts:92
    local slots = lane.slots
    local now = ngx.now()
    do
        local i = 0
        while i < #slots do
            local since = slots[i + 1]
            if since == 0 or now - since > lane.staleS then
                return i
            end
            i = i + 1
        end
    end
    return -1
end
--- Every call of `batch` without a reply or an error yet fails with `err` (a connection error).
local function failRest(batch, err)
    -- plugins/io/lua/redis-pipeline.ts:103
    for ____, call in ipairs(batch) do
        do
            if call.reply ~= nil or call.err ~= nil then
                goto __continue10
            end
            call.err = err
            call.replyError = false
        end
        ::__continue10::
    end
end
--- One write: EVALSHA of every call still wanted, or (`withSource`) EVAL of those Redis
-- answered NOSCRIPT.
local function sendCalls(sock, batch, withSource)
    -- plugins/io/lua/redis-pipeline.ts:115
    local parts = {}
    local at = 0
    for ____, call in ipairs(batch) do
        do
            if call.gone or withSource and not call.unknownScript then
                goto __continue14
            end
            at = appendCommand(
                parts,
                at,
                scriptCommand(call.script, call.keys, call.args, withSource)
            )
            call.awaiting = true
        end
        ::__continue14::
    end
    if at == 0 then
        return nil
    end
    local sent, err = sock:send(parts)
    return sent == nil and (err or "send failed") or nil
end
--- Reads the replies to the last write, in order; false when the connection failed.
local function readReplies(sock, batch)
    -- plugins/io/lua/redis-pipeline.ts:129
    for ____, call in ipairs(batch) do
        do
            if not call.awaiting then
                goto __continue19
            end
            call.awaiting = false
            local reply, err = readReply(sock)
            if reply == nil then
                failRest(batch, err or "closed")
                return false
            end
            if reply ~= false then
                call.reply = reply
                call.unknownScript = false
            elseif not call.unknownScript and isUnknownScript(err) then
                call.unknownScript = true
            else
                call.err = err
                call.replyError = true
                call.unknownScript = false
            end
        end
        ::__continue19::
    end
    return true
end
--- One round trip for `batch`, and a second for the scripts Redis did not know (EVAL loads them).
local function runBatch(lane, batch)
    -- plugins/io/lua/redis-pipeline.ts:153
    local sock, openErr = lane.open()
    if sock == nil then
        failRest(batch, openErr or "connect failed")
        return
    end
    local unknown = false
    do
        local round = 0
        while round == 0 or round == 1 and unknown do
            local sendErr = sendCalls(sock, batch, round == 1)
            if sendErr ~= nil then
                sock:close()
                failRest(batch, sendErr)
                return
            end
            if not readReplies(sock, batch) then
                sock:close()
                return
            end
            for ____, call in ipairs(batch) do
                if call.unknownScript then
                    unknown = true
                end
            end
            round = round + 1
        end
    end
    lane.release(sock)
end
--- Wakes the first call still waiting as the next leader in `slot`, or frees the slot.
local function handOff(lane, slot)
    -- plugins/io/lua/redis-pipeline.ts:177
    local queue = lane.queue
    do
        local i = 0
        while i < #queue do
            do
                local next = queue[i + 1]
                if next.gone then
                    goto __continue37
                end
                next.slot = slot + 1
                local sema = next.sema
                sema:post(1)
                if sema:count() > 0 then
                    next.gone = true
                    goto __continue37
                end
                lane.queue = __TS__ArraySlice(queue, i + 1)
                return
            end
            ::__continue37::
            i = i + 1
        end
    end
    lane.queue = {}
    lane.slots[slot + 1] = 0
end
--- Sends the queued calls (with `me` first) in `slot`, hands the replies out, then the slot.
local function lead(lane, me, slot)
    -- plugins/io/lua/redis-pipeline.ts:199
    lane.slots[slot + 1] = ngx.now()
    local batch = {me}
    for ____, call in ipairs(lane.queue) do
        batch[#batch + 1] = call
    end
    lane.queue = {}
    local ok, problem = pcall(runBatch, lane, batch)
    failRest(batch, ok and "no reply" or "pipeline: " .. problem)
    handOff(lane, slot)
    for ____, call in ipairs(batch) do
        if call ~= me and not call.gone then
            call.sema:post(1)
        end
    end
    return me.reply, me.err, me.replyError
end
--- Runs `script` with `keys` and `args` in the lane's next round trip. Returns the
-- reply; or undefined, the error, and whether it is a Redis error reply (true) or a
-- connection failure or timeout (false) — as a call on its own connection would.
function ____exports.pipelined(lane, script, keys, args)
    -- plugins/io/lua/redis-pipeline.ts:219
    local call = {
        script = script,
        keys = keys,
        args = args,
        reply = nil,
        err = nil,
        replyError = false,
        awaiting = false,
        unknownScript = false,
        slot = 0,
        gone = false
    }
    local slot = freeSlot(lane)
    if slot >= 0 then
        return lead(lane, call, slot)
    end
    local sema = table.remove(lane.spare)
    if sema == nil then
        local created, err = semaphore.new(0)
        if created == nil then
            return nil, "pipeline: no semaphore: " .. tostring(err), false
        end
        sema = created
    end
    call.sema = sema
    lane.queue[#lane.queue + 1] = call
    local woken = sema:wait(lane.waitS)
    if woken ~= nil then
        local ____lane_spare_0 = lane.spare
        ____lane_spare_0[#____lane_spare_0 + 1] = sema
    end
    if call.slot > 0 then
        return lead(lane, call, call.slot - 1)
    end
    if woken == nil then
        call.gone = true
        return nil, "no reply within " .. tostring(lane.waitS) .. " s (queued behind other calls)", false
    end
    return call.reply, call.err, call.replyError
end
return ____exports
