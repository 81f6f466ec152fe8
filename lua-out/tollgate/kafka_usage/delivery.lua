--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- The wait before attempt `failures + 1`, in ms: "full jitter" (a uniform draw below an
-- exponentially growing cap), so a fleet of workers that lost the broker together does
-- not come back in lockstep. `random01` is a draw from [0, 1).
function ____exports.backoffMs(failures, initialMs, maxMs, random01)
    local cap = initialMs
    do
        local i = 1
        while i < failures and cap < maxMs do
            cap = cap * 2
            i = i + 1
        end
    end
    if cap > maxMs then
        cap = maxMs
    end
    return math.floor(random01 * cap) + 1
end
____exports.COUNTER_NAMES = {
    "queued",
    "sent",
    "retried",
    "dropped",
    "dropped_queue_full",
    "dropped_too_large",
    "dropped_shutdown"
}
function ____exports.zeroCounters()
    return {
        queued = 0,
        sent = 0,
        retried = 0,
        dropped = 0,
        dropped_queue_full = 0,
        dropped_too_large = 0,
        dropped_shutdown = 0
    }
end
--- "queued=10 sent=8 …", for a log line.
function ____exports.formatCounters(counters)
    local parts = {}
    for ____, name in ipairs(____exports.COUNTER_NAMES) do
        parts[#parts + 1] = (name .. "=") .. tostring(counters[name])
    end
    return table.concat(parts, " ")
end
return ____exports
