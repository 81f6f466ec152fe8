local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local __TS__StringStartsWith = ____lualib.__TS__StringStartsWith
local __TS__StringEndsWith = ____lualib.__TS__StringEndsWith
local __TS__ArrayFilter = ____lualib.__TS__ArrayFilter
local ____exports = {}
local lower, constantResult, contextReads, randomValue, currentTimeMs, operatorResult, constraintHolds, constraintsHold, firstEnabled, rolloutStickiness, inRollout, strategyRule, strategyEnabled, conditionsHold, variantSeed, chooseVariant, dependenciesMet, withVariant, OFF_DISABLED, OFF_NOT_STARTED, OFF_ENDED, OFF_DEPENDENCY, OFF_NOT_TARGETED, NOT_FOUND
local ____cidr = require("tollgate.core.cidr")
local ipInStrings = ____cidr.ipInStrings
local ____buckets = require("tollgate.feature_toggle.buckets")
local bucketOf = ____buckets.bucketOf
local newBucketBudget = ____buckets.newBucketBudget
local newBucketTable = ____buckets.newBucketTable
local ____parse = require("tollgate.feature_toggle.parse")
local compareSemver = ____parse.compareSemver
local parseDecimal = ____parse.parseDecimal
local parseIsoTime = ____parse.parseIsoTime
local parseSemver = ____parse.parseSemver
local splitTrimmed = ____parse.splitTrimmed
local trim = ____parse.trim
local ____regex = require("tollgate.feature_toggle.regex")
local portableRegex = ____regex.portableRegex
function lower(s)
    -- plugins/feature-toggle/evaluate.ts:263
    return string.lower(s)
end
function constantResult(compiled)
    -- plugins/feature-toggle/evaluate.ts:456
    if not compiled.source.enabled then
        return OFF_DISABLED
    end
    if compiled.gated then
        return nil
    end
    if #compiled.strategies == 0 then
        return compiled.variants == nil and compiled.plain or nil
    end
    local first = compiled.strategies[1]
    if first.source.name == "default" and not first.conditional and first.matchedVariants == nil then
        return first.hit
    end
    return nil
end
function contextReads(features, segments)
    -- plugins/feature-toggle/evaluate.ts:471
    local fields = {}
    --- Fields read whatever the userId (fields less default stickiness's fallbacks).
    local always = {}
    local function read(field)
        -- plugins/feature-toggle/evaluate.ts:475
        fields[field] = true
        always[field] = true
    end
    local instants = {}
    local function readConstraints(constraints)
        -- plugins/feature-toggle/evaluate.ts:480
        for ____, constraint in ipairs(constraints) do
            local operator = constraint.source.operator
            if operator == "DATE_AFTER" or operator == "DATE_BEFORE" then
                if constraint.time ~= nil then
                    instants[tostring(constraint.time)] = constraint.time
                end
            else
                read(constraint.source.contextName)
            end
        end
    end
    local function readStickiness(stickiness, fallbackToAddress)
        -- plugins/feature-toggle/evaluate.ts:491
        if stickiness == nil or stickiness == "default" then
            read("userId")
            fields.sessionId = true
            if fallbackToAddress then
                fields.remoteAddress = true
            end
        elseif stickiness ~= "random" then
            read(stickiness)
        end
    end
    local function readVariants(variants)
        -- plugins/feature-toggle/evaluate.ts:500
        if variants == nil then
            return
        end
        readStickiness(variants.stickiness, true)
        for ____, definition in ipairs(variants.definitions) do
            for ____, override in ipairs(definition.overrides or ({})) do
                read(override.contextName)
            end
        end
    end
    for id in pairs(segments) do
        readConstraints(segments[id])
    end
    for name in pairs(features) do
        local feature = features[name]
        if feature.start ~= nil then
            instants[tostring(feature.start)] = feature.start
        end
        if feature["end"] ~= nil then
            instants[tostring(feature["end"])] = feature["end"]
        end
        readVariants(feature.variants)
        for ____, strategy in ipairs(feature.strategies) do
            readConstraints(strategy.constraints)
            readVariants(strategy.variants)
            local rule = strategy.source.name
            if rule == "tiers" then
                read("tier")
            elseif rule == "userWithId" or rule == "gradualRolloutUserId" then
                read("userId")
            elseif rule == "gradualRolloutSessionId" then
                read("sessionId")
            elseif rule == "remoteAddress" then
                read("remoteAddress")
            elseif rule == "flexibleRollout" then
                readStickiness(strategy.stickiness, false)
            end
        end
    end
    local fieldList = {}
    for field in pairs(fields) do
        fieldList[#fieldList + 1] = field
    end
    __TS__ArraySort(fieldList)
    local instantList = {}
    for key in pairs(instants) do
        instantList[#instantList + 1] = instants[key]
    end
    __TS__ArraySort(
        instantList,
        function(____, a, b)
            -- plugins/feature-toggle/evaluate.ts:529
            return a - b
        end
    )
    local consumerKeyed = true
    for field in pairs(always) do
        if ____exports.CONSUMER_FIELDS[field] ~= true then
            consumerKeyed = false
        end
    end
    return {fields = fieldList, instants = instantList, consumerKeyed = consumerKeyed}
end
--- A context field as every rule reads it (see ContextValues).
function ____exports.contextValue(values, field)
    -- plugins/feature-toggle/evaluate.ts:590
    local value = values[field]
    return type(value) == "string" and value ~= "" and value or nil
end
function randomValue(caps)
    -- plugins/feature-toggle/evaluate.ts:596
    return tostring(math.floor(caps.random() * 10000) + 1)
end
function currentTimeMs(context, caps)
    -- plugins/feature-toggle/evaluate.ts:600
    local currentTime = ____exports.contextValue(context, "currentTime")
    if currentTime ~= nil then
        return parseIsoTime(currentTime)
    end
    return caps.now * 1000
end
function operatorResult(compiled, context, caps)
    -- plugins/feature-toggle/evaluate.ts:606
    local constraint = compiled.source
    local operator = constraint.operator
    local actual = ____exports.contextValue(context, constraint.contextName)
    do
        local ____switch118 = operator
        local ____cond118 = ____switch118 == "IN"
        if ____cond118 then
            return actual ~= nil and compiled.set[actual] == true
        end
        ____cond118 = ____cond118 or ____switch118 == "NOT_IN"
        if ____cond118 then
            return actual == nil or compiled.set[actual] ~= true
        end
        ____cond118 = ____cond118 or (____switch118 == "STR_STARTS_WITH" or ____switch118 == "STR_ENDS_WITH" or ____switch118 == "STR_CONTAINS")
        if ____cond118 then
            do
                if actual == nil then
                    return false
                end
                local subject = constraint.caseInsensitive == true and lower(actual) or actual
                for ____, value in ipairs(compiled.strings) do
                    if operator == "STR_STARTS_WITH" and __TS__StringStartsWith(subject, value) then
                        return true
                    end
                    if operator == "STR_ENDS_WITH" and __TS__StringEndsWith(subject, value) then
                        return true
                    end
                    if operator == "STR_CONTAINS" and (string.find(subject, value, nil, true) or 0) - 1 >= 0 then
                        return true
                    end
                end
                return false
            end
        end
        ____cond118 = ____cond118 or (____switch118 == "NUM_EQ" or ____switch118 == "NUM_GT" or ____switch118 == "NUM_GTE" or ____switch118 == "NUM_LT" or ____switch118 == "NUM_LTE")
        if ____cond118 then
            do
                local b = compiled.number
                if actual == nil or b == nil then
                    return false
                end
                local a = parseDecimal(actual)
                if a == nil then
                    return false
                end
                if operator == "NUM_EQ" then
                    return a == b
                end
                if operator == "NUM_GT" then
                    return a > b
                end
                if operator == "NUM_GTE" then
                    return a >= b
                end
                if operator == "NUM_LT" then
                    return a < b
                end
                return a <= b
            end
        end
        ____cond118 = ____cond118 or (____switch118 == "DATE_AFTER" or ____switch118 == "DATE_BEFORE")
        if ____cond118 then
            do
                local limit = compiled.time
                local now = currentTimeMs(context, caps)
                if limit == nil or now == nil then
                    return false
                end
                local ____temp_6
                if operator == "DATE_AFTER" then
                    ____temp_6 = now > limit
                else
                    ____temp_6 = now < limit
                end
                return ____temp_6
            end
        end
        ____cond118 = ____cond118 or (____switch118 == "SEMVER_EQ" or ____switch118 == "SEMVER_GT" or ____switch118 == "SEMVER_GTE" or ____switch118 == "SEMVER_LT" or ____switch118 == "SEMVER_LTE")
        if ____cond118 then
            do
                local b = compiled.semver
                if actual == nil or b == nil then
                    return false
                end
                local a = parseSemver(actual)
                if a == nil then
                    return false
                end
                local c = compareSemver(a, b)
                if operator == "SEMVER_EQ" then
                    return c == 0
                end
                if operator == "SEMVER_GT" then
                    return c > 0
                end
                if operator == "SEMVER_GTE" then
                    return c >= 0
                end
                if operator == "SEMVER_LT" then
                    return c < 0
                end
                return c <= 0
            end
        end
        ____cond118 = ____cond118 or ____switch118 == "IN_CIDR"
        if ____cond118 then
            return actual ~= nil and ipInStrings(actual, compiled.ranges)
        end
    end
    return false
end
function constraintHolds(compiled, context, caps)
    -- plugins/feature-toggle/evaluate.ts:671
    if compiled.source.operator == "REGEX" then
        local actual = ____exports.contextValue(context, compiled.source.contextName)
        local portable = compiled.regex
        if actual == nil or portable == nil or caps.regex == nil then
            return false
        end
        local matched = caps.regex(portable.pattern, portable.flags, actual)
        if matched == nil then
            return false
        end
        local ____compiled_inverted_7
        if compiled.inverted then
            ____compiled_inverted_7 = not matched
        else
            ____compiled_inverted_7 = matched
        end
        return ____compiled_inverted_7
    end
    local result = operatorResult(compiled, context, caps)
    local ____compiled_inverted_8
    if compiled.inverted then
        ____compiled_inverted_8 = not result
    else
        ____compiled_inverted_8 = result
    end
    return ____compiled_inverted_8
end
function constraintsHold(constraints, context, caps)
    -- plugins/feature-toggle/evaluate.ts:691
    local count = #constraints
    if count == 0 then
        return true
    end
    if not constraintHolds(constraints[1], context, caps) then
        return false
    end
    if count == 1 then
        return true
    end
    if not constraintHolds(constraints[2], context, caps) then
        return false
    end
    do
        local i = 2
        while i < count do
            if not constraintHolds(constraints[i + 1], context, caps) then
                return false
            end
            i = i + 1
        end
    end
    return true
end
function firstEnabled(strategies, context, caps)
    -- plugins/feature-toggle/evaluate.ts:702
    local first = strategies[1]
    if strategyEnabled(first, context, caps) then
        return first
    end
    local count = #strategies
    do
        local i = 1
        while i < count do
            if strategyEnabled(strategies[i + 1], context, caps) then
                return strategies[i + 1]
            end
            i = i + 1
        end
    end
    return nil
end
function rolloutStickiness(stickiness, context, caps)
    -- plugins/feature-toggle/evaluate.ts:710
    if stickiness == "default" then
        return ____exports.contextValue(context, "userId") or ____exports.contextValue(context, "sessionId") or randomValue(caps)
    end
    if stickiness == "random" then
        return randomValue(caps)
    end
    return ____exports.contextValue(context, stickiness)
end
function inRollout(strategy, id)
    -- plugins/feature-toggle/evaluate.ts:716
    return id ~= nil and strategy.rollout > 0 and bucketOf(strategy.buckets, id) <= strategy.rollout
end
function strategyRule(strategy, context, caps)
    -- plugins/feature-toggle/evaluate.ts:726
    local name = strategy.source.name
    if name == "default" then
        return true
    end
    if name == "tiers" then
        local tier = ____exports.contextValue(context, "tier")
        return tier ~= nil and strategy.list[tier] == true
    end
    if name == "flexibleRollout" then
        return inRollout(
            strategy,
            rolloutStickiness(strategy.stickiness, context, caps)
        )
    end
    if name == "userWithId" then
        local userId = ____exports.contextValue(context, "userId")
        return userId ~= nil and strategy.list[userId] == true
    end
    if name == "applicationHostname" then
        return caps.hostname ~= nil and strategy.list[lower(caps.hostname)] == true
    end
    if name == "remoteAddress" then
        local address = ____exports.contextValue(context, "remoteAddress")
        if address == nil then
            return false
        end
        for ____, range in ipairs(strategy.ips) do
            if range == address or ipInStrings(address, {range}) then
                return true
            end
        end
        return false
    end
    if name == "gradualRolloutUserId" then
        return inRollout(
            strategy,
            ____exports.contextValue(context, "userId")
        )
    end
    if name == "gradualRolloutSessionId" then
        return inRollout(
            strategy,
            ____exports.contextValue(context, "sessionId")
        )
    end
    if name == "gradualRolloutRandom" then
        return strategy.rollout >= math.floor(caps.random() * 100) + 1
    end
    return false
end
function strategyEnabled(strategy, context, caps)
    -- plugins/feature-toggle/evaluate.ts:753
    if strategy.conditional and not conditionsHold(strategy, context, caps) then
        return false
    end
    return strategyRule(strategy, context, caps)
end
function conditionsHold(strategy, context, caps)
    -- plugins/feature-toggle/evaluate.ts:759
    if strategy.disabled or strategy.missingSegment then
        return false
    end
    if strategy.segments ~= nil then
        for ____, segment in ipairs(strategy.segments) do
            if not constraintsHold(segment, context, caps) then
                return false
            end
        end
    end
    return constraintsHold(strategy.constraints, context, caps)
end
function variantSeed(stickiness, context, caps)
    -- plugins/feature-toggle/evaluate.ts:767
    if stickiness ~= nil and stickiness ~= "default" then
        return ____exports.contextValue(context, stickiness) or randomValue(caps)
    end
    return ____exports.contextValue(context, "userId") or ____exports.contextValue(context, "sessionId") or ____exports.contextValue(context, "remoteAddress") or randomValue(caps)
end
function chooseVariant(variants, context, caps)
    -- plugins/feature-toggle/evaluate.ts:772
    local definitions = variants.definitions
    if variants.hasOverrides then
        do
            local i = 0
            while i < #definitions do
                do
                    local overrides = definitions[i + 1].overrides
                    if overrides == nil then
                        goto __continue190
                    end
                    for ____, override in ipairs(overrides) do
                        do
                            local actual = ____exports.contextValue(context, override.contextName)
                            if actual == nil then
                                goto __continue192
                            end
                            for ____, value in ipairs(override.values) do
                                if value == actual then
                                    return variants.byOverride[i + 1]
                                end
                            end
                        end
                        ::__continue192::
                    end
                end
                ::__continue190::
                i = i + 1
            end
        end
    end
    local target = bucketOf(
        variants.buckets,
        variantSeed(variants.stickiness, context, caps)
    )
    local bounds = variants.bounds
    if bounds[1] >= target then
        return variants.bySplit[1]
    end
    local count = #bounds
    if count > 1 and bounds[2] >= target then
        return variants.bySplit[2]
    end
    do
        local i = 2
        while i < count do
            if bounds[i + 1] >= target then
                return variants.bySplit[i + 1]
            end
            i = i + 1
        end
    end
    return nil
end
function dependenciesMet(feature, flags, context, caps)
    -- plugins/feature-toggle/evaluate.ts:796
    if feature.dependencies == nil then
        return true
    end
    for ____, dependency in ipairs(feature.dependencies) do
        do
            local parent = ____exports.featureNamed(flags, dependency.feature)
            if parent == nil or parent.source.dependencies ~= nil and #parent.source.dependencies > 0 then
                return false
            end
            local result = ____exports.evaluateFeature(parent, flags, context, caps)
            if dependency.enabled == false then
                if result.enabled then
                    return false
                end
                goto __continue205
            end
            if not result.enabled then
                return false
            end
            local wanted = dependency.variants
            if wanted ~= nil and #wanted > 0 then
                local found = false
                for ____, name in ipairs(wanted) do
                    if name == result.variant.name then
                        found = true
                    end
                end
                if not found then
                    return false
                end
            end
        end
        ::__continue205::
    end
    return true
end
function ____exports.evaluateFeature(compiled, flags, context, caps)
    -- plugins/feature-toggle/evaluate.ts:818
    local constant = compiled.constant
    if constant ~= nil then
        return constant
    end
    if compiled.gated then
        if compiled.start ~= nil and caps.now * 1000 < compiled.start then
            return OFF_NOT_STARTED
        end
        if compiled["end"] ~= nil and caps.now * 1000 >= compiled["end"] then
            return OFF_ENDED
        end
        if not dependenciesMet(compiled.source, flags, context, caps) then
            return OFF_DEPENDENCY
        end
    end
    local strategies = compiled.strategies
    if strategies[1] == nil then
        return withVariant(compiled.plain, compiled.variants, context, caps)
    end
    local matched = firstEnabled(strategies, context, caps)
    if matched == nil then
        return OFF_NOT_TARGETED
    end
    return withVariant(matched.hit, matched.matchedVariants, context, caps)
end
function withVariant(hit, variants, context, caps)
    -- plugins/feature-toggle/evaluate.ts:836
    return variants == nil and hit or (chooseVariant(variants, context, caps) or hit)
end
--- The compiled flag of that name in the state, if it has one. Compared by name: in
-- JavaScript a name such as "constructor" or "__proto__" finds an inherited property of
-- the plain object (an Unleash state or a required flag may name anything).
function ____exports.featureNamed(flags, name)
    -- plugins/feature-toggle/evaluate.ts:845
    local feature = flags.features[name]
    local ____temp_11 = feature ~= nil
    if ____temp_11 then
        local ____opt_9 = feature.source
        ____temp_11 = (____opt_9 and ____opt_9.name) == name
    end
    return ____temp_11 and feature or nil
end
--- evaluate, for a context already resolved.
function ____exports.evaluateIn(flags, name, context, caps)
    -- plugins/feature-toggle/evaluate.ts:859
    local feature = ____exports.featureNamed(flags, name)
    if feature == nil then
        return NOT_FOUND
    end
    return ____exports.evaluateFeature(feature, flags, context, caps)
end
--- Seed of variant hashing in every Unleash SDK.
____exports.VARIANT_SEED = 86028157
local DISABLED_VARIANT = {name = "disabled", enabled = false, feature_enabled = false}
local ENABLED_NO_VARIANT = {name = "disabled", enabled = false, feature_enabled = true}
local function off(reason, detail)
    -- plugins/feature-toggle/evaluate.ts:252
    return {enabled = false, variant = DISABLED_VARIANT, reason = reason, detail = detail}
end
OFF_DISABLED = off("DISABLED", "disabled")
OFF_NOT_STARTED = off("DISABLED", "not_started")
OFF_ENDED = off("DISABLED", "ended")
OFF_DEPENDENCY = off("DISABLED", "dependency")
OFF_NOT_TARGETED = off("DEFAULT", "not_targeted")
NOT_FOUND = {
    enabled = false,
    variant = DISABLED_VARIANT,
    reason = "ERROR",
    errorCode = "FLAG_NOT_FOUND",
    detail = "not_found"
}
local function compileConstraint(constraint)
    -- plugins/feature-toggle/evaluate.ts:267
    local compiled = {source = constraint, inverted = constraint.inverted == true}
    local values = constraint.values or ({})
    local insensitive = constraint.caseInsensitive == true
    do
        local ____switch5 = constraint.operator
        local ____cond5 = ____switch5 == "IN" or ____switch5 == "NOT_IN"
        if ____cond5 then
            do
                local set = {}
                for ____, value in ipairs(values) do
                    set[trim(value)] = true
                end
                compiled.set = set
                goto ____switch_end_2
            end
        end
        ____cond5 = ____cond5 or (____switch5 == "STR_STARTS_WITH" or ____switch5 == "STR_ENDS_WITH" or ____switch5 == "STR_CONTAINS")
        if ____cond5 then
            do
                local strings = {}
                for ____, value in ipairs(values) do
                    strings[#strings + 1] = insensitive and lower(value) or value
                end
                compiled.strings = strings
                goto ____switch_end_2
            end
        end
        ____cond5 = ____cond5 or ____switch5 == "IN_CIDR"
        if ____cond5 then
            do
                local ranges = {}
                for ____, value in ipairs(values) do
                    ranges[#ranges + 1] = trim(value)
                end
                compiled.ranges = ranges
                goto ____switch_end_2
            end
        end
        ____cond5 = ____cond5 or (____switch5 == "NUM_EQ" or ____switch5 == "NUM_GT" or ____switch5 == "NUM_GTE" or ____switch5 == "NUM_LT" or ____switch5 == "NUM_LTE")
        if ____cond5 then
            if constraint.value ~= nil then
                compiled.number = parseDecimal(constraint.value)
            end
            goto ____switch_end_2
        end
        ____cond5 = ____cond5 or (____switch5 == "DATE_AFTER" or ____switch5 == "DATE_BEFORE")
        if ____cond5 then
            if constraint.value ~= nil then
                compiled.time = parseIsoTime(constraint.value)
            end
            goto ____switch_end_2
        end
        ____cond5 = ____cond5 or (____switch5 == "SEMVER_EQ" or ____switch5 == "SEMVER_GT" or ____switch5 == "SEMVER_GTE" or ____switch5 == "SEMVER_LT" or ____switch5 == "SEMVER_LTE")
        if ____cond5 then
            if constraint.value ~= nil then
                compiled.semver = parseSemver(constraint.value)
            end
            goto ____switch_end_2
        end
        ____cond5 = ____cond5 or ____switch5 == "REGEX"
        if ____cond5 then
            if constraint.value ~= nil then
                compiled.regex = portableRegex(constraint.value, insensitive)
            end
            goto ____switch_end_2
        end
    end
    ::____switch_end_2::
    return compiled
end
local function compileConstraints(constraints)
    -- plugins/feature-toggle/evaluate.ts:318
    local compiled = {}
    if constraints ~= nil then
        for ____, constraint in ipairs(constraints) do
            compiled[#compiled + 1] = compileConstraint(constraint)
        end
    end
    return compiled
end
local function parameter(strategy, name)
    -- plugins/feature-toggle/evaluate.ts:324
    local ____opt_0 = strategy.parameters
    local value = ____opt_0 and ____opt_0[name]
    if value == nil then
        return nil
    end
    return type(value) == "number" and tostring(value) or value
end
local function listSet(strategy, name, lowerCase)
    -- plugins/feature-toggle/evaluate.ts:330
    local set = {}
    local list = parameter(strategy, name)
    if list ~= nil then
        for ____, item in ipairs(splitTrimmed(list, ",")) do
            if item ~= "" then
                set[lowerCase and lower(item) or item] = true
            end
        end
    end
    return set
end
local function compileVariants(definitions, groupId, inherited, budget)
    -- plugins/feature-toggle/evaluate.ts:339
    if definitions == nil or #definitions == 0 then
        return nil
    end
    local total = 0
    local hasOverrides = false
    local bounds = {}
    local bySplit = {}
    local byOverride = {}
    for ____, definition in ipairs(definitions) do
        total = total + definition.weight
        bounds[#bounds + 1] = total
        if definition.overrides ~= nil and #definition.overrides > 0 then
            hasOverrides = true
        end
        local variant = {name = definition.name, enabled = true, feature_enabled = true, payload = definition.payload}
        bySplit[#bySplit + 1] = {enabled = true, variant = variant, reason = "SPLIT"}
        byOverride[#byOverride + 1] = {enabled = true, variant = variant, reason = "TARGETING_MATCH"}
    end
    if total <= 0 then
        return nil
    end
    return {
        definitions = definitions,
        total = total,
        stickiness = definitions[1].stickiness or inherited,
        bounds = bounds,
        buckets = newBucketTable(budget, groupId, ____exports.VARIANT_SEED, total),
        bySplit = bySplit,
        byOverride = byOverride,
        hasOverrides = hasOverrides
    }
end
--- The strategies that bucket callers by murmur3.
local ROLLOUT_RULES = {flexibleRollout = true, gradualRolloutUserId = true, gradualRolloutSessionId = true}
local function strategyReason(strategy)
    -- plugins/feature-toggle/evaluate.ts:370
    local targeted = strategy.constraints ~= nil and #strategy.constraints > 0 or strategy.segments ~= nil and #strategy.segments > 0
    if strategy.name == "flexibleRollout" or strategy.name == "gradualRolloutUserId" or strategy.name == "gradualRolloutSessionId" or strategy.name == "gradualRolloutRandom" then
        return "SPLIT"
    end
    if strategy.name == "default" and not targeted then
        return "STATIC"
    end
    return "TARGETING_MATCH"
end
local function compileStrategy(strategy, feature, segments, budget)
    -- plugins/feature-toggle/evaluate.ts:377
    local compiledSegments
    local missingSegment = false
    if strategy.segments ~= nil and #strategy.segments > 0 then
        compiledSegments = {}
        for ____, id in ipairs(strategy.segments) do
            local segment = segments[tostring(id)]
            if segment == nil then
                missingSegment = true
            else
                compiledSegments[#compiledSegments + 1] = segment
            end
        end
    end
    local reason = strategyReason(strategy)
    local name = strategy.name
    local rollout = parameter(strategy, name == "flexibleRollout" and "rollout" or "percentage")
    local stickiness = parameter(strategy, "stickiness")
    local groupId = parameter(strategy, "groupId") or (name == "flexibleRollout" and feature.name or "")
    local compiled = {
        source = strategy,
        disabled = strategy.disabled == true,
        segments = compiledSegments,
        missingSegment = missingSegment,
        constraints = compileConstraints(strategy.constraints),
        conditional = strategy.disabled == true or missingSegment or compiledSegments ~= nil or strategy.constraints ~= nil and #strategy.constraints > 0,
        rollout = rollout == nil and 0 or (parseDecimal(rollout) or 0),
        stickiness = (stickiness == nil or stickiness == "") and "default" or stickiness,
        buckets = ROLLOUT_RULES[name] == true and newBucketTable(budget, groupId, 0, 100) or nil,
        variants = compileVariants(
            strategy.variants,
            parameter(strategy, "groupId") or feature.name,
            stickiness,
            budget
        ),
        matchedVariants = nil,
        hit = {enabled = true, variant = ENABLED_NO_VARIANT, reason = reason}
    }
    if name == "userWithId" then
        compiled.list = listSet(strategy, "userIds", false)
    end
    if name == "tiers" then
        compiled.list = listSet(strategy, "tiers", false)
    end
    if name == "applicationHostname" then
        compiled.list = listSet(strategy, "hostNames", true)
    end
    if name == "remoteAddress" then
        local ips = parameter(strategy, "IPs")
        compiled.ips = ips == nil and ({}) or splitTrimmed(ips, ",")
    end
    return compiled
end
function ____exports.prepareFlags(state)
    -- plugins/feature-toggle/evaluate.ts:422
    local segments = {}
    for ____, segment in ipairs(state.segments or ({})) do
        segments[tostring(segment.id)] = compileConstraints(segment.constraints)
    end
    local features = {}
    local budget = newBucketBudget()
    for ____, feature in ipairs(state.features) do
        local strategies = {}
        for ____, strategy in ipairs(feature.strategies or ({})) do
            strategies[#strategies + 1] = compileStrategy(strategy, feature, segments, budget)
        end
        local variants = compileVariants(feature.variants, feature.name, nil, budget)
        for ____, strategy in ipairs(strategies) do
            local listed = strategy.source.variants ~= nil and #strategy.source.variants > 0
            local ____strategy_variants_3 = strategy.variants
            if ____strategy_variants_3 == nil then
                local ____listed_2
                if listed then
                    ____listed_2 = nil
                else
                    ____listed_2 = variants
                end
                ____strategy_variants_3 = ____listed_2
            end
            strategy.matchedVariants = ____strategy_variants_3
        end
        local ____temp_4
        if feature.startTime == nil then
            ____temp_4 = nil
        else
            ____temp_4 = parseIsoTime(feature.startTime)
        end
        local ____temp_5
        if feature.endTime == nil then
            ____temp_5 = nil
        else
            ____temp_5 = parseIsoTime(feature.endTime)
        end
        local compiled = {
            source = feature,
            start = ____temp_4,
            ["end"] = ____temp_5,
            strategies = strategies,
            variants = variants,
            plain = {enabled = true, variant = ENABLED_NO_VARIANT, reason = "STATIC"},
            constant = nil,
            gated = feature.startTime ~= nil or feature.endTime ~= nil or feature.dependencies ~= nil and #feature.dependencies > 0
        }
        compiled.constant = constantResult(compiled)
        features[feature.name] = compiled
    end
    return {
        features = features,
        reads = contextReads(features, segments)
    }
end
--- What an evaluation of `state` reads (ContextReads), for test vectors.
function ____exports.contextReadsOf(state)
    -- plugins/feature-toggle/evaluate.ts:536
    return ____exports.prepareFlags(state).reads
end
--- Context fields that come from the authenticated consumer or the config, not from the request.
____exports.CONSUMER_FIELDS = {
    userId = true,
    consumer = true,
    plan = true,
    tier = true,
    environment = true,
    appName = true
}
--- The context's standard fields by name.
local STANDARD_FIELDS = {
    "userId",
    "sessionId",
    "remoteAddress",
    "environment",
    "appName",
    "currentTime"
}
--- The values of a context (see ContextValues).
function ____exports.resolveContext(context)
    -- plugins/feature-toggle/evaluate.ts:571
    local values = {}
    local properties = context.properties
    if properties ~= nil then
        for name in pairs(properties) do
            do
                local property = properties[name]
                if name == "currentTime" then
                    goto __continue105
                end
                if type(property) == "string" then
                    values[name] = property
                elseif type(property) == "number" then
                    values[name] = tostring(property)
                end
            end
            ::__continue105::
        end
    end
    for ____, field in ipairs(STANDARD_FIELDS) do
        local value = context[field]
        if type(value) == "string" and value ~= "" then
            values[field] = value
        end
    end
    return values
end
--- Evaluates one flag by name. The result may be shared between calls: treat it as
-- read-only.
function ____exports.evaluate(flags, name, context, caps)
    -- plugins/feature-toggle/evaluate.ts:854
    return ____exports.evaluateIn(
        flags,
        name,
        ____exports.resolveContext(context),
        caps
    )
end
--- The state after applying delta events in order (hydration replaces everything).
function ____exports.applyDeltaEvents(state, events)
    -- plugins/feature-toggle/evaluate.ts:877
    local features = {unpack(state.features)}
    local segments = {unpack(state.segments or ({}))}
    for ____, event in ipairs(events) do
        if event.type == "hydration" then
            features = {unpack(event.features or ({}))}
            segments = {unpack(event.segments or ({}))}
        elseif event.type == "feature-updated" and event.feature ~= nil then
            local name = event.feature.name
            features = __TS__ArrayFilter(
                features,
                function(____, f)
                    -- plugins/feature-toggle/evaluate.ts:886
                    return f.name ~= name
                end
            )
            features[#features + 1] = event.feature
        elseif event.type == "feature-removed" then
            features = __TS__ArrayFilter(
                features,
                function(____, f)
                    -- plugins/feature-toggle/evaluate.ts:889
                    return f.name ~= event.featureName
                end
            )
        elseif event.type == "segment-updated" and event.segment ~= nil then
            local id = event.segment.id
            segments = __TS__ArrayFilter(
                segments,
                function(____, s)
                    -- plugins/feature-toggle/evaluate.ts:892
                    return s.id ~= id
                end
            )
            segments[#segments + 1] = event.segment
        elseif event.type == "segment-removed" then
            segments = __TS__ArrayFilter(
                segments,
                function(____, s)
                    -- plugins/feature-toggle/evaluate.ts:895
                    return s.id ~= event.segmentId
                end
            )
        end
    end
    return {features = features, segments = segments}
end
return ____exports
