-- apisix.core.schema for the tollgate APISIX-shaped TEST host (not a product).
--
-- core.schema.check(schema, conf) -> true | false, err
--
-- APISIX validates plugin configuration with api7/jsonschema, which compiles
-- a schema to Lua code. This is a small *interpreter* written from that
-- library's documented/observable behaviour, so a plugin's check_schema sees
-- the same verdicts, the same error texts and the same defaulting as under
-- APISIX:
--
--   * type: string, integer, number, boolean, object, array, null, or a list
--     ("wrong type: expected integer, got number", "wrong type: expected one
--     of string, integer, got boolean"; the "got" part is the Lua type name).
--     A Lua table is an object when it has no array part, an array when it
--     has only an array part; the empty table is both (as in APISIX).
--   * properties / required / additionalProperties (false or a schema) /
--     patternProperties / minProperties / maxProperties / dependencies:
--     'property "tiers" validation failed: <nested error>',
--     'property "name" is required', "additional properties forbidden, found x".
--     `required = {}` (an empty list) makes the jsonschema library demand an
--     empty table ("the input data should be an empty table"); reproduced on
--     purpose, because a generated schema with an empty `required` breaks the
--     same way under real APISIX.
--   * default: after a property is checked, a missing property gets a copy of
--     its default (number/string/boolean/table), at every nesting level that
--     is present in the conf. Like APISIX, an inserted default table is not
--     validated itself, so defaults *inside* it are not expanded: give the
--     parent object a default that already contains its children's defaults.
--     Properties are visited in sorted name order, so when several are wrong
--     the reported one is deterministic (APISIX's order is hash order).
--   * enum, const, minimum, maximum, exclusiveMinimum, exclusiveMaximum
--     (numbers, draft 6+ form), multipleOf, minLength, maxLength (UTF-8
--     characters), pattern (PCRE via ngx.re.find, "jo"), items (one schema or
--     a tuple, with additionalItems), minItems, maxItems, uniqueItems,
--     allOf, anyOf, oneOf, not, if/then/else,
--     format (date, date-time, email, ipv4, ipv6, hostname, uuid, uri),
--     $ref to "#/definitions/..." or "#/$defs/..." inside the same schema.
--
--   * secret references: a string that is a "$env://" / "$secret://"
--     reference passes any schema whose type is unset or "string", unchecked
--     (APISIX 3.18.0 apisix/core/schema.lua create_validator hands
--     apisix/secret.lua is_secret_ref to jsonschema as skip_validation; the
--     check happens here after a $ref is followed).
--
-- Not emulated: remote $ref, draft-4 boolean exclusiveMinimum/Maximum
-- (rejected with an error), contains, propertyNames, validator caching
-- (validation is interpreted each call; fine for start-up checks, slower
-- than APISIX if a plugin validates per request).

local ngx = ngx
local re_find = ngx.re.find
local cjson_null = require("cjson.safe").null
local nkeys = require("table.nkeys")
local ffi = require("ffi")
local type = type
local setmetatable = setmetatable
local getmetatable = getmetatable
local pcall = pcall
local pairs = pairs
local ipairs = ipairs
local tostring = tostring
local error = error
local str_fmt = string.format
local str_byte = string.byte
local str_sub = string.sub
local str_gsub = string.gsub
local tab_sort = table.sort
local tab_concat = table.concat
local math_floor = math.floor
local math_abs = math.abs
local json_encode = require("cjson.safe").encode

local _M = {
    version = 0.3,
    -- schema_type values APISIX passes to plugin.check_schema
    TYPE_CONSUMER = 1,
    TYPE_METADATA = 2,
}

-- 0: object (hash part only or mixed), 1: empty table, 2: array.
local function tablekind(t)
    local len = #t
    local n = nkeys(t)
    if len == 0 then
        if n == 0 then
            return 1
        end
        return 0
    end
    if n == len then
        return 2
    end
    return 0
end

-- Number of UTF-8 characters (invalid bytes count as one character each).
local function utf8_len(s)
    local i, n, c = 1, #s, 0
    while i <= n do
        local b = str_byte(s, i)
        if b >= 0xF0 then
            i = i + 4
        elseif b >= 0xE0 then
            i = i + 3
        elseif b >= 0xC0 then
            i = i + 2
        else
            i = i + 1
        end
        c = c + 1
    end
    return c
end

local function deepeq(a, b)
    if type(a) ~= type(b) then
        return false
    end
    if type(a) ~= "table" then
        return a == b
    end
    for k, v in pairs(a) do
        if not deepeq(v, b[k]) then
            return false
        end
    end
    for k in pairs(b) do
        if a[k] == nil then
            return false
        end
    end
    return true
end

local function deepcopy(v)
    if type(v) ~= "table" then
        return v
    end
    local out = {}
    for k, val in pairs(v) do
        out[k] = deepcopy(val)
    end
    return setmetatable(out, getmetatable(v))
end

-- Type test for one JSON type name.
local function is_type(name, value, datatype, kind)
    if name == "object" then
        return datatype == "table" and kind <= 1
    elseif name == "array" then
        return datatype == "table" and kind >= 1
    elseif name == "integer" then
        return datatype == "number" and value % 1.0 == 0.0
    elseif name == "null" then
        return value == cjson_null
    elseif name == "table" or name == "string" or name == "number"
        or name == "boolean" or name == "function" then
        return datatype == name
    end
    error("invalid JSON type: " .. tostring(name))
end

local function sorted_keys(t)
    local keys = {}
    for k in pairs(t) do
        keys[#keys + 1] = k
    end
    tab_sort(keys, function(a, b)
        return tostring(a) < tostring(b)
    end)
    return keys
end

-- Property names are quoted the way jsonschema's generated code quotes them.
local function quote(s)
    return str_fmt("%q", tostring(s))
end

local formats = {
    date = [[^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$]],
    ["date-time"] = [[^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$]],
    email = [[^[A-Za-z0-9_.+-]+@[A-Za-z0-9_.-]+\.[A-Za-z]{2,}$]],
    hostname = [[^[a-zA-Z0-9.-]+$]],
    uuid = [[^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$]],
    uri = [[^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$]],
}

-- pcall: another module may already have declared inet_pton.
pcall(ffi.cdef, [[
int inet_pton(int af, const char *src, void *dst);
]])
local inet_buf = ffi.new("unsigned char[16]")
local function is_ip(af, s)
    return ffi.C.inet_pton(af, s, inet_buf) == 1
end

local validate -- forward declaration

-- Resolves "#/definitions/x" style references against the root schema.
local function resolve_ref(root, ref)
    if str_sub(ref, 1, 2) ~= "#/" then
        error("only local $ref (#/...) is supported by this test host, got " .. ref)
    end
    local node = root
    for part in string.gmatch(str_sub(ref, 3), "[^/]+") do
        part = str_gsub(str_gsub(part, "~1", "/"), "~0", "~")
        if type(node) ~= "table" then
            node = nil
            break
        end
        node = node[part]
    end
    if node == nil then
        error("unresolvable $ref " .. ref)
    end
    return node
end

local function check_range(value, op, limit, words)
    local bad
    if op == "<" then
        bad = value < limit
    elseif op == "<=" then
        bad = value <= limit
    elseif op == ">" then
        bad = value > limit
    else
        bad = value >= limit
    end
    if bad then
        return false, str_fmt("expected %s to be %s %s", tostring(value), words, tostring(limit))
    end
    return true
end

local function validate_object(root, schema, value)
    local props = schema.properties or {}
    local required = {}
    if schema.required then
        for _, name in ipairs(schema.required) do
            required[name] = true
        end
    end
    local deps = schema.dependencies or {}

    for _, prop in ipairs(sorted_keys(props)) do
        local sub = props[prop]
        local v = value[prop]
        if v ~= nil then
            local ok, err = validate(root, sub, v)
            if not ok then
                return false, "property " .. quote(prop) .. " validation failed: " .. err
            end
            local d = deps[prop]
            if type(d) == "table" and #d > 0 then
                for _, dp in ipairs(d) do
                    if value[dp] == nil then
                        return false, "property " .. quote(dp) .. " is required when "
                            .. quote(prop) .. " is set"
                    end
                end
            elseif type(d) == "table" then
                ok, err = validate(root, d, value)
                if not ok then
                    return false, "failed to validate dependent schema for " .. quote(prop)
                        .. ": " .. err
                end
            end
        elseif required[prop] then
            return false, "property " .. quote(prop) .. " is required"
        end
        required[prop] = nil

        if v == nil and type(sub) == "table" and sub.default ~= nil then
            local dt = type(sub.default)
            if dt == "number" or dt == "string" or dt == "boolean" or dt == "table" then
                value[prop] = deepcopy(sub.default)
            end
        end
    end

    for _, prop in ipairs(sorted_keys(required)) do
        if value[prop] == nil then
            return false, "property " .. quote(prop) .. " is required"
        end
    end

    for _, prop in ipairs(sorted_keys(deps)) do
        local d = deps[prop]
        if not props[prop] and value[prop] ~= nil then
            if type(d) == "table" and #d > 0 then
                for _, dp in ipairs(d) do
                    if value[dp] == nil then
                        return false, "property " .. quote(dp) .. " is required when "
                            .. quote(prop) .. " is set"
                    end
                end
            else
                local ok, err = validate(root, d, value)
                if not ok then
                    return false, "failed to validate dependent schema for " .. quote(prop)
                        .. ": " .. err
                end
            end
        end
    end

    local addl = schema.additionalProperties
    local check_addl = addl ~= nil and addl ~= true
    local patterns = schema.patternProperties
    local count = 0
    if check_addl or patterns or schema.minProperties or schema.maxProperties then
        for _, prop in ipairs(sorted_keys(value)) do
            count = count + 1
            local v = value[prop]
            local matched = false
            if patterns and type(prop) == "string" then
                for _, patt in ipairs(sorted_keys(patterns)) do
                    if re_find(prop, patt, "jo") then
                        matched = true
                        local ok, err = validate(root, patterns[patt], v)
                        if not ok then
                            return false, "failed to validate " .. prop .. " (matching "
                                .. quote(patt) .. "): " .. err
                        end
                    end
                end
            end
            if check_addl and not matched and props[prop] == nil then
                if type(addl) == "table" then
                    local ok, err = validate(root, addl, v)
                    if not ok then
                        return false, "failed to validate additional property "
                            .. tostring(prop) .. ": " .. err
                    end
                else
                    return false, "additional properties forbidden, found " .. tostring(prop)
                end
            end
        end
    end

    if schema.minProperties and count < schema.minProperties then
        return false, "expect object to have at least " .. schema.minProperties .. " properties"
    end
    if schema.maxProperties and count > schema.maxProperties then
        return false, "expect object to have at most " .. schema.maxProperties .. " properties"
    end
    return true
end

local function validate_array(root, schema, value)
    local n = #value
    if schema.minItems and n < schema.minItems then
        return false, "expect array to have at least " .. schema.minItems .. " items"
    end
    if schema.maxItems and n > schema.maxItems then
        return false, "expect array to have at most " .. schema.maxItems .. " items"
    end

    local items = schema.items
    if type(items) == "table" and #items > 0 then
        -- tuple form: one schema per position
        for i, sub in ipairs(items) do
            if value[i] == nil then
                break
            end
            local ok, err = validate(root, sub, value[i])
            if not ok then
                return false, "failed to validate item " .. i .. ": " .. err
            end
        end
        local extra = schema.additionalItems
        if extra == false and value[#items + 1] ~= nil then
            return false, "found unexpected extra items in array"
        elseif type(extra) == "table" then
            for i = #items + 1, n do
                local ok, err = validate(root, extra, value[i])
                if not ok then
                    return false, str_fmt("failed to validate additional item %d: %s", i, err)
                end
            end
        end
    elseif items == false then
        if n > 0 then
            return false, "expect false always"
        end
    elseif type(items) == "table" then
        for i = 1, n do
            local ok, err = validate(root, items, value[i])
            if not ok then
                return false, str_fmt("failed to validate item %d: %s", i, err)
            end
        end
    end

    if schema.uniqueItems then
        for i = 1, n - 1 do
            for j = i + 1, n do
                if deepeq(value[i], value[j]) then
                    return false, str_fmt("expected unique items but items %d and %d are equal", i, j)
                end
            end
        end
    end
    return true
end

local function validate_string(schema, value)
    if schema.minLength or schema.maxLength then
        local c = utf8_len(value)
        if schema.minLength and c < schema.minLength then
            return false, str_fmt("string too short, expected at least %d, got ", schema.minLength) .. c
        end
        if schema.maxLength and c > schema.maxLength then
            return false, str_fmt("string too long, expected at most %d, got ", schema.maxLength) .. c
        end
    end
    if schema.pattern then
        local from, _, err = re_find(value, schema.pattern, "jo")
        if err then
            error("invalid pattern " .. schema.pattern .. ": " .. err)
        end
        if not from then
            return false, str_fmt("failed to match pattern %q with %q", schema.pattern, value)
        end
    end
    return true
end

local function validate_number(schema, value)
    local ok, err
    if schema.minimum then
        ok, err = check_range(value, "<", schema.minimum, "at least")
        if not ok then
            return false, err
        end
    end
    local exmin, exmax = schema.exclusiveMinimum, schema.exclusiveMaximum
    if type(exmin) == "boolean" or type(exmax) == "boolean" then
        error("draft-4 boolean exclusiveMinimum/exclusiveMaximum is not supported")
    end
    if exmin then
        ok, err = check_range(value, "<=", exmin, "greater than")
        if not ok then
            return false, err
        end
    end
    if schema.maximum then
        ok, err = check_range(value, ">", schema.maximum, "at most")
        if not ok then
            return false, err
        end
    end
    if exmax then
        ok, err = check_range(value, ">=", exmax, "smaller than")
        if not ok then
            return false, err
        end
    end
    local mof = schema.multipleOf
    if mof then
        local bad
        if math_floor(mof) == mof then
            bad = value % mof ~= 0
        else
            -- relative tolerance: 1.13 / 0.01 is 112.99999999999999
            local q = value / mof
            local r = math_floor(q + 0.5)
            local tol = 1e-12 * (r == 0 and 1 or math_abs(r))
            bad = math_abs(q - r) > tol
        end
        if bad then
            return false, str_fmt("expected %s to be a multiple of %s", tostring(value), tostring(mof))
        end
    end
    return true
end

validate = function(root, schema, value)
    if schema == true then
        return true
    elseif schema == false then
        return false, "expect false always"
    end
    if type(schema) ~= "table" then
        error("invalid schema: expected a table, got " .. type(schema))
    end

    local ref = schema["$ref"]
    if ref then
        return validate(root, resolve_ref(root, ref), value)
    end

    local datatype = type(value)
    if datatype == "string" and (schema.type == nil or schema.type == "string")
        and require("tollgate_apisix_host.secret").is_secret_ref(value) then
        return true
    end
    local kind = datatype == "table" and tablekind(value)

    -- type
    local st = schema.type
    if type(st) == "string" then
        if not is_type(st, value, datatype, kind) then
            return false, "wrong type: expected " .. st .. ", got " .. datatype
        end
    elseif type(st) == "table" then
        local any = false
        for _, name in ipairs(st) do
            if is_type(name, value, datatype, kind) then
                any = true
                break
            end
        end
        if not any then
            return false, "wrong type: expected one of " .. tab_concat(st, ", ")
                .. ", got " .. datatype
        end
    elseif st ~= nil then
        error('invalid "type" type: got ' .. type(st))
    end

    local ok, err

    -- object keywords
    if schema.properties or schema.additionalProperties ~= nil or schema.patternProperties
        or schema.minProperties or schema.maxProperties or schema.dependencies
        or schema.required then
        if datatype == "table" and kind <= 1 then
            ok, err = validate_object(root, schema, value)
            if not ok then
                return false, err
            end
        end
        if schema.required and #schema.required == 0 and kind ~= 1 then
            return false, "the input data should be an empty table"
        end
    end

    -- array keywords
    if (schema.items ~= nil or schema.minItems or schema.maxItems or schema.uniqueItems)
        and datatype == "table" and kind >= 1 then
        ok, err = validate_array(root, schema, value)
        if not ok then
            return false, err
        end
    end

    if datatype == "string" and (schema.minLength or schema.maxLength or schema.pattern) then
        ok, err = validate_string(schema, value)
        if not ok then
            return false, err
        end
    end

    if datatype == "number" and (schema.minimum or schema.maximum or schema.multipleOf
        or schema.exclusiveMinimum or schema.exclusiveMaximum) then
        ok, err = validate_number(schema, value)
        if not ok then
            return false, err
        end
    end

    if schema.enum then
        local found = false
        for _, candidate in ipairs(schema.enum) do
            if deepeq(value, candidate) then
                found = true
                break
            end
        end
        if not found then
            return false, "matches none of the enum values"
        end
    end

    if schema.allOf then
        for i, sub in ipairs(schema.allOf) do
            ok, err = validate(root, sub, value)
            if not ok then
                return false, "allOf " .. i .. " failed: " .. err
            end
        end
    end

    if schema.anyOf then
        local any = false
        local requires = {}
        for _, sub in ipairs(schema.anyOf) do
            if validate(root, sub, value) then
                any = true
                break
            end
        end
        if not any then
            for _, sub in ipairs(schema.anyOf) do
                if type(sub) == "table" and sub.required then
                    requires[#requires + 1] = json_encode(sub.required)
                end
            end
            if #requires > 0 then
                return false, "object matches none of the required: " .. tab_concat(requires, " or ")
            end
            return false, "object matches none of the required"
        end
    end

    if schema.oneOf then
        local matched
        for i, sub in ipairs(schema.oneOf) do
            if validate(root, sub, value) then
                if matched then
                    return false, str_fmt("value should match only one schema, but matches both schemas %d and %d", matched, i)
                end
                matched = i
            end
        end
        if not matched then
            return false, "value should match only one schema, but matches none"
        end
    end

    if schema["if"] ~= nil then
        local cond = validate(root, schema["if"], value)
        if cond and schema["then"] ~= nil and not validate(root, schema["then"], value) then
            return false, "then clause did not match"
        end
        if not cond and schema["else"] ~= nil and not validate(root, schema["else"], value) then
            return false, "else clause did not match"
        end
    end

    if schema["not"] ~= nil and validate(root, schema["not"], value) then
        return false, "value wasn't supposed to match schema"
    end

    local fmt = schema.format
    if fmt and datatype == "string" then
        local good = true
        if fmt == "ipv4" then
            good = is_ip(2, value)
        elseif fmt == "ipv6" then
            good = is_ip(10, value)
        elseif formats[fmt] then
            good = re_find(value, formats[fmt], "jo") ~= nil
        end
        if not good then
            return false, "expect valid " .. fmt .. " format but got: " .. value
        end
    end

    if schema.const ~= nil and not deepeq(value, schema.const) then
        return false, "failed to check const value"
    end

    return true
end

-- Validates `conf` against `schema`, filling in defaults in place.
-- Returns true, or false plus an APISIX-style error message. A schema that
-- cannot be interpreted (unknown type name, bad $ref, draft-4 booleans)
-- gives false plus the reason, as a schema APISIX cannot compile does.
function _M.check(schema, conf)
    local ok, res, err = pcall(validate, schema, schema, conf)
    if not ok then
        return false, res
    end
    if not res then
        return false, err
    end
    return true
end

return _M
