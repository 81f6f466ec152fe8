--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local listSelf, takeOver, TAKE_OVER_LEASE_S
local ____journal = require("tollgate.kafka_usage.journal")
local formatRange = ____journal.formatRange
local packEntry = ____journal.packEntry
local parsePids = ____journal.parsePids
local parseRange = ____journal.parseRange
local slotPids = ____journal.slotPids
local unpackEntry = ____journal.unpackEntry
function listSelf(journal, settled)
    -- plugins/kafka-usage/lua/journal.ts:72
    local key = "w:" .. tostring(journal.slot)
    local list = journal.dict:get(key)
    local next = slotPids(list, journal.pid, settled)
    if next ~= list then
        journal.dict:safe_set(key, next)
    end
end
function takeOver(journal, pid, take)
    -- plugins/kafka-usage/lua/journal.ts:147
    local dict = journal.dict
    local leased = dict:add(
        "a:" .. tostring(pid),
        journal.pid,
        TAKE_OVER_LEASE_S
    )
    if not leased then
        return false, 0
    end
    local range = dict:get("r:" .. tostring(pid))
    local lo, hi = unpack(
        parseRange(range),
        1,
        2
    )
    local complete = true
    local taken = 0
    do
        local seq = lo
        while true do
            do
                local key = "j:" .. tostring(pid) .. ":" .. tostring(seq)
                local packed = dict:get(key)
                if packed == nil then
                    if seq > hi then
                        break
                    end
                    goto __continue28
                end
                local entry = unpackEntry(packed)
                if entry ~= nil then
                    if not take(entry, key) then
                        complete = false
                        break
                    end
                    taken = taken + 1
                end
                dict:delete(key)
            end
            ::__continue28::
            seq = seq + 1
        end
    end
    if complete then
        dict:delete("r:" .. tostring(pid))
    end
    dict:delete("a:" .. tostring(pid))
    return complete, taken
end
local ffi = require("ffi")
pcall(ffi.cdef, "int kill(int pid, int sig);")
local ESRCH = 3
TAKE_OVER_LEASE_S = 10
--- Whether process `pid` exists (zombies included: nginx's master reaps its workers at once).
function ____exports.processAlive(pid)
    -- plugins/kafka-usage/lua/journal.ts:37
    if ffi.C.kill(pid, 0) == 0 then
        return true
    end
    return ffi.errno() ~= ESRCH
end
--- The journal in dict `dictName` for this worker, its pid listed in w:<slot>; undefined
-- where there is no such dict or no worker id (a privileged agent).
function ____exports.openJournal(dictName)
    -- plugins/kafka-usage/lua/journal.ts:57
    local dict = ngx.shared[dictName]
    local slot = ngx.worker.id()
    if dict == nil or slot == nil then
        return nil
    end
    local journal = {
        dict = dict,
        pid = ngx.worker.pid(),
        slot = slot,
        seq = 0
    }
    listSelf(journal, {})
    return journal
end
--- A copy of `event` for `channel`, as j:<pid>:<seq>; its seq goes into the event. False
-- when the dict is full: the event is then held by this worker only. `freeing` is a key
-- that may be deleted to make room (the entry this one replaces, on a take-over).
function ____exports.journalWrite(journal, channel, event, freeing)
    -- plugins/kafka-usage/lua/journal.ts:84
    local seq = journal.seq + 1
    local key = "j:" .. tostring(journal.pid) .. ":" .. tostring(seq)
    local packed = packEntry(channel, event.timestamp, event.key, event.value)
    local ok = journal.dict:safe_set(key, packed)
    if not ok and freeing ~= nil then
        journal.dict:delete(freeing)
        ok = journal.dict:safe_set(key, packed)
    end
    if not ok then
        return false
    end
    journal.seq = seq
    event.seq = seq
    return true
end
--- Deletes the copies of events that are done with (acknowledged, or dropped).
function ____exports.journalDelete(journal, events)
    -- plugins/kafka-usage/lua/journal.ts:100
    local prefix = "j:" .. tostring(journal.pid) .. ":"
    for ____, event in ipairs(events) do
        if event.seq ~= nil then
            journal.dict:delete(prefix .. tostring(event.seq))
        end
    end
end
--- Writes r:<pid> before a send: `lo`, the oldest seq this worker holds (or the next one
-- when it holds none), and the last seq written. Whatever a taker finds above that was
-- written later, without gaps (nothing above it has been sent yet).
function ____exports.journalRange(journal, lo)
    -- plugins/kafka-usage/lua/journal.ts:112
    journal.dict:safe_set(
        "r:" .. tostring(journal.pid),
        formatRange(lo or journal.seq + 1, journal.seq)
    )
end
--- Takes over what the dead processes listed in any slot left in the journal: each entry
-- goes to `take` (which queues it in this worker and journals it under this worker's pid)
-- and is then deleted. A process is settled once nothing of it is left; the pids this
-- worker's own slot lists are rewritten without the settled ones. Returns the number of
-- events taken over.
function ____exports.sweep(journal, take)
    -- plugins/kafka-usage/lua/journal.ts:123
    local taken = 0
    local count = ngx.worker.count()
    do
        local slot = 0
        while true do
            local list = journal.dict:get("w:" .. tostring(slot))
            if list == nil and slot >= count then
                break
            end
            local settled = {}
            for ____, pid in ipairs(parsePids(list)) do
                do
                    if pid == journal.pid or ____exports.processAlive(pid) then
                        goto __continue20
                    end
                    local done, n = takeOver(journal, pid, take)
                    taken = taken + n
                    if done then
                        settled[#settled + 1] = pid
                    end
                end
                ::__continue20::
            end
            if slot == journal.slot then
                listSelf(journal, settled)
            end
            slot = slot + 1
        end
    end
    return taken
end
return ____exports
