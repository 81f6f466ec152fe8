--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local byteAt = ____bytes.byteAt
local int32LE = ____bytes.int32LE
--- TABLE[n]: the CRC register after shifting in the byte n (reflected, one byte at a time).
local TABLE = {}
do
    local n = 0
    while n < 256 do
        local crc = n
        do
            local k = 0
            while k < 8 do
                crc = bit.band(crc, 1) ~= 0 and bit.bxor(
                    bit.rshift(crc, 1),
                    2197175160
                ) or bit.rshift(crc, 1)
                k = k + 1
            end
        end
        TABLE[#TABLE + 1] = bit.bor(crc, 0)
        n = n + 1
    end
end
--- "Slicing by 4": TABLE1[n], TABLE2[n], TABLE3[n] are the register after shifting in the
-- byte n followed by one, two, three zero bytes, so four bytes are folded in with four
-- independent lookups instead of four dependent steps (the checksum of every RecordBatch
-- goes through here).
local TABLE1 = {}
local TABLE2 = {}
local TABLE3 = {}
do
    local n = 0
    while n < 256 do
        local one = bit.bor(
            bit.bxor(
                TABLE[bit.band(TABLE[n + 1], 255) + 1],
                bit.rshift(TABLE[n + 1], 8)
            ),
            0
        )
        local two = bit.bor(
            bit.bxor(
                TABLE[bit.band(one, 255) + 1],
                bit.rshift(one, 8)
            ),
            0
        )
        TABLE1[#TABLE1 + 1] = one
        TABLE2[#TABLE2 + 1] = two
        TABLE3[#TABLE3 + 1] = bit.bor(
            bit.bxor(
                TABLE[bit.band(two, 255) + 1],
                bit.rshift(two, 8)
            ),
            0
        )
        n = n + 1
    end
end
--- The CRC register after the bytes `first` … `last - 1` of `data`, from register `crc`.
local function update(crc, data, first, last)
    -- plugins/io/kafka/crc32c.ts:40
    local i = first
    local lastWord = last - 4
    while i <= lastWord do
        crc = bit.bxor(
            crc,
            int32LE(data, i)
        )
        crc = bit.bxor(
            bit.bxor(
                bit.bxor(
                    TABLE3[bit.band(crc, 255) + 1],
                    TABLE2[bit.band(
                        bit.rshift(crc, 8),
                        255
                    ) + 1]
                ),
                TABLE1[bit.band(
                    bit.rshift(crc, 16),
                    255
                ) + 1]
            ),
            TABLE[bit.rshift(crc, 24) + 1]
        )
        i = i + 4
    end
    do
        while i < last do
            crc = bit.bxor(
                TABLE[bit.band(
                    bit.bxor(
                        crc,
                        byteAt(data, i)
                    ),
                    255
                ) + 1],
                bit.rshift(crc, 8)
            )
            i = i + 1
        end
    end
    return crc
end
--- An unsigned 32-bit value (LuaJIT's bit operations return signed ones).
function ____exports.unsigned32(v)
    -- plugins/io/kafka/crc32c.ts:55
    return v < 0 and v + 4294967296 or v
end
--- CRC-32C of the bytes `first` … `last - 1` (0-based; default: all) of a byte string, 0 … 2^32 - 1.
function ____exports.crc32c(data, first, last)
    -- plugins/io/kafka/crc32c.ts:60
    if first == nil then
        first = 0
    end
    if last == nil then
        last = #data
    end
    local crc = ____exports.unsigned32(bit.bxor(
        update(
            bit.bor(4294967295, 0),
            data,
            first,
            last
        ),
        bit.bor(4294967295, 0)
    ))
    return crc
end
return ____exports
