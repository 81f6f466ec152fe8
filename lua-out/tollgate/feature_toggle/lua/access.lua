--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____decide = require("tollgate.feature_toggle.decide")
local decideFeatures = ____decide.decideFeatures
local lastDecisionKept = ____decide.lastDecisionKept
local prepare = ____decide.prepare
local requestField = ____decide.requestField
local ____evaluate = require("tollgate.feature_toggle.evaluate")
local CONSUMER_FIELDS = ____evaluate.CONSUMER_FIELDS
local ____consumer_2Dmemo = require("tollgate.hosts.lua.consumer_memo")
local keepFor = ____consumer_2Dmemo.keepFor
local newMemosByConfig = ____consumer_2Dmemo.newMemosByConfig
local recallFor = ____consumer_2Dmemo.recallFor
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
    -- plugins/feature-toggle/lua/access.ts:25
    if clockOffset == nil then
        clockOffset = tonumber(os.getenv("TOLLGATE_TEST_CLOCK_OFFSET") or "0") or 0
    end
    return ngx.now() + clockOffset
end
local function luaRegex(pattern, flags, subject)
    -- plugins/feature-toggle/lua/access.ts:30
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
    -- plugins/feature-toggle/lua/access.ts:36
    return math.random()
end
local decisions = newMemosByConfig()
--- The decision remembered for this consumer under this config, when still good; else
-- undefined (then call featureToggleAccess). `consumer`: the host's consumer table;
-- `decidedTier`: what an earlier plugin decided (kong.ctx.shared / ctx tollgate_tier).
function ____exports.rememberedFeatures(conf, consumer, decidedTier)
    -- plugins/feature-toggle/lua/access.ts:68
    local remembered = recallFor(decisions, conf, consumer)
    if remembered == nil or remembered.tier ~= decidedTier then
        return nil
    end
    if #remembered.memo.flags.reads.instants > 0 and cellAt(
        remembered.memo,
        now() * 1000
    ) ~= remembered.cell then
        return nil
    end
    if remembered.remoteSource and unleashFlags(conf) ~= remembered.remote then
        return nil
    end
    return remembered.outcome
end
--- Whether this config's decisions under `flags` may be keyed by the consumer (see ContextReads.consumerKeyed).
local function consumerKeyed(conf, flags)
    -- plugins/feature-toggle/lua/access.ts:77
    if not flags.reads.consumerKeyed then
        return false
    end
    for property in pairs(conf.context_headers or ({})) do
        if CONSUMER_FIELDS[property] == true then
            return false
        end
    end
    return true
end
--- The capabilities of the request being decided: one table, its clock set per request (a decision never yields).
local caps = {now = 0, random = random, regex = luaRegex}
function ____exports.featureToggleAccess(conf, facts, consumer)
    -- plugins/feature-toggle/lua/access.ts:88
    caps.now = now()
    local prepared = prepare(conf)
    local remote = unleashFlags(conf)
    local outcome = decideFeatures(
        conf,
        prepared,
        facts,
        caps,
        remote
    )
    local memo = prepared.memo
    if consumer == nil or memo == nil or not lastDecisionKept() then
        return outcome
    end
    if requestField(prepared, facts, "userId") == nil or not consumerKeyed(conf, memo.flags) then
        return outcome
    end
    local remoteSource = conf.unleash ~= nil or conf.bootstrap_file ~= nil
    keepFor(
        decisions,
        conf,
        conf.decision_cache_size,
        consumer,
        {
            outcome = outcome,
            memo = memo,
            remote = remote,
            cell = cellAt(memo, caps.now * 1000),
            tier = facts.decidedTier,
            remoteSource = remoteSource
        }
    )
    return outcome
end
function ____exports.featureToggleNeeds(conf)
    -- plugins/feature-toggle/lua/access.ts:101
    return prepare(conf).needs
end
return ____exports
