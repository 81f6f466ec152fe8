--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local CONSUMER_PROPERTIES
local ____decide = require("tollgate.feature_toggle.decide")
local decideFeatures = ____decide.decideFeatures
local lastDecisionKept = ____decide.lastDecisionKept
local prepare = ____decide.prepare
local requestField = ____decide.requestField
local ____memo = require("tollgate.feature_toggle.memo")
local cellAt = ____memo.cellAt
local ____unleash = require("tollgate.feature_toggle.lua.unleash")
local unleashFlags = ____unleash.unleashFlags
--- FOR TESTS ONLY: seconds added to the clock, read once per worker from the
-- environment variable TOLLGATE_TEST_CLOCK_OFFSET (nginx passes it on only with an
-- `env TOLLGATE_TEST_CLOCK_OFFSET;` directive). It lets a test move trial windows
-- without waiting for days; never set it on a real gateway.
local clockOffset
local function now()
    if clockOffset == nil then
        clockOffset = tonumber(os.getenv("TOLLGATE_TEST_CLOCK_OFFSET") or "0") or 0
    end
    return ngx.now() + clockOffset
end
local function luaRegex(pattern, flags, subject)
    local from, ____, err = ngx.re.find(subject, pattern, "jo" .. flags)
    if from ~= nil then
        return true
    end
    local ____temp_0
    if err ~= nil then
        ____temp_0 = nil
    else
        ____temp_0 = false
    end
    return ____temp_0
end
local function random()
    return math.random()
end
--- Keyed by the config table the host hands the plugin (weakly: a new config starts afresh).
local memos = setmetatable({}, {__mode = "k"})
local function consumerTable()
    return setmetatable({}, {__mode = "k"})
end
local function keep(memo, consumer, remembered)
    if memo.count >= memo.size then
        memo.previous = memo.current
        memo.current = consumerTable()
        memo.count = 0
    end
    memo.current[consumer] = remembered
    memo.count = memo.count + 1
end
--- The decision remembered for this consumer under this config, when still good; else
-- undefined (then call featureToggleAccess). `consumer` is the host's own table for the
-- authenticated consumer (Kong: kong.client.get_consumer(); APISIX: ctx.consumer);
-- `decidedTier` what an earlier plugin decided (kong.ctx.shared / ctx tollgate_tier).
function ____exports.rememberedFeatures(conf, consumer, decidedTier)
    if consumer == nil then
        return nil
    end
    local memo = memos[conf]
    if memo == nil then
        return nil
    end
    local remembered = memo.current[consumer]
    if remembered == nil then
        remembered = memo.previous[consumer]
        if remembered == nil then
            return nil
        end
        keep(memo, consumer, remembered)
    end
    if remembered.tier ~= decidedTier then
        return nil
    end
    if #remembered.memo.flags.reads.instants > 0 and cellAt(
        remembered.memo,
        now() * 1000
    ) ~= remembered.cell then
        return nil
    end
    if memo.remoteSource and unleashFlags(conf) ~= remembered.remote then
        return nil
    end
    return remembered.outcome
end
--- Whether this config's decisions under `flags` may be keyed by the consumer (see ContextReads.consumerKeyed).
local function consumerKeyed(conf, flags)
    if not flags.reads.consumerKeyed then
        return false
    end
    for property in pairs(conf.context_headers or ({})) do
        if CONSUMER_PROPERTIES[property] == true then
            return false
        end
    end
    return true
end
CONSUMER_PROPERTIES = {
    userId = true,
    consumer = true,
    plan = true,
    tier = true,
    environment = true,
    appName = true
}
function ____exports.featureToggleAccess(conf, facts, consumer)
    local caps = {
        now = now(),
        random = random,
        regex = luaRegex
    }
    local prepared = prepare(conf)
    local remote = unleashFlags(conf)
    local outcome = decideFeatures(
        conf,
        prepared,
        facts,
        caps,
        remote
    )
    local decisions = prepared.memo
    if consumer == nil or decisions == nil or not lastDecisionKept() then
        return outcome
    end
    if requestField(prepared, facts, "userId") == nil or not consumerKeyed(conf, decisions.flags) then
        return outcome
    end
    local memo = memos[conf]
    if memo == nil then
        memo = {
            size = conf.decision_cache_size,
            remoteSource = conf.unleash ~= nil or conf.bootstrap_file ~= nil,
            current = consumerTable(),
            previous = consumerTable(),
            count = 0
        }
        memos[conf] = memo
    end
    keep(
        memo,
        consumer,
        {
            outcome = outcome,
            memo = decisions,
            remote = remote,
            cell = cellAt(decisions, caps.now * 1000),
            tier = facts.decidedTier
        }
    )
    return outcome
end
function ____exports.featureToggleNeeds(conf)
    return prepare(conf).needs
end
return ____exports
