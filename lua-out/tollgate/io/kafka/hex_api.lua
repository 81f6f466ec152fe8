local ____lualib = require("tollgate.lualib_bundle")
local Error = ____lualib.Error
local RangeError = ____lualib.RangeError
local ReferenceError = ____lualib.ReferenceError
local SyntaxError = ____lualib.SyntaxError
local TypeError = ____lualib.TypeError
local URIError = ____lualib.URIError
local __TS__New = ____lualib.__TS__New
local __TS__ObjectAssign = ____lualib.__TS__ObjectAssign
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local fromBase64 = ____bytes.fromBase64
local fromHex = ____bytes.fromHex
local reader = ____bytes.reader
local readVarint = ____bytes.readVarint
local readUvarint = ____bytes.readUvarint
local toBase64 = ____bytes.toBase64
local toHex = ____bytes.toHex
local int64 = ____bytes.int64
local uvarint = ____bytes.uvarint
local varint = ____bytes.varint
local utf8 = ____bytes.utf8
local ____crc32c = require("tollgate.io.kafka.crc32c")
local crc32c = ____crc32c.crc32c
local ____murmur2 = require("tollgate.io.kafka.murmur2")
local murmur2 = ____murmur2.murmur2
local partitionForKey = ____murmur2.partitionForKey
local ____record_2Dbatch = require("tollgate.io.kafka.record_batch")
local decodeRecordBatch = ____record_2Dbatch.decodeRecordBatch
local encodeRecordBatch = ____record_2Dbatch.encodeRecordBatch
local ____requests = require("tollgate.io.kafka.requests")
local API_API_VERSIONS = ____requests.API_API_VERSIONS
local API_INIT_PRODUCER_ID = ____requests.API_INIT_PRODUCER_ID
local API_METADATA = ____requests.API_METADATA
local API_PRODUCE = ____requests.API_PRODUCE
local API_SASL_AUTHENTICATE = ____requests.API_SASL_AUTHENTICATE
local API_SASL_HANDSHAKE = ____requests.API_SASL_HANDSHAKE
local apiVersionsRequest = ____requests.apiVersionsRequest
local decodeApiVersions = ____requests.decodeApiVersions
local decodeInitProducerId = ____requests.decodeInitProducerId
local decodeMetadata = ____requests.decodeMetadata
local decodeProduce = ____requests.decodeProduce
local decodeSaslAuthenticate = ____requests.decodeSaslAuthenticate
local decodeSaslHandshake = ____requests.decodeSaslHandshake
local frameRequest = ____requests.frameRequest
local initProducerIdRequest = ____requests.initProducerIdRequest
local metadataRequest = ____requests.metadataRequest
local produceRequest = ____requests.produceRequest
local readResponseHeader = ____requests.readResponseHeader
local saslAuthenticateRequest = ____requests.saslAuthenticateRequest
local saslHandshakeRequest = ____requests.saslHandshakeRequest
local saslPlainMessage = ____requests.saslPlainMessage
local function bytes(hex)
    -- plugins/io/kafka/hex-api.ts:37
    if hex == nil then
        return nil
    end
    local b = fromHex(hex)
    if b == nil then
        error(
            __TS__New(Error, "not hex: " .. hex),
            0
        )
    end
    return b
end
local function hexOrNull(b)
    -- plugins/io/kafka/hex-api.ts:44
    local ____temp_0
    if b == nil then
        ____temp_0 = nil
    else
        ____temp_0 = toHex(b)
    end
    return ____temp_0
end
function ____exports.crc32cHex(hex)
    -- plugins/io/kafka/hex-api.ts:48
    return crc32c(bytes(hex))
end
function ____exports.murmur2Hex(hex)
    -- plugins/io/kafka/hex-api.ts:52
    return murmur2(bytes(hex))
end
--- murmur2 of a text's UTF-8 bytes (JavaScript strings are UTF-16: this checks `utf8`).
function ____exports.murmur2Text(s)
    -- plugins/io/kafka/hex-api.ts:57
    return murmur2(utf8(s))
end
--- The Java client's partition of a key (hex) for each partition count.
function ____exports.partitionsHex(hex, partitionCounts)
    -- plugins/io/kafka/hex-api.ts:62
    local key = bytes(hex)
    local out = {}
    for ____, n in ipairs(partitionCounts) do
        out[#out + 1] = partitionForKey(key, n)
    end
    return out
end
function ____exports.varintHex(n)
    -- plugins/io/kafka/hex-api.ts:69
    local out = {}
    varint(out, n)
    return toHex(table.concat(out, ""))
end
function ____exports.uvarintHex(n)
    -- plugins/io/kafka/hex-api.ts:75
    local out = {}
    uvarint(out, n)
    return toHex(table.concat(out, ""))
end
function ____exports.int64Hex(n)
    -- plugins/io/kafka/hex-api.ts:81
    local out = {}
    int64(out, n)
    return toHex(table.concat(out, ""))
end
--- Decodes a zig-zag varint/varlong (signed) or an unsigned varint from hex.
function ____exports.readVarintHex(hex, signed)
    -- plugins/io/kafka/hex-api.ts:88
    local r = reader(bytes(hex))
    return signed and readVarint(r) or readUvarint(r)
end
local function records(spec)
    -- plugins/io/kafka/hex-api.ts:105
    local out = {}
    for ____, r in ipairs(spec.records) do
        local headers = {}
        if r.headers ~= nil then
            for ____, h in ipairs(r.headers) do
                headers[#headers + 1] = {
                    key = bytes(h.key),
                    value = bytes(h.value)
                }
            end
        end
        out[#out + 1] = {
            timestamp = r.timestamp,
            key = bytes(r.key),
            value = bytes(r.value),
            headers = headers
        }
    end
    return out
end
function ____exports.recordBatchHex(spec)
    -- plugins/io/kafka/hex-api.ts:115
    return toHex(encodeRecordBatch(
        records(spec),
        spec
    ))
end
--- decodeRecordBatch with byte fields in hex.
function ____exports.decodeRecordBatchHex(hex)
    -- plugins/io/kafka/hex-api.ts:120
    local batch = decodeRecordBatch(bytes(hex))
    local decodedRecords = {}
    for ____, r in ipairs(batch.records) do
        local headers = {}
        for ____, h in ipairs(r.headers) do
            headers[#headers + 1] = {
                key = toHex(h.key),
                value = hexOrNull(h.value)
            }
        end
        decodedRecords[#decodedRecords + 1] = {
            offset = r.offset,
            timestamp = r.timestamp,
            key = hexOrNull(r.key),
            value = hexOrNull(r.value),
            headers = headers
        }
    end
    return __TS__ObjectAssign({}, batch, {records = decodedRecords})
end
--- A whole framed request (size prefix included), in hex.
function ____exports.requestHex(spec)
    -- plugins/io/kafka/hex-api.ts:154
    local b = spec.body
    local body = ""
    if spec.apiKey == API_API_VERSIONS then
        body = apiVersionsRequest(spec.version, b.softwareName or "", b.softwareVersion or "")
    elseif spec.apiKey == API_METADATA then
        local ____metadataRequest_3 = metadataRequest
        local ____temp_2 = b.topics or ({})
        local ____b_allowAutoTopicCreation_1 = b.allowAutoTopicCreation
        if ____b_allowAutoTopicCreation_1 == nil then
            ____b_allowAutoTopicCreation_1 = false
        end
        body = ____metadataRequest_3(____temp_2, ____b_allowAutoTopicCreation_1)
    elseif spec.apiKey == API_INIT_PRODUCER_ID then
        body = initProducerIdRequest(b.transactionalId or nil, b.transactionTimeoutMs or 0)
    elseif spec.apiKey == API_PRODUCE then
        local topics = {}
        for ____, t in ipairs(b.topics or ({})) do
            local partitions = {}
            for ____, p in ipairs(t.partitions) do
                partitions[#partitions + 1] = {
                    partition = p.partition,
                    records = encodeRecordBatch(
                        records(p.batch),
                        p.batch
                    )
                }
            end
            topics[#topics + 1] = {topic = t.topic, partitions = partitions}
        end
        body = produceRequest(b.acks or -1, b.timeoutMs or 0, topics, b.transactionalId or nil)
    elseif spec.apiKey == API_SASL_HANDSHAKE then
        body = saslHandshakeRequest(b.mechanism or "")
    elseif spec.apiKey == API_SASL_AUTHENTICATE then
        body = saslAuthenticateRequest(bytes(b.authBytes) or "")
    else
        error(
            __TS__New(
                Error,
                "api " .. tostring(spec.apiKey) .. " has no encoder"
            ),
            0
        )
    end
    return toHex(frameRequest(
        spec.apiKey,
        spec.version,
        spec.correlationId,
        spec.clientId,
        body
    ))
end
--- Decodes a response (hex, without its size prefix): the correlation id and the body.
function ____exports.decodeResponseHex(apiKey, version, hex)
    -- plugins/io/kafka/hex-api.ts:175
    local ____readResponseHeader_result_4 = readResponseHeader(
        bytes(hex),
        apiKey,
        version
    )
    local correlationId = ____readResponseHeader_result_4.correlationId
    local r = ____readResponseHeader_result_4.r
    local body
    if apiKey == API_API_VERSIONS then
        body = decodeApiVersions(r, version)
    elseif apiKey == API_METADATA then
        body = decodeMetadata(r)
    elseif apiKey == API_INIT_PRODUCER_ID then
        body = decodeInitProducerId(r)
    elseif apiKey == API_PRODUCE then
        body = decodeProduce(r, version)
    elseif apiKey == API_SASL_HANDSHAKE then
        body = decodeSaslHandshake(r)
    elseif apiKey == API_SASL_AUTHENTICATE then
        local decoded = decodeSaslAuthenticate(r, version)
        body = __TS__ObjectAssign(
            {},
            decoded,
            {authBytes = toHex(decoded.authBytes)}
        )
    else
        error(
            __TS__New(
                Error,
                "api " .. tostring(apiKey) .. " has no decoder"
            ),
            0
        )
    end
    return {correlationId = correlationId, body = body}
end
--- SASL PLAIN's message for a user and password, in hex.
function ____exports.saslPlainHex(username, password)
    -- plugins/io/kafka/hex-api.ts:192
    return toHex(saslPlainMessage(username, password))
end
--- Base64 of bytes given in hex.
function ____exports.base64Hex(hex)
    -- plugins/io/kafka/hex-api.ts:197
    return toBase64(bytes(hex) or "")
end
--- The bytes of base64 text, in hex; null when it is not base64.
function ____exports.fromBase64Hex(text64)
    -- plugins/io/kafka/hex-api.ts:202
    return hexOrNull(fromBase64(text64))
end
return ____exports
