--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local function generation()
    -- plugins/hosts/lua/consumer-memo.ts:21
    return setmetatable({}, {__mode = "k"})
end
function ____exports.newConsumerMemo(size)
    -- plugins/hosts/lua/consumer-memo.ts:25
    return {
        size = size,
        current = generation(),
        previous = generation(),
        count = 0
    }
end
--- Remembers `value` for `consumer` in the current generation (replacing what it held for it).
function ____exports.keepForConsumer(memo, consumer, value)
    -- plugins/hosts/lua/consumer-memo.ts:30
    local current = memo.current
    if current[consumer] ~= nil then
        current[consumer] = value
        return
    end
    if memo.count >= memo.size then
        memo.previous = current
        memo.current = generation()
        memo.count = 0
    end
    memo.current[consumer] = value
    memo.count = memo.count + 1
end
--- What is remembered for `consumer`, or undefined.
function ____exports.recallForConsumer(memo, consumer)
    -- plugins/hosts/lua/consumer-memo.ts:47
    local value = memo.current[consumer]
    if value ~= nil then
        return value
    end
    local older = memo.previous[consumer]
    if older ~= nil then
        ____exports.keepForConsumer(memo, consumer, older)
    end
    return older
end
function ____exports.newMemosByConfig()
    -- plugins/hosts/lua/consumer-memo.ts:58
    return setmetatable({}, {__mode = "k"})
end
--- What is remembered for `consumer` under `conf`, or undefined (also for no consumer).
function ____exports.recallFor(memos, conf, consumer)
    -- plugins/hosts/lua/consumer-memo.ts:63
    if consumer == nil then
        return nil
    end
    local memo = memos[conf]
    local ____temp_0
    if memo == nil then
        ____temp_0 = nil
    else
        ____temp_0 = ____exports.recallForConsumer(memo, consumer)
    end
    return ____temp_0
end
--- Remembers `value` for `consumer` under `conf`, whose memo holds `size` consumers per generation.
function ____exports.keepFor(memos, conf, size, consumer, value)
    -- plugins/hosts/lua/consumer-memo.ts:70
    local memo = memos[conf]
    if memo == nil then
        memo = ____exports.newConsumerMemo(size)
        memos[conf] = memo
    end
    ____exports.keepForConsumer(memo, consumer, value)
end
return ____exports
