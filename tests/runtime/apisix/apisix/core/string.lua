-- apisix.core.string for the tollgate APISIX-shaped TEST host (not a product).
--
-- Emulated: find (plain search, never a Lua pattern), has_prefix,
-- has_suffix, rfind_char. Every other `string` function is reachable through
-- this table too, as in APISIX (its core.string falls back to `string`).
-- Not emulated: compress_script, decode_args, encode_args.

local str_find = string.find
local str_byte = string.byte
local str_sub = string.sub
local type = type
local error = error

local _M = setmetatable({ version = 0.1 }, { __index = string })

-- Plain substring search; APISIX forbids pattern semantics here so a user
-- value can never be interpreted as a Lua pattern.
function _M.find(haystack, needle, from)
    return str_find(haystack, needle, from or 1, true)
end

function _M.has_prefix(s, prefix)
    if type(s) ~= "string" or type(prefix) ~= "string" then
        error("unexpected type: s:" .. type(s) .. ", prefix:" .. type(prefix))
    end
    return #s >= #prefix and str_sub(s, 1, #prefix) == prefix
end

function _M.has_suffix(s, suffix)
    if type(s) ~= "string" or type(suffix) ~= "string" then
        error("unexpected type: s:" .. type(s) .. ", suffix:" .. type(suffix))
    end
    return #s >= #suffix and str_sub(s, -#suffix) == suffix
end

-- Position of the last `ch` (a one-character string) at or before idx.
function _M.rfind_char(s, ch, idx)
    local b = str_byte(ch)
    for i = idx or #s, 1, -1 do
        if str_byte(s, i) == b then
            return i
        end
    end
    return nil
end

return _M
