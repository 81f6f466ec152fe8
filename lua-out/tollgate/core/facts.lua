local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
local tagPrefix, TAG_PREFIXES
function tagPrefix(name)
    -- plugins/core/facts.ts:112
    local prefix = TAG_PREFIXES[name]
    if prefix == nil then
        prefix = name .. ":"
        TAG_PREFIXES[name] = prefix
    end
    return prefix
end
--- The value an operator attached to a consumer under `name`: a Kong tag
-- "<name>:<value>" or an APISIX label `<name>: <value>`. Only gateway-side consumer
-- data is read here, never anything the client sent.
function ____exports.consumerAttribute(consumer, name)
    -- plugins/core/facts.ts:70
    local attributes = consumer.attributes
    if attributes ~= nil then
        return attributes[name]
    end
    local ____opt_0 = consumer.labels
    local label = ____opt_0 and ____opt_0[name]
    if type(label) == "string" and label ~= "" then
        return label
    end
    local tags = consumer.tags
    if tags == nil then
        return nil
    end
    local prefix = tagPrefix(name)
    for ____, tag in ipairs(tags) do
        if type(tag) == "string" and #tag > #prefix and (string.find(tag, prefix, nil, true) or 0) - 1 == 0 then
            return __TS__StringSubstring(tag, #prefix)
        end
    end
    return nil
end
--- What consumerAttribute answers for every name, read once: labels first, then tags
-- "<name>:<value>" (the first of a name; a name never contains ":"); empty values are
-- no value.
function ____exports.consumerAttributes(consumer)
    -- plugins/core/facts.ts:92
    local attributes = {}
    for ____, tag in ipairs(consumer.tags or ({})) do
        do
            if type(tag) ~= "string" then
                goto __continue10
            end
            local colon = (string.find(tag, ":", nil, true) or 0) - 1
            if colon <= 0 or colon == #tag - 1 then
                goto __continue10
            end
            local name = __TS__StringSubstring(tag, 0, colon)
            if attributes[name] == nil then
                attributes[name] = __TS__StringSubstring(tag, colon + 1)
            end
        end
        ::__continue10::
    end
    local labels = consumer.labels or ({})
    for name in pairs(labels) do
        local label = labels[name]
        if type(label) == "string" and label ~= "" then
            attributes[name] = label
        end
    end
    return attributes
end
TAG_PREFIXES = {}
--- The wanted request headers that are present, read with a host's own getter.
-- The getter is a module-level function taking a context (never a closure made per
-- request): LuaJIT cannot compile a function that creates a closure (its returns need
-- the UCLO bytecode, which is not JIT-compiled), and this runs on every request.
function ____exports.pickHeaders(names, read, context)
    -- plugins/core/facts.ts:149
    local headers = {}
    for ____, name in ipairs(names) do
        local value = read(context, name)
        if value ~= nil then
            headers[name] = value
        end
    end
    return headers
end
return ____exports
