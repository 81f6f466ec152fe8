local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local __TS__ArrayPush = ____lualib.__TS__ArrayPush
local ____exports = {}
--- MurmurHash3 x86_32 over the UTF-8 bytes of a string — the hash Unleash uses for
-- sticky rollouts (seed 0) and variants (seed 86028157), so a user lands in the same
-- bucket at the gateway as in every Unleash SDK.
-- 
-- Pure code (no ngx): compiled to Lua (tollgate.feature_toggle.murmur3) and run by
-- vitest as is. As in ../io/redis-slot.ts, a Lua string already is its UTF-8 bytes;
-- in JavaScript it is UTF-16, so there the key is UTF-8 encoded first.
-- 
-- Arithmetic stays inside what both runtimes do identically: bit operations on
-- 32-bit integers (LuaJIT's `bit` library, JavaScript's int32 operators) and
-- products below 2^53 (32-bit multiplication is done in 16-bit halves).
local BYTE_STRINGS = #"é" == 2
--- (a * b) mod 2^32 as a signed 32-bit integer.
local function mul32(a, b)
    -- plugins/feature-toggle/murmur3.ts:21
    local al = bit.band(a, 65535)
    local ah = bit.band(
        bit.rshift(a, 16),
        65535
    )
    local bl = bit.band(b, 65535)
    local bh = bit.band(
        bit.rshift(b, 16),
        65535
    )
    return bit.bor(
        al * bl + bit.band(ah * bl + al * bh, 65535) * 65536,
        0
    )
end
local function rotl32(x, r)
    -- plugins/feature-toggle/murmur3.ts:29
    return bit.bor(
        bit.lshift(x, r),
        bit.rshift(x, 32 - r)
    )
end
local C1 = 3432918353
local C2 = 461845907
local function mixK(k)
    -- plugins/feature-toggle/murmur3.ts:36
    return mul32(
        rotl32(
            mul32(k, C1),
            15
        ),
        C2
    )
end
local function finish(h, tail, tailLength, length)
    -- plugins/feature-toggle/murmur3.ts:40
    if tailLength > 0 then
        h = bit.bxor(
            h,
            mixK(tail)
        )
    end
    h = bit.bxor(h, length)
    h = bit.bxor(
        h,
        bit.rshift(h, 16)
    )
    h = mul32(h, 2246822507)
    h = bit.bxor(
        h,
        bit.rshift(h, 13)
    )
    h = mul32(h, 3266489909)
    h = bit.bxor(
        h,
        bit.rshift(h, 16)
    )
    return h < 0 and h + 4294967296 or h
end
local function hashByteString(key, seed)
    -- plugins/feature-toggle/murmur3.ts:51
    local length = #key
    local h = bit.bor(seed, 0)
    local blocks = length - length % 4
    do
        local i = 0
        while i < blocks do
            local k = bit.bor(
                bit.bor(
                    bit.bor(
                        string.byte(key, i + 1),
                        bit.lshift(
                            string.byte(key, i + 2),
                            8
                        )
                    ),
                    bit.lshift(
                        string.byte(key, i + 3),
                        16
                    )
                ),
                bit.lshift(
                    string.byte(key, i + 4),
                    24
                )
            )
            h = bit.bxor(
                h,
                mixK(k)
            )
            h = rotl32(h, 13)
            h = bit.bor(
                mul32(h, 5) + 3864292196,
                0
            )
            i = i + 4
        end
    end
    local tail = 0
    local tailLength = length - blocks
    if tailLength == 3 then
        tail = bit.bxor(
            tail,
            bit.lshift(
                string.byte(key, blocks + 3),
                16
            )
        )
    end
    if tailLength >= 2 then
        tail = bit.bxor(
            tail,
            bit.lshift(
                string.byte(key, blocks + 2),
                8
            )
        )
    end
    if tailLength >= 1 then
        tail = bit.bxor(
            tail,
            string.byte(key, blocks + 1)
        )
    end
    return finish(h, tail, tailLength, length)
end
--- The UTF-8 encoding of a JavaScript string (a lone surrogate becomes U+FFFD, as TextEncoder does).
function ____exports.utf8Bytes(s)
    -- plugins/feature-toggle/murmur3.ts:70
    local bytes = {}
    do
        local i = 0
        while i < #s do
            do
                local code = __TS__StringCharCodeAt(s, i)
                if code < 128 then
                    bytes[#bytes + 1] = code
                    goto __continue15
                end
                if code >= 55296 and code <= 56319 and i + 1 < #s then
                    local low = __TS__StringCharCodeAt(s, i + 1)
                    if low >= 56320 and low <= 57343 then
                        code = 65536 + bit.lshift(code - 55296, 10) + (low - 56320)
                        i = i + 1
                    else
                        code = 65533
                    end
                elseif code >= 55296 and code <= 57343 then
                    code = 65533
                end
                if code < 2048 then
                    bytes[#bytes + 1] = bit.bor(
                        192,
                        bit.arshift(code, 6)
                    )
                elseif code < 65536 then
                    __TS__ArrayPush(
                        bytes,
                        bit.bor(
                            224,
                            bit.arshift(code, 12)
                        ),
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 6),
                                63
                            )
                        )
                    )
                else
                    __TS__ArrayPush(
                        bytes,
                        bit.bor(
                            240,
                            bit.arshift(code, 18)
                        ),
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 12),
                                63
                            )
                        ),
                        bit.bor(
                            128,
                            bit.band(
                                bit.arshift(code, 6),
                                63
                            )
                        )
                    )
                end
                bytes[#bytes + 1] = bit.bor(
                    128,
                    bit.band(code, 63)
                )
            end
            ::__continue15::
            i = i + 1
        end
    end
    return bytes
end
local function hashByteArray(bytes, seed)
    -- plugins/feature-toggle/murmur3.ts:101
    local length = #bytes
    local h = bit.bor(seed, 0)
    local blocks = length - length % 4
    do
        local i = 0
        while i < blocks do
            local k = bit.bor(
                bit.bor(
                    bit.bor(
                        bytes[i + 1],
                        bit.lshift(bytes[i + 1 + 1], 8)
                    ),
                    bit.lshift(bytes[i + 2 + 1], 16)
                ),
                bit.lshift(bytes[i + 3 + 1], 24)
            )
            h = bit.bxor(
                h,
                mixK(k)
            )
            h = rotl32(h, 13)
            h = bit.bor(
                mul32(h, 5) + 3864292196,
                0
            )
            i = i + 4
        end
    end
    local tail = 0
    local tailLength = length - blocks
    if tailLength == 3 then
        tail = bit.bxor(
            tail,
            bit.lshift(bytes[blocks + 2 + 1], 16)
        )
    end
    if tailLength >= 2 then
        tail = bit.bxor(
            tail,
            bit.lshift(bytes[blocks + 1 + 1], 8)
        )
    end
    if tailLength >= 1 then
        tail = bit.bxor(tail, bytes[blocks + 1])
    end
    return finish(h, tail, tailLength, length)
end
--- murmur3_x86_32 of the UTF-8 bytes of `key`, as an unsigned integer (0 … 2^32 - 1).
function ____exports.murmur3(key, seed)
    -- plugins/feature-toggle/murmur3.ts:120
    return BYTE_STRINGS and hashByteString(key, seed) or hashByteArray(
        ____exports.utf8Bytes(key),
        seed
    )
end
--- Unleash's normalized value: murmur3("<groupId>:<id>", seed) % normalizer + 1 (1 … normalizer).
function ____exports.normalizedValue(id, groupId, normalizer, seed)
    -- plugins/feature-toggle/murmur3.ts:125
    return ____exports.murmur3(groupId .. ":" .. id, seed) % normalizer + 1
end
return ____exports
