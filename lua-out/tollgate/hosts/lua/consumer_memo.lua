--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local function generation()
    return setmetatable({}, {__mode = "k"})
end
function ____exports.newConsumerMemo(size)
    return {
        size = size,
        current = generation(),
        previous = generation(),
        count = 0
    }
end
--- Remembers `value` for `consumer` in the current generation (replacing what it held for it).
function ____exports.keepForConsumer(memo, consumer, value)
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
return ____exports
