local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local ____exports = {}
--- Number of hash slots of a Redis Cluster.
____exports.SLOT_COUNT = 16384
local SLOT_MASK = 16383
--- CRC16-XMODEM lookup table: TABLE[n] is the CRC of the byte n.
local TABLE = {}
do
    local n = 0
    while n < 256 do
        local crc = bit.lshift(n, 8)
        do
            local ____bit = 0
            while ____bit < 8 do
                crc = bit.band(crc, 32768) ~= 0 and bit.band(
                    bit.bxor(
                        bit.lshift(crc, 1),
                        4129
                    ),
                    65535
                ) or bit.band(
                    bit.lshift(crc, 1),
                    65535
                )
                ____bit = ____bit + 1
            end
        end
        TABLE[#TABLE + 1] = crc
        n = n + 1
    end
end
--- True where strings are byte strings (LuaJIT): `"é".length` is 2 there (two UTF-8
-- bytes) and 1 in JavaScript (one UTF-16 unit).
local BYTE_STRINGS = #"é" == 2
--- The byte (Lua) or UTF-16 unit (JavaScript) at 0-based `i`; braces are ASCII in both.
local unitAt = BYTE_STRINGS and (function(s, i)
    -- plugins/io/redis-slot.ts:44
    return string.byte(s, i + 1)
end) or (function(s, i)
    -- plugins/io/redis-slot.ts:45
    return __TS__StringCharCodeAt(s, i)
end)
--- CRC16-XMODEM of the bytes `first` .. `last - 1` of a byte string (Lua).
local function crc16Bytes(key, first, last)
    -- plugins/io/redis-slot.ts:48
    local crc = 0
    do
        local i = first
        while i < last do
            crc = bit.bxor(
                bit.band(
                    bit.lshift(crc, 8),
                    65535
                ),
                TABLE[bit.band(
                    bit.bxor(
                        bit.arshift(crc, 8),
                        unitAt(key, i)
                    ),
                    255
                ) + 1]
            )
            i = i + 1
        end
    end
    return crc
end
--- Feeds one byte into a CRC16-XMODEM.
local function crc16Step(crc, byte)
    -- plugins/io/redis-slot.ts:57
    return bit.bxor(
        bit.band(
            bit.lshift(crc, 8),
            65535
        ),
        TABLE[bit.band(
            bit.bxor(
                bit.arshift(crc, 8),
                byte
            ),
            255
        ) + 1]
    )
end
--- CRC16-XMODEM of the UTF-8 encoding of the UTF-16 units `first` .. `last - 1` (JavaScript).
local function crc16Utf16(key, first, last)
    -- plugins/io/redis-slot.ts:62
    local crc = 0
    do
        local i = first
        while i < last do
            do
                local code = __TS__StringCharCodeAt(key, i)
                if code < 128 then
                    crc = crc16Step(crc, code)
                    goto __continue14
                end
                if code >= 55296 and code <= 56319 and i + 1 < last then
                    local low = __TS__StringCharCodeAt(key, i + 1)
                    if low >= 56320 and low <= 57343 then
                        code = 65536 + bit.lshift(code - 55296, 10) + (low - 56320)
                        i = i + 1
                    end
                elseif code >= 55296 and code <= 57343 then
                    code = 65533
                end
                if code < 2048 then
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            192,
                            bit.arshift(code, 6)
                        )
                    )
                elseif code < 65536 then
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            224,
                            bit.arshift(code, 12)
                        )
                    )
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 6),
                                63
                            )
                        )
                    )
                else
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            240,
                            bit.arshift(code, 18)
                        )
                    )
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 12),
                                63
                            )
                        )
                    )
                    crc = crc16Step(
                        crc,
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 6),
                                63
                            )
                        )
                    )
                end
                crc = crc16Step(
                    crc,
                    bit.bor(
                        128,
                        bit.band(code, 63)
                    )
                )
            end
            ::__continue14::
            i = i + 1
        end
    end
    return crc
end
--- CRC16-XMODEM of a whole string's bytes (UTF-8 in JavaScript); `crc16("123456789")` is 0x31c3.
function ____exports.crc16(key)
    -- plugins/io/redis-slot.ts:95
    return BYTE_STRINGS and crc16Bytes(key, 0, #key) or crc16Utf16(key, 0, #key)
end
--- The hash slot (0 … 16383) of a key, honouring hash tags.
function ____exports.keySlot(key)
    -- plugins/io/redis-slot.ts:100
    local length = #key
    local first = 0
    local last = length
    local open = -1
    do
        local i = 0
        while i < length do
            if unitAt(key, i) == 123 then
                open = i
                break
            end
            i = i + 1
        end
    end
    if open >= 0 then
        do
            local i = open + 1
            while i < length do
                if unitAt(key, i) == 125 then
                    if i > open + 1 then
                        first = open + 1
                        last = i
                    end
                    break
                end
                i = i + 1
            end
        end
    end
    local crc = BYTE_STRINGS and crc16Bytes(key, first, last) or crc16Utf16(key, first, last)
    return bit.band(crc, SLOT_MASK)
end
return ____exports
