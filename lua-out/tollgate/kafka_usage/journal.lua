local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSlice = ____lualib.__TS__StringSlice
local __TS__Number = ____lualib.__TS__Number
local __TS__StringSplit = ____lualib.__TS__StringSplit
local __TS__ArrayIncludes = ____lualib.__TS__ArrayIncludes
local ____exports = {}
--- One dict value: "<channel>\n<timestamp>\n<value>\n<key>". The event JSON never holds a
-- raw line feed (JSON escapes it), the channel and the timestamp are numbers: the key, last,
-- may hold anything.
function ____exports.packEntry(channel, timestamp, key, value)
    -- plugins/kafka-usage/journal.ts:29
    return channel .. "\n" .. tostring(timestamp) .. "\n" .. value .. "\n" .. key
end
--- The entry of a dict value, or undefined when it is not one packEntry wrote.
function ____exports.unpackEntry(packed)
    -- plugins/kafka-usage/journal.ts:34
    local first = (string.find(packed, "\n", nil, true) or 0) - 1
    if first < 0 then
        return nil
    end
    local second = (string.find(
        packed,
        "\n",
        math.max(first + 1 + 1, 1),
        true
    ) or 0) - 1
    if second < 0 then
        return nil
    end
    local third = (string.find(
        packed,
        "\n",
        math.max(second + 1 + 1, 1),
        true
    ) or 0) - 1
    if third < 0 then
        return nil
    end
    local timestamp = __TS__Number(__TS__StringSlice(packed, first + 1, second))
    if not (timestamp >= 0) then
        return nil
    end
    return {
        channel = __TS__StringSlice(packed, 0, first),
        timestamp = timestamp,
        value = __TS__StringSlice(packed, second + 1, third),
        key = __TS__StringSlice(packed, third + 1)
    }
end
--- "<lo>,<hi>" of r:<pid>.
function ____exports.formatRange(lo, hi)
    -- plugins/kafka-usage/journal.ts:47
    return tostring(lo) .. "," .. tostring(hi)
end
--- The seqs to look at for a dead process, from its r:<pid> (undefined or empty when it never
-- sent: from 1): [lo, hi] where gaps are acknowledged events, then on from hi + 1 up to the first
-- missing one.
function ____exports.parseRange(range)
    -- plugins/kafka-usage/journal.ts:56
    if range == nil or range == "" then
        return {1, 0}
    end
    local comma = (string.find(range, ",", nil, true) or 0) - 1
    local lo = __TS__Number(__TS__StringSlice(range, 0, comma))
    local hi = __TS__Number(__TS__StringSlice(range, comma + 1))
    if comma < 0 or not (lo >= 1) or not (hi >= 0) then
        return {1, 0}
    end
    return {lo, hi}
end
--- The pids of w:<slot> (empty when unset or unreadable).
function ____exports.parsePids(list)
    -- plugins/kafka-usage/journal.ts:66
    local pids = {}
    if list == nil or list == "" then
        return pids
    end
    for ____, part in ipairs(__TS__StringSplit(list, ",")) do
        local pid = __TS__Number(part)
        if pid > 0 and math.floor(pid) == pid then
            pids[#pids + 1] = pid
        end
    end
    return pids
end
--- The new w:<slot> as its current worker writes it: without the pids whose events all
-- went to other workers (`settled`), with its own pid last (once).
function ____exports.slotPids(list, own, settled)
    -- plugins/kafka-usage/journal.ts:80
    local kept = {}
    for ____, pid in ipairs(____exports.parsePids(list)) do
        if pid ~= own and not __TS__ArrayIncludes(settled, pid) then
            kept[#kept + 1] = pid
        end
    end
    kept[#kept + 1] = own
    return table.concat(kept, ",")
end
return ____exports
