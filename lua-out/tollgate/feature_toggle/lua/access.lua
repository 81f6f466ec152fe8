--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____decide = require("tollgate.feature_toggle.decide")
local decideFeatures = ____decide.decideFeatures
local prepare = ____decide.prepare
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
function ____exports.featureToggleAccess(conf, facts)
    local caps = {
        now = now(),
        random = random,
        regex = luaRegex
    }
    return decideFeatures(
        conf,
        prepare(conf),
        facts,
        caps,
        unleashFlags(conf)
    )
end
function ____exports.featureToggleNeeds(conf)
    return prepare(conf).needs
end
return ____exports
