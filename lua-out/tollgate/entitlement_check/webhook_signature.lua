local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSlice = ____lualib.__TS__StringSlice
local __TS__StringTrim = ____lualib.__TS__StringTrim
local __TS__StringCharCodeAt = ____lualib.__TS__StringCharCodeAt
local ____exports = {}
local tonumberDecimal
function tonumberDecimal(text)
    -- plugins/entitlement-check/webhook-signature.ts:51
    if #text == 0 or #text > 15 then
        return nil
    end
    local n = 0
    do
        local i = 0
        while i < #text do
            local c = __TS__StringCharCodeAt(text, i)
            if c < 48 or c > 57 then
                return nil
            end
            n = n * 10 + (c - 48)
            i = i + 1
        end
    end
    return n
end
--- Splits `t=…,v1=…,v1=…`; a part without "=" or of another scheme is skipped.
function ____exports.parseSignatureHeader(header)
    -- plugins/entitlement-check/webhook-signature.ts:27
    local out = {signatures = {}}
    local start = 0
    while start <= #header do
        local ____end = (string.find(
            header,
            ",",
            math.max(start + 1, 1),
            true
        ) or 0) - 1
        if ____end < 0 then
            ____end = #header
        end
        local part = __TS__StringSlice(header, start, ____end)
        local eq = (string.find(part, "=", nil, true) or 0) - 1
        if eq > 0 then
            local key = __TS__StringTrim(__TS__StringSlice(part, 0, eq))
            local value = __TS__StringTrim(__TS__StringSlice(part, eq + 1))
            if key == "t" then
                local t = tonumberDecimal(value)
                if t ~= nil then
                    out.timestamp = t
                end
            elseif key == "v1" and value ~= "" then
                local ____out_signatures_0 = out.signatures
                ____out_signatures_0[#____out_signatures_0 + 1] = value
            end
        end
        start = ____end + 1
    end
    return out
end
--- Equal strings, compared in a time that depends on their length only.
function ____exports.constantTimeEqual(a, b)
    -- plugins/entitlement-check/webhook-signature.ts:63
    if #a ~= #b then
        return false
    end
    local diff = 0
    do
        local i = 0
        while i < #a do
            diff = bit.bor(
                diff,
                bit.bxor(
                    __TS__StringCharCodeAt(a, i),
                    __TS__StringCharCodeAt(b, i)
                )
            )
            i = i + 1
        end
    end
    return diff == 0
end
--- Whether `header` signs `payload` with `secret` at `now` (seconds), within `tolerance`
-- seconds either way.
function ____exports.checkSignature(hmac, header, payload, secret, now, tolerance)
    -- plugins/entitlement-check/webhook-signature.ts:79
    if header == nil or header == "" then
        return {ok = false, error = "missing_signature", message = "The request is not signed"}
    end
    local parsed = ____exports.parseSignatureHeader(header)
    if parsed.timestamp == nil or #parsed.signatures == 0 then
        return {ok = false, error = "malformed_signature", message = "The signature header has no t= timestamp or no v1= signature"}
    end
    local age = math.floor(now) - parsed.timestamp
    if age > tolerance or -age > tolerance then
        return {
            ok = false,
            error = "stale_signature",
            message = "The signature's timestamp is more than " .. tostring(tolerance) .. " seconds away from now"
        }
    end
    local expected = hmac(
        secret,
        tostring(parsed.timestamp) .. "." .. payload
    )
    local matched = false
    for ____, candidate in ipairs(parsed.signatures) do
        if ____exports.constantTimeEqual(
            expected,
            string.lower(candidate)
        ) then
            matched = true
        end
    end
    if not matched then
        return {ok = false, error = "bad_signature", message = "No signature matches the payload"}
    end
    return {ok = true, timestamp = parsed.timestamp}
end
return ____exports
