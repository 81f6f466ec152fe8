local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local __TS__StringCharAt = ____lualib.__TS__StringCharAt
local ____exports = {}
--- True where strings are byte strings (LuaJIT): `"é".length` is 2 there (two UTF-8
-- bytes) and 1 in JavaScript (one UTF-16 unit).
____exports.BYTE_STRINGS = #"é" == 2
local TWO_32 = 4294967296
--- CHARS[b]: the one-byte string of byte b (one table look-up instead of a call per byte).
local CHARS = {}
do
    local b = 0
    while b < 256 do
        CHARS[#CHARS + 1] = string.char(b)
        b = b + 1
    end
end
--- The byte at 0-based `i` of a byte string. In Lua through a local, not `return
-- string.byte(…)`: a function that ends in a tail call to a builtin cannot start a LuaJIT
-- trace (its return to the caller aborts it: "leaving loop in root trace" or "NYI: return
-- to lower frame"), and every tail call on a trace counts toward its loop-unroll limit.
-- The same holds for every small helper below that returns a builtin's result.
____exports.byteAt = ____exports.BYTE_STRINGS and (function(s, i)
    -- plugins/io/kafka/bytes.ts:46
    local b = string.byte(s, i + 1)
    return b
end) or (function(s, i)
    -- plugins/io/kafka/bytes.ts:50
    return __TS__StringCharCodeAt(s, i)
end)
--- Four bytes at 0-based `i`, little-endian, as a signed 32-bit value (CRC-32C and murmur2 read words so).
function ____exports.int32LE(s, i)
    -- plugins/io/kafka/bytes.ts:53
    local word = bit.bor(
        bit.bor(
            bit.bor(
                ____exports.byteAt(s, i),
                bit.lshift(
                    ____exports.byteAt(s, i + 1),
                    8
                )
            ),
            bit.lshift(
                ____exports.byteAt(s, i + 2),
                16
            )
        ),
        bit.lshift(
            ____exports.byteAt(s, i + 3),
            24
        )
    )
    return word
end
--- Bytes `first` … `last - 1` (0-based) of a byte string.
____exports.slice = ____exports.BYTE_STRINGS and (function(s, first, last)
    -- plugins/io/kafka/bytes.ts:60
    local part = string.sub(s, first + 1, last)
    return part
end) or (function(s, first, last)
    -- plugins/io/kafka/bytes.ts:64
    return __TS__StringSubstring(s, first, last)
end)
--- The one-byte string of `b` (0 … 255).
function ____exports.char(b)
    -- plugins/io/kafka/bytes.ts:67
    return CHARS[bit.band(b, 255) + 1]
end
--- UTF-8 bytes of a text: the text itself in LuaJIT; encoded from UTF-16 in JavaScript.
function ____exports.utf8(s)
    -- plugins/io/kafka/bytes.ts:75
    if ____exports.BYTE_STRINGS then
        return s
    end
    local ascii = true
    do
        local i = 0
        while i < #s do
            if __TS__StringCharCodeAt(s, i) >= 128 then
                ascii = false
                break
            end
            i = i + 1
        end
    end
    if ascii then
        return s
    end
    local out = {}
    do
        local i = 0
        while i < #s do
            local code = __TS__StringCharCodeAt(s, i)
            if code >= 55296 and code <= 56319 and i + 1 < #s then
                local low = __TS__StringCharCodeAt(s, i + 1)
                if low >= 56320 and low <= 57343 then
                    code = 65536 + bit.lshift(code - 55296, 10) + (low - 56320)
                    i = i + 1
                end
            elseif code >= 55296 and code <= 57343 then
                code = 65533
            end
            if code < 128 then
                out[#out + 1] = ____exports.char(code)
            elseif code < 2048 then
                __TS__ArrayPush(
                    out,
                    ____exports.char(bit.bor(
                        192,
                        bit.arshift(code, 6)
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(code, 63)
                    ))
                )
            elseif code < 65536 then
                __TS__ArrayPush(
                    out,
                    ____exports.char(bit.bor(
                        224,
                        bit.arshift(code, 12)
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(
                            bit.arshift(code, 6),
                            63
                        )
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(code, 63)
                    ))
                )
            else
                __TS__ArrayPush(
                    out,
                    ____exports.char(bit.bor(
                        240,
                        bit.arshift(code, 18)
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(
                            bit.arshift(code, 12),
                            63
                        )
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(
                            bit.arshift(code, 6),
                            63
                        )
                    )),
                    ____exports.char(bit.bor(
                        128,
                        bit.band(code, 63)
                    ))
                )
            end
            i = i + 1
        end
    end
    return table.concat(out, "")
end
--- The text of UTF-8 bytes: the bytes themselves in LuaJIT; decoded to UTF-16 in
-- JavaScript (an invalid sequence becomes U+FFFD).
function ____exports.text(bytes)
    -- plugins/io/kafka/bytes.ts:119
    if ____exports.BYTE_STRINGS then
        return bytes
    end
    local ascii = true
    do
        local i = 0
        while i < #bytes do
            if __TS__StringCharCodeAt(bytes, i) >= 128 then
                ascii = false
                break
            end
            i = i + 1
        end
    end
    if ascii then
        return bytes
    end
    local out = {}
    local i = 0
    while i < #bytes do
        do
            local b = __TS__StringCharCodeAt(bytes, i)
            local need = 0
            local code = b
            if b >= 240 and b < 248 then
                need = 3
                code = bit.band(b, 7)
            elseif b >= 224 then
                need = b < 240 and 2 or -1
                code = bit.band(b, 15)
            elseif b >= 192 then
                need = 1
                code = bit.band(b, 31)
            elseif b >= 128 then
                need = -1
            end
            local valid = need >= 0 and i + need < #bytes
            do
                local k = 1
                while valid and k <= need do
                    local next = __TS__StringCharCodeAt(bytes, i + k)
                    if bit.band(next, 192) ~= 128 then
                        valid = false
                    else
                        code = code * 64 + bit.band(next, 63)
                    end
                    k = k + 1
                end
            end
            if not valid then
                out[#out + 1] = "�"
                i = i + 1
                goto __continue31
            end
            if code >= 65536 then
                code = code - 65536
                out[#out + 1] = string.char(
                    55296 + math.floor(code / 1024),
                    56320 + code % 1024
                )
            else
                out[#out + 1] = string.char(code)
            end
            i = i + (need + 1)
        end
        ::__continue31::
    end
    return table.concat(out, "")
end
--- HEX_PAIRS[b]: the two lowercase hex digits of byte b.
local HEX_PAIRS = {}
local DIGITS = {
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f"
}
do
    local b = 0
    while b < 256 do
        HEX_PAIRS[#HEX_PAIRS + 1] = tostring(DIGITS[bit.arshift(b, 4) + 1]) .. tostring(DIGITS[bit.band(b, 15) + 1])
        b = b + 1
    end
end
--- Lowercase hex of a byte string.
function ____exports.toHex(bytes)
    -- plugins/io/kafka/bytes.ts:175
    local out = {}
    do
        local i = 0
        while i < #bytes do
            out[#out + 1] = HEX_PAIRS[____exports.byteAt(bytes, i) + 1]
            i = i + 1
        end
    end
    return table.concat(out, "")
end
local function hexDigit(code)
    -- plugins/io/kafka/bytes.ts:183
    if code >= 48 and code <= 57 then
        return code - 48
    end
    if code >= 97 and code <= 102 then
        return code - 87
    end
    if code >= 65 and code <= 70 then
        return code - 55
    end
    return -1
end
--- The bytes of a hex string (either case; spaces ignored); undefined if it is not hex.
function ____exports.fromHex(hex)
    -- plugins/io/kafka/bytes.ts:191
    local out = {}
    local high = -1
    do
        local i = 0
        while i < #hex do
            do
                local code = ____exports.byteAt(hex, i)
                if code == 32 then
                    goto __continue54
                end
                local digit = hexDigit(code)
                if digit < 0 then
                    return nil
                end
                if high < 0 then
                    high = digit
                else
                    out[#out + 1] = ____exports.char(high * 16 + digit)
                    high = -1
                end
            end
            ::__continue54::
            i = i + 1
        end
    end
    if high >= 0 then
        return nil
    end
    return table.concat(out, "")
end
local BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
--- BASE64_VALUE[code]: the 6 bits of a base64 character, -1 for any other byte.
local BASE64_VALUE = {}
do
    local code = 0
    while code < 256 do
        BASE64_VALUE[#BASE64_VALUE + 1] = (string.find(
            BASE64,
            string.char(code),
            nil,
            true
        ) or 0) - 1
        code = code + 1
    end
end
--- Standard base64 (RFC 4648, with padding) of a byte string.
function ____exports.toBase64(bytes)
    -- plugins/io/kafka/bytes.ts:215
    local out = {}
    do
        local i = 0
        while i < #bytes do
            local b0 = ____exports.byteAt(bytes, i)
            local b1 = i + 1 < #bytes and ____exports.byteAt(bytes, i + 1) or 0
            local b2 = i + 2 < #bytes and ____exports.byteAt(bytes, i + 2) or 0
            local n = b0 * 65536 + b1 * 256 + b2
            __TS__ArrayPush(
                out,
                __TS__StringCharAt(
                    BASE64,
                    math.floor(n / 262144) % 64
                ),
                __TS__StringCharAt(
                    BASE64,
                    math.floor(n / 4096) % 64
                )
            )
            __TS__ArrayPush(
                out,
                i + 1 < #bytes and __TS__StringCharAt(
                    BASE64,
                    math.floor(n / 64) % 64
                ) or "=",
                i + 2 < #bytes and __TS__StringCharAt(BASE64, n % 64) or "="
            )
            i = i + 3
        end
    end
    return table.concat(out, "")
end
--- The bytes of standard base64 text (padding required); undefined when it is not base64.
function ____exports.fromBase64(text64)
    -- plugins/io/kafka/bytes.ts:229
    if #text64 % 4 ~= 0 then
        return nil
    end
    local out = {}
    do
        local i = 0
        while i < #text64 do
            local last = i + 4 == #text64
            local pad = last and (____exports.byteAt(text64, i + 3) == 61 and (____exports.byteAt(text64, i + 2) == 61 and 2 or 1) or 0) or 0
            local n = 0
            do
                local j = 0
                while j < 4 do
                    local value = j >= 4 - pad and 0 or BASE64_VALUE[____exports.byteAt(text64, i + j) + 1]
                    if value < 0 then
                        return nil
                    end
                    n = n * 64 + value
                    j = j + 1
                end
            end
            out[#out + 1] = ____exports.char(math.floor(n / 65536))
            if pad < 2 then
                out[#out + 1] = ____exports.char(math.floor(n / 256) % 256)
            end
            if pad < 1 then
                out[#out + 1] = ____exports.char(n % 256)
            end
            i = i + 4
        end
    end
    return table.concat(out, "")
end
function ____exports.int8(out, v)
    -- plugins/io/kafka/bytes.ts:253
    out[#out + 1] = ____exports.char(bit.band(v, 255))
end
function ____exports.int16(out, v)
    -- plugins/io/kafka/bytes.ts:257
    out[#out + 1] = string.char(
        bit.band(
            bit.arshift(v, 8),
            255
        ),
        bit.band(v, 255)
    )
end
--- A 32-bit integer, signed or unsigned (both wrap to the same four bytes).
function ____exports.int32(out, v)
    -- plugins/io/kafka/bytes.ts:262
    out[#out + 1] = string.char(
        bit.band(
            bit.rshift(v, 24),
            255
        ),
        bit.band(
            bit.rshift(v, 16),
            255
        ),
        bit.band(
            bit.rshift(v, 8),
            255
        ),
        bit.band(v, 255)
    )
end
--- A 64-bit integer given as a number with |v| < 2^53 (two's complement when negative).
function ____exports.int64(out, v)
    -- plugins/io/kafka/bytes.ts:267
    local high = math.floor(v / TWO_32)
    local low = v - high * TWO_32
    ____exports.int32(out, high)
    ____exports.int32(out, low)
end
function ____exports.bool(out, v)
    -- plugins/io/kafka/bytes.ts:274
    out[#out + 1] = ____exports.char(v and 1 or 0)
end
--- Unsigned varint (7 bits per byte, low group first), 0 ≤ v < 2^53. Values below 2^14
-- (record lengths, deltas, sizes: nearly all of them) take a branch, not the loop: a loop
-- inside a function that a hot loop calls makes LuaJIT give up compiling the caller.
function ____exports.uvarint(out, v)
    -- plugins/io/kafka/bytes.ts:283
    if v < 128 then
        out[#out + 1] = ____exports.char(v)
        return
    end
    if v < 16384 then
        out[#out + 1] = string.char(
            v % 128 + 128,
            math.floor(v / 128)
        )
        return
    end
    while v >= 128 do
        out[#out + 1] = ____exports.char(v % 128 + 128)
        v = math.floor(v / 128)
    end
    out[#out + 1] = ____exports.char(v)
end
--- Zig-zag encoding of a signed integer (|n| < 2^52): 0, -1, 1, -2 … → 0, 1, 2, 3 …
function ____exports.zigzag(n)
    -- plugins/io/kafka/bytes.ts:300
    return n >= 0 and n * 2 or -n * 2 - 1
end
--- UVARINTS[u]: the bytes of the unsigned varint u, for u < 4096: record lengths, deltas
-- and sizes are nearly all below that (2^11 in magnitude, zig-zagged).
local UVARINTS = {}
do
    local u = 0
    while u < 4096 do
        UVARINTS[#UVARINTS + 1] = u < 128 and CHARS[u + 1] or string.char(
            u % 128 + 128,
            math.floor(u / 128)
        )
        u = u + 1
    end
end
--- The bytes varint() writes for `n`: a table look-up for the usual sizes. The record
-- encoder calls this several times per record, so LuaJIT compiles it before the loop over
-- the records; a branch taken differently per record (1 or 2 bytes) would leave that trace
-- and start side traces that wander on through the caller's loop ("too many snapshots").
function ____exports.varintBytes(n)
    -- plugins/io/kafka/bytes.ts:317
    local u = ____exports.zigzag(n)
    if u < 4096 then
        return UVARINTS[u + 1]
    end
    local out = {}
    ____exports.uvarint(out, u)
    local bytes = table.concat(out, "")
    return bytes
end
--- Signed varint (Kafka's `varint` and `varlong`: zig-zag, then unsigned varint).
function ____exports.varint(out, n)
    -- plugins/io/kafka/bytes.ts:327
    ____exports.uvarint(
        out,
        ____exports.zigzag(n)
    )
end
--- STRING: int16 length, then the bytes.
function ____exports.str(out, s)
    -- plugins/io/kafka/bytes.ts:332
    ____exports.int16(out, #s)
    out[#out + 1] = s
end
--- NULLABLE_STRING: length -1 for null.
function ____exports.nullableStr(out, s)
    -- plugins/io/kafka/bytes.ts:338
    if s == nil then
        ____exports.int16(out, -1)
    else
        ____exports.str(out, s)
    end
end
--- COMPACT_STRING: unsigned varint length + 1, then the bytes.
function ____exports.compactStr(out, s)
    -- plugins/io/kafka/bytes.ts:344
    ____exports.uvarint(out, #s + 1)
    out[#out + 1] = s
end
--- COMPACT_NULLABLE_STRING: 0 for null.
function ____exports.compactNullableStr(out, s)
    -- plugins/io/kafka/bytes.ts:350
    if s == nil then
        ____exports.uvarint(out, 0)
    else
        ____exports.compactStr(out, s)
    end
end
--- NULLABLE_BYTES: int32 length (-1 for null), then the bytes.
function ____exports.nullableBytes(out, b)
    -- plugins/io/kafka/bytes.ts:356
    if b == nil then
        ____exports.int32(out, -1)
    else
        ____exports.int32(out, #b)
        out[#out + 1] = b
    end
end
--- An empty tagged-field section (flexible versions).
function ____exports.emptyTags(out)
    -- plugins/io/kafka/bytes.ts:365
    out[#out + 1] = CHARS[1]
end
function ____exports.reader(data, pos)
    -- plugins/io/kafka/bytes.ts:380
    if pos == nil then
        pos = 0
    end
    return {data = data, pos = pos}
end
--- True (and `err` set) when fewer than `n` bytes remain.
local function short(r, n)
    -- plugins/io/kafka/bytes.ts:385
    if r.pos + n <= #r.data then
        return false
    end
    if r.err == nil then
        r.err = "truncated at byte " .. tostring(r.pos) .. " (needs " .. tostring(n) .. " more of " .. tostring(#r.data) .. ")"
    end
    r.pos = #r.data
    return true
end
function ____exports.readInt8(r)
    -- plugins/io/kafka/bytes.ts:392
    if short(r, 1) then
        return 0
    end
    local b = ____exports.byteAt(r.data, r.pos)
    r.pos = r.pos + 1
    return b >= 128 and b - 256 or b
end
function ____exports.readInt16(r)
    -- plugins/io/kafka/bytes.ts:399
    if short(r, 2) then
        return 0
    end
    local v = ____exports.byteAt(r.data, r.pos) * 256 + ____exports.byteAt(r.data, r.pos + 1)
    r.pos = r.pos + 2
    return v >= 32768 and v - 65536 or v
end
--- An unsigned 32-bit integer (0 … 2^32 - 1).
function ____exports.readUint32(r)
    -- plugins/io/kafka/bytes.ts:407
    if short(r, 4) then
        return 0
    end
    local d = r.data
    local p = r.pos
    r.pos = r.pos + 4
    return ____exports.byteAt(d, p) * 16777216 + ____exports.byteAt(d, p + 1) * 65536 + ____exports.byteAt(d, p + 2) * 256 + ____exports.byteAt(d, p + 3)
end
function ____exports.readInt32(r)
    -- plugins/io/kafka/bytes.ts:415
    local v = ____exports.readUint32(r)
    return v >= 2147483648 and v - TWO_32 or v
end
--- A 64-bit integer as a number (exact while |v| < 2^53).
function ____exports.readInt64(r)
    -- plugins/io/kafka/bytes.ts:421
    local high = ____exports.readInt32(r)
    local low = ____exports.readUint32(r)
    return high * TWO_32 + low
end
function ____exports.readBool(r)
    -- plugins/io/kafka/bytes.ts:427
    return ____exports.readInt8(r) ~= 0
end
function ____exports.readUvarint(r)
    -- plugins/io/kafka/bytes.ts:431
    if r.pos < #r.data then
        local first = ____exports.byteAt(r.data, r.pos)
        if first < 128 then
            r.pos = r.pos + 1
            return first
        end
    end
    local value = 0
    local scale = 1
    do
        local i = 0
        while i < 8 do
            if short(r, 1) then
                return 0
            end
            local b = ____exports.byteAt(r.data, r.pos)
            r.pos = r.pos + 1
            value = value + b % 128 * scale
            if b < 128 then
                return value
            end
            scale = scale * 128
            i = i + 1
        end
    end
    if r.err == nil then
        r.err = "varint longer than 8 bytes at byte " .. tostring(r.pos)
    end
    return 0
end
--- A zig-zag varint or varlong.
function ____exports.readVarint(r)
    -- plugins/io/kafka/bytes.ts:456
    local u = ____exports.readUvarint(r)
    return u % 2 == 0 and u / 2 or -(u + 1) / 2
end
function ____exports.readBytesN(r, n)
    -- plugins/io/kafka/bytes.ts:461
    if n <= 0 then
        return ""
    end
    if short(r, n) then
        return ""
    end
    local b = ____exports.slice(r.data, r.pos, r.pos + n)
    r.pos = r.pos + n
    return b
end
function ____exports.readStr(r)
    -- plugins/io/kafka/bytes.ts:469
    return ____exports.readBytesN(
        r,
        ____exports.readInt16(r)
    )
end
function ____exports.readNullableStr(r)
    -- plugins/io/kafka/bytes.ts:473
    local n = ____exports.readInt16(r)
    local ____temp_0
    if n < 0 then
        ____temp_0 = nil
    else
        ____temp_0 = ____exports.readBytesN(r, n)
    end
    return ____temp_0
end
function ____exports.readCompactStr(r)
    -- plugins/io/kafka/bytes.ts:478
    return ____exports.readBytesN(
        r,
        ____exports.readUvarint(r) - 1
    )
end
function ____exports.readCompactNullableStr(r)
    -- plugins/io/kafka/bytes.ts:482
    local n = ____exports.readUvarint(r)
    local ____temp_1
    if n == 0 then
        ____temp_1 = nil
    else
        ____temp_1 = ____exports.readBytesN(r, n - 1)
    end
    return ____temp_1
end
function ____exports.readNullableBytes(r)
    -- plugins/io/kafka/bytes.ts:487
    local n = ____exports.readInt32(r)
    local ____temp_2
    if n < 0 then
        ____temp_2 = nil
    else
        ____temp_2 = ____exports.readBytesN(r, n)
    end
    return ____temp_2
end
--- Skips a tagged-field section (flexible versions): count, then tag, size and data each.
function ____exports.skipTags(r)
    -- plugins/io/kafka/bytes.ts:493
    local count = ____exports.readUvarint(r)
    do
        local i = 0
        while i < count and r.err == nil do
            ____exports.readUvarint(r)
            ____exports.readBytesN(
                r,
                ____exports.readUvarint(r)
            )
            i = i + 1
        end
    end
end
return ____exports
