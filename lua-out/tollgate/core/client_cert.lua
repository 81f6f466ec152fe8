--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____schema = require("tollgate.core.schema")
local ____string = ____schema.string
____exports.CLIENT_CERT_FIELDS = {
    client_cert = ____string({description = "With TLS: the client certificate (PEM, the chain after it if any) presented to a server that asks for one (mutual TLS).", minLength = 1, referenceable = true}),
    client_key = ____string({description = "With TLS: the client certificate's private key (PEM, unencrypted).", minLength = 1, referenceable = true})
}
--- The client certificate a config's fields name, or undefined when they name none.
function ____exports.clientCertificate(conf)
    -- plugins/core/client-cert.ts:25
    return conf.client_cert ~= nil and conf.client_key ~= nil and ({cert = conf.client_cert, key = conf.client_key}) or nil
end
--- The problem with a record's client certificate fields (one without the other), or undefined.
function ____exports.clientCertProblem(value)
    -- plugins/core/client-cert.ts:30
    local cert = value.client_cert ~= nil
    local key = value.client_key ~= nil
    if cert and not key then
        return "client_key: required with client_cert"
    end
    if key and not cert then
        return "client_cert: required with client_key"
    end
    return nil
end
return ____exports
