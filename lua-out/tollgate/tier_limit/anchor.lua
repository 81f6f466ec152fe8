--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____calendar = require("tollgate.core.calendar")
local calendarBounds = ____calendar.calendarBounds
local localAnchor = ____calendar.localAnchor
local ____facts = require("tollgate.core.facts")
local consumerAttribute = ____facts.consumerAttribute
local ____tzif = require("tollgate.core.tzif")
local offsetAt = ____tzif.offsetAt
local ____zoneinfo = require("tollgate.io.zoneinfo")
local loadZone = ____zoneinfo.loadZone
local ____calendar_2Dfields = require("tollgate.tier_limit.calendar_fields")
local parseAnchor = ____calendar_2Dfields.parseAnchor
local ANCHORS_MAX = 4096
function ____exports.prepareCalendar(conf)
    -- plugins/tier-limit/anchor.ts:28
    local ____temp_0
    if conf.timezone == nil then
        ____temp_0 = nil
    else
        ____temp_0 = loadZone(conf.timezone).zone
    end
    local zone = ____temp_0
    local sources = conf.anchor_sources or ({})
    local fromConsumer = false
    local fixed
    for ____, source in ipairs(sources) do
        if source == "consumer" then
            fromConsumer = true
        end
        if source == "config" and conf.billing_anchor ~= nil then
            local instant = parseAnchor(conf.billing_anchor)
            if instant ~= nil then
                fixed = localAnchor(zone, instant)
            end
        end
    end
    return {
        zone = zone,
        consumerFirst = sources[1] == "consumer",
        fromConsumer = fromConsumer,
        fixed = fixed,
        byText = {},
        size = 0
    }
end
local function consumerAnchor(calendar, facts)
    -- plugins/tier-limit/anchor.ts:44
    local consumer = facts.consumer
    if consumer == nil then
        return nil
    end
    local text = consumerAttribute(consumer, "billing_anchor")
    if text == nil then
        return nil
    end
    local anchor = calendar.byText[text]
    if anchor == nil then
        local instant = parseAnchor(text)
        local ____temp_1
        if instant == nil then
            ____temp_1 = false
        else
            ____temp_1 = localAnchor(calendar.zone, instant)
        end
        anchor = ____temp_1
        if calendar.size >= ANCHORS_MAX then
            calendar.byText = {}
            calendar.size = 0
        end
        calendar.byText[text] = anchor
        calendar.size = calendar.size + 1
    end
    local ____temp_2
    if anchor == false then
        ____temp_2 = nil
    else
        ____temp_2 = anchor
    end
    return ____temp_2
end
--- The caller's billing anchor: the first configured source that has one (a consumer
-- whose tag is not RFC 3339 has none), or undefined (calendar periods). The same
-- anchor text gives the same object, so the per-caller memo can compare by identity.
function ____exports.callerAnchor(calendar, facts)
    -- plugins/tier-limit/anchor.ts:68
    if calendar.fromConsumer then
        if calendar.consumerFirst or calendar.fixed == nil then
            return consumerAnchor(calendar, facts) or calendar.fixed
        end
        return calendar.fixed
    end
    return calendar.fixed
end
--- For test vectors: the period of `window` holding `now` on `timezone`'s clock (calendar).
function ____exports.zonedPeriod(timezone, window, now)
    -- plugins/tier-limit/anchor.ts:77
    return calendarBounds(
        loadZone(timezone).zone,
        window,
        now
    )
end
--- For test vectors: the period of `window` holding `now` for a caller anchored at `anchor` (RFC 3339).
function ____exports.anchoredPeriod(timezone, window, now, anchor)
    -- plugins/tier-limit/anchor.ts:82
    local zone = loadZone(timezone).zone
    local instant = parseAnchor(anchor)
    local ____temp_3
    if instant == nil then
        ____temp_3 = nil
    else
        ____temp_3 = calendarBounds(
            zone,
            window,
            now,
            localAnchor(zone, instant)
        )
    end
    return ____temp_3
end
--- For test vectors: the UT offset (seconds east) of `timezone` at `t`, or the zone's problem.
function ____exports.zoneOffset(timezone, t)
    -- plugins/tier-limit/anchor.ts:89
    local loaded = loadZone(timezone)
    return loaded.problem or offsetAt(loaded.zone, t)
end
return ____exports
