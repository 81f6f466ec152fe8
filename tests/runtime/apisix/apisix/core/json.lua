-- apisix.core.json for the tollgate APISIX-shaped TEST host (not a product).
--
-- Backed by lua-cjson's "safe" flavour like APISIX: encode/decode return
-- nil, err instead of raising. delay_encode returns an object whose
-- __tostring does the encoding, so a log line that nginx filters out by
-- level never pays for the JSON (APISIX's reason for having it).
--
-- Not emulated: stably_encode (dkjson), canonical_encode (rapidjson).

local cjson = require("cjson.safe")
local json_encode = cjson.encode
local json_decode = cjson.decode
local cjson_null = cjson.null
local setmetatable = setmetatable
local tostring = tostring
local type = type
local pairs = pairs

local _M = {
    version = 0.1,
    null = cjson_null,
    array_mt = cjson.array_mt,
    empty_array = cjson.empty_array,
}

local function strip_nulls(t)
    for k, v in pairs(t) do
        if v == cjson_null then
            t[k] = nil
        elseif type(v) == "table" then
            strip_nulls(v)
        end
    end
    return t
end
_M.strip_nulls = strip_nulls

-- opts.null_as_nil: drop JSON nulls instead of keeping cjson.null sentinels.
function _M.decode(str, opts)
    local obj, err = json_decode(str)
    if obj and opts and opts.null_as_nil then
        if obj == cjson_null then
            return nil, err
        end
        if type(obj) == "table" then
            strip_nulls(obj)
        end
    end
    return obj, err
end

-- force = true turns values JSON cannot carry (functions, userdata, cdata,
-- cycles) into their tostring() instead of failing, for logging.
local function serialise(v, seen)
    local tv = type(v)
    if tv == "function" or tv == "userdata" or tv == "cdata" then
        return tostring(v)
    end
    if tv ~= "table" then
        return v
    end
    if seen[v] then
        return tostring(v)
    end
    seen[v] = true
    local out = {}
    for k, val in pairs(v) do
        out[serialise(k, seen)] = serialise(val, seen)
    end
    return out
end

local function encode(data, force)
    if force then
        data = serialise(data, {})
    end
    return json_encode(data)
end
_M.encode = encode

local delay_mt = {
    __tostring = function(self)
        local res, err = encode(self.data, self.force)
        if not res then
            return "failed to encode: " .. tostring(err)
        end
        return res
    end,
}

function _M.delay_encode(data, force)
    return setmetatable({ data = data, force = force }, delay_mt)
end

return _M
