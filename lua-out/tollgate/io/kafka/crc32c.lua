--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local byteAt = ____bytes.byteAt
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
        TABLE[#TABLE + 1] = crc
        n = n + 1
    end
end
--- The CRC register after the bytes `first` … `last - 1` of `data`, from register `crc`.
local function update(crc, data, first, last)
    do
        local i = first
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
    return v < 0 and v + 4294967296 or v
end
--- CRC-32C of the bytes `first` … `last - 1` (0-based; default: all) of a byte string, 0 … 2^32 - 1.
function ____exports.crc32c(data, first, last)
    if first == nil then
        first = 0
    end
    if last == nil then
        last = #data
    end
    return ____exports.unsigned32(bit.bxor(
        update(
            bit.bor(4294967295, 0),
            data,
            first,
            last
        ),
        bit.bor(4294967295, 0)
    ))
end
return ____exports
