local ____lualib = require("tollgate.lualib_bundle")
local __TS__StringStartsWith = ____lualib.__TS__StringStartsWith
local __TS__StringSubstring = ____lualib.__TS__StringSubstring
local ____exports = {}
--- The value an operator attached to a consumer under `name`: a Kong tag
-- "<name>:<value>" or an APISIX label `<name>: <value>`. Only gateway-side consumer
-- data is read here, never anything the client sent.
function ____exports.consumerAttribute(consumer, name)
    local ____opt_0 = consumer.labels
    local label = ____opt_0 and ____opt_0[name]
    if type(label) == "string" and label ~= "" then
        return label
    end
    local tags = consumer.tags
    if tags == nil then
        return nil
    end
    local prefix = name .. ":"
    for ____, tag in ipairs(tags) do
        if type(tag) == "string" and #tag > #prefix and __TS__StringStartsWith(tag, prefix) then
            return __TS__StringSubstring(tag, #prefix)
        end
    end
    return nil
end
--- The wanted request headers that are present, read with a host's own getter.
function ____exports.pickHeaders(names, read)
    local headers = {}
    for ____, name in ipairs(names) do
        local value = read(name)
        if value ~= nil then
            headers[name] = value
        end
    end
    return headers
end
return ____exports
