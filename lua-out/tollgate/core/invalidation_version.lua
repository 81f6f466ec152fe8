local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__Number = ____lualib.__TS__Number
local ____exports = {}
local ____digits = require("tollgate.core.digits")
local allAsciiDigits = ____digits.allAsciiDigits
--- A message with `version` arrived while subscribed; `lastSeen` is the last version
-- this node applied (undefined: none since its cache was last dropped whole and
-- never in sync). Consecutive: the subject only. Not newer: published before the node
-- resynchronised (it read the counter after subscribing), already covered. A gap:
-- messages were lost, drop everything.
function ____exports.dropForMessage(lastSeen, version)
    -- plugins/core/invalidation-version.ts:28
    if type(lastSeen) ~= "number" then
        return "all"
    end
    if version == lastSeen + 1 then
        return "one"
    end
    if version <= lastSeen then
        return "none"
    end
    return "all"
end
--- After (re)subscribing, the counter reads `fleet`; `last` is where the node stood
-- (undefined: never in sync, so whatever it holds predates listening). Same generation
-- and version: nothing was missed. The version moved on: invalidations happened while
-- the node was not listening. Another generation (Redis restarted without its data, or
-- was flushed): the counter started again, and may even have come back to the node's
-- number after invalidations the node missed, so the node cannot tell.
function ____exports.dropForResync(last, fleet)
    -- plugins/core/invalidation-version.ts:51
    if last == nil or last == nil then
        return "all"
    end
    return last.generation == fleet.generation and last.version == fleet.version and "none" or "all"
end
--- A published message, or undefined when it is not "<version> <origin> <subject>"
-- (origin: the publishing node's id, without spaces; the subject may have some).
function ____exports.parseInvalidation(payload)
    -- plugins/core/invalidation-version.ts:60
    local space = (string.find(payload, " ", nil, true) or 0) - 1
    if space <= 0 then
        return nil
    end
    local second = (string.find(
        payload,
        " ",
        math.max(space + 1 + 1, 1),
        true
    ) or 0) - 1
    if second <= space + 1 or second == #payload - 1 then
        return nil
    end
    local digits = __TS__StringSubstring(payload, 0, space)
    if not allAsciiDigits(digits) then
        return nil
    end
    return {
        version = __TS__Number(digits),
        origin = __TS__StringSubstring(payload, space + 1, second),
        subject = __TS__StringSubstring(payload, second + 1)
    }
end
--- The Redis names of the invalidations of one cache (its lua_shared_dict, the same
-- name on every node): the channel and the version counter, hash-tagged together.
function ____exports.invalidationKeys(dict)
    -- plugins/core/invalidation-version.ts:74
    local tag = "tollgate:{invalidate:" .. dict .. "}"
    return {channel = tag, version = tag .. ":version", generation = tag .. ":generation"}
end
--- Seconds before the first reconnect attempt; each failure doubles it, up to `maxS`.
local FIRST_RECONNECT_S = 0.05
--- Seconds to wait before reconnecting after `failures` failed attempts in a row: soon
-- (what is missed meanwhile costs the node its whole cache), doubling up to `maxS` so a
-- Redis that stays down is not hammered.
function ____exports.reconnectDelay(failures, maxS)
    -- plugins/core/invalidation-version.ts:87
    local delay = FIRST_RECONNECT_S
    do
        local i = 1
        while i < failures and delay < maxS do
            delay = delay * 2
            i = i + 1
        end
    end
    return delay > maxS and maxS or delay
end
return ____exports
