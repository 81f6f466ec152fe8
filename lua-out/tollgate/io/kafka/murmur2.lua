--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local byteAt = ____bytes.byteAt
local SEED = bit.bor(2538058380, 0)
local M = 1540483477
local R = 24
--- a * b modulo 2^32, as a signed 32-bit integer (Java's int multiplication).
local function mul32(a, b)
    -- plugins/io/kafka/murmur2.ts:20
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
    return bit.bor(low + high, 0)
end
--- Kafka's murmur2 of a byte string, as Java's signed int (-2^31 … 2^31 - 1).
function ____exports.murmur2(data)
    -- plugins/io/kafka/murmur2.ts:27
    local length = #data
    local h = bit.bxor(SEED, length)
    local whole = length - length % 4
    do
        local i = 0
        while i < whole do
            local k = bit.bor(
                bit.bor(
                    bit.bor(
                        byteAt(data, i),
                        bit.lshift(
                            byteAt(data, i + 1),
                            8
                        )
                    ),
                    bit.lshift(
                        byteAt(data, i + 2),
                        16
                    )
                ),
                bit.lshift(
                    byteAt(data, i + 3),
                    24
                )
            )
            k = mul32(k, M)
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
    return bit.bor(h, 0)
end
--- The partition (0 … numPartitions - 1) the Java client chooses for a record with this key.
function ____exports.partitionForKey(key, numPartitions)
    -- plugins/io/kafka/murmur2.ts:54
    return bit.band(
        ____exports.murmur2(key),
        2147483647
    ) % numPartitions
end
return ____exports
