--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
--- Whole names that carry credentials (lower case).
local SECRET_NAMES = {
    authorization = true,
    ["proxy-authorization"] = true,
    cookie = true,
    ["set-cookie"] = true,
    apikey = true
}
--- Parts of names that usually carry credentials: x-api-key, x-auth-token,
-- x-amz-security-token, x-session-id, x-client-secret, x-hub-signature… A false
-- positive costs the operator a rename; a false negative leaks a key into billing.
local SECRET_PARTS = {
    "auth",
    "cookie",
    "token",
    "secret",
    "password",
    "passwd",
    "key",
    "session",
    "credential",
    "signature"
}
--- Why `name` may not be allowlisted, or undefined when it may.
function ____exports.secretHeaderProblem(name)
    -- plugins/kafka-usage/redaction.ts:30
    local lower = string.lower(name)
    if SECRET_NAMES[lower] == true then
        return "'" .. name .. "' carries credentials and is never put in an event"
    end
    for ____, part in ipairs(SECRET_PARTS) do
        if (string.find(lower, part, nil, true) or 0) - 1 >= 0 then
            return "'" .. name .. "' looks like it carries credentials ('" .. part .. "') and is never put in an event"
        end
    end
    return nil
end
return ____exports
