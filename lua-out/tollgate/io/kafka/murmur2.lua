--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local byteAt = ____bytes.byteAt
local int32LE = ____bytes.int32LE
local SEED = bit.bor(2538058380, 0)
local M = 1540483477
local R = 24
--- a * b modulo 2^32, as a signed 32-bit integer (Java's int multiplication). The result
-- goes through a local: `return bit.bor(…)` would end in a tail call to a builtin, which
-- LuaJIT cannot return from in a trace (see byteAt in ./bytes).
local function mul32(a, b)
    -- plugins/io/kafka/murmur2.ts:24
    local low = bit.band(a, 65535) * b
    local high = bit.lshift(
        bit.band(
            bit.band(
                bit.rshift(a, 16),
                65535
            ) * b,
            65535
        ),
        16
    )
    local product = bit.bor(low + high, 0)
    return product
end
--- Kafka's murmur2 of a byte string, as Java's signed int (-2^31 … 2^31 - 1).
function ____exports.murmur2(data)
    -- plugins/io/kafka/murmur2.ts:32
    local length = #data
    local h = bit.bxor(SEED, length)
    local whole = length - length % 4
    do
        local i = 0
        while i < whole do
            local k = mul32(
                int32LE(data, i),
                M
            )
            k = bit.bxor(
                k,
                bit.rshift(k, R)
            )
            k = mul32(k, M)
            h = mul32(h, M)
            h = bit.bxor(h, k)
            i = i + 4
        end
    end
    local rest = length % 4
    if rest == 3 then
        h = bit.bxor(
            h,
            bit.lshift(
                byteAt(data, whole + 2),
                16
            )
        )
    end
    if rest >= 2 then
        h = bit.bxor(
            h,
            bit.lshift(
                byteAt(data, whole + 1),
                8
            )
        )
    end
    if rest >= 1 then
        h = bit.bxor(
            h,
            byteAt(data, whole)
        )
        h = mul32(h, M)
    end
    h = bit.bxor(
        h,
        bit.rshift(h, 13)
    )
    h = mul32(h, M)
    h = bit.bxor(
        h,
        bit.rshift(h, 15)
    )
    local hash = bit.bor(h, 0)
    return hash
end
--- The partition (0 … numPartitions - 1) the Java client chooses for a record with this key.
function ____exports.partitionForKey(key, numPartitions)
    -- plugins/io/kafka/murmur2.ts:58
    local partition = bit.band(
        ____exports.murmur2(key),
        2147483647
    ) % numPartitions
    return partition
end
return ____exports
