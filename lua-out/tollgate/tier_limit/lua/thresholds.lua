--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____redis = require("tollgate.io.lua.redis")
local runScript = ____redis.runScript
local scriptSha1 = ____redis.scriptSha1
local ____webhook_2Dsender = require("tollgate.io.lua.webhook_sender")
local enqueueWebhook = ____webhook_2Dsender.enqueueWebhook
local ____thresholds = require("tollgate.tier_limit.thresholds")
local buildThresholdEvent = ____thresholds.buildThresholdEvent
local encodeThresholdEvent = ____thresholds.encodeThresholdEvent
local thresholdSubject = ____thresholds.thresholdSubject
____exports.CLAIM_SCRIPT = "-- tollgate tier-limit: claim threshold crossings, each once until its window ends\nlocal claimed = {}\nfor i = 1, #KEYS do\n  if redis.call(\"SET\", KEYS[i], \"1\", \"NX\", \"PX\", ARGV[i]) then claimed[i] = 1 else claimed[i] = 0 end\nend\nreturn claimed\n"
local claimScript = {
    source = ____exports.CLAIM_SCRIPT,
    sha1 = scriptSha1(____exports.CLAIM_SCRIPT)
}
--- Milliseconds from `now` (seconds) to the end of a crossing's window, at least 1.
local function msToWindowEnd(crossing, now)
    -- plugins/tier-limit/lua/thresholds.ts:39
    local ms = math.ceil((crossing.windowEnd - now) * 1000)
    return ms > 1 and ms or 1
end
--- Which crossings this request won (true per index), and an error when the store could not say.
local function claim(conf, prepared, crossings, now)
    -- plugins/tier-limit/lua/thresholds.ts:45
    local won = {}
    if conf.policy == "local" then
        local dict = ngx.shared[conf.dict]
        if dict == nil then
            do
                local i = 0
                while i < #crossings do
                    won[i + 1] = true
                    i = i + 1
                end
            end
            return won, "lua_shared_dict '" .. conf.dict .. "' is not declared"
        end
        local failure
        do
            local i = 0
            while i < #crossings do
                local crossing = crossings[i + 1]
                local added, err = dict:add(
                    "th:" .. crossing.key,
                    1,
                    msToWindowEnd(crossing, now) / 1000
                )
                won[i + 1] = added or err ~= "exists"
                if not added and err ~= "exists" then
                    failure = err
                end
                i = i + 1
            end
        end
        return won, failure
    end
    local keys = {}
    local args = {}
    do
        local i = 0
        while i < #crossings do
            keys[i + 1] = "th:" .. crossings[i + 1].key
            args[i + 1] = msToWindowEnd(crossings[i + 1], now)
            i = i + 1
        end
    end
    local reply, err = runScript(prepared.redis, claimScript, keys, args)
    local flags = reply
    do
        local i = 0
        while i < #crossings do
            won[i + 1] = err ~= nil or type(flags) ~= "table" or flags[i + 1] == 1
            i = i + 1
        end
    end
    return won, err
end
--- The events of the crossings this request claimed (undefined when it claimed none).
function ____exports.emitThresholds(conf, prepared, crossings, facts, tier, now)
    -- plugins/tier-limit/lua/thresholds.ts:76
    local won, err = claim(conf, prepared, crossings, now)
    if err ~= nil then
        local report = prepared.storeErrors:occurrence(now)
        if report > 0 then
            ngx.log(ngx.ERR, "[tier-limit] threshold claim (policy " .. conf.policy .. ") failed, emitting anyway (the event id lets a receiver drop a duplicate): " .. err)
        end
    end
    local settings = conf.threshold_events
    local subject = thresholdSubject(facts.consumer, facts.clientIp)
    local nowMs = math.floor(now * 1000)
    local messages
    do
        local i = 0
        while i < #crossings do
            do
                if not won[i + 1] then
                    goto __continue19
                end
                local value = encodeThresholdEvent(buildThresholdEvent(
                    settings,
                    crossings[i + 1],
                    subject,
                    tier,
                    nowMs
                ))
                if messages == nil then
                    messages = {}
                end
                messages[#messages + 1] = {key = subject, value = value, timestampMs = nowMs}
                if settings.webhook ~= nil then
                    enqueueWebhook(settings.webhook, value)
                end
            end
            ::__continue19::
            i = i + 1
        end
    end
    return messages
end
return ____exports
