local ____lualib = require("tollgate.lualib_bundle")
local __TS__ArraySort = ____lualib.__TS__ArraySort
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local bool = ____bytes.bool
local compactStr = ____bytes.compactStr
local emptyTags = ____bytes.emptyTags
local int16 = ____bytes.int16
local int32 = ____bytes.int32
local nullableBytes = ____bytes.nullableBytes
local nullableStr = ____bytes.nullableStr
local readBool = ____bytes.readBool
local readInt16 = ____bytes.readInt16
local readInt32 = ____bytes.readInt32
local readInt64 = ____bytes.readInt64
local readNullableStr = ____bytes.readNullableStr
local readNullableBytes = ____bytes.readNullableBytes
local reader = ____bytes.reader
local readStr = ____bytes.readStr
local readUvarint = ____bytes.readUvarint
local skipTags = ____bytes.skipTags
local str = ____bytes.str
local text = ____bytes.text
local utf8 = ____bytes.utf8
____exports.API_PRODUCE = 0
____exports.API_METADATA = 3
____exports.API_API_VERSIONS = 18
____exports.API_INIT_PRODUCER_ID = 22
____exports.API_SASL_HANDSHAKE = 17
____exports.API_SASL_AUTHENTICATE = 36
--- The versions this module speaks, per API: a client picks the highest both sides know.
____exports.SUPPORTED = {
    {apiKey = ____exports.API_PRODUCE, min = 3, max = 8},
    {apiKey = ____exports.API_METADATA, min = 8, max = 8},
    {apiKey = ____exports.API_API_VERSIONS, min = 0, max = 3},
    {apiKey = ____exports.API_INIT_PRODUCER_ID, min = 0, max = 1},
    {apiKey = ____exports.API_SASL_HANDSHAKE, min = 1, max = 1},
    {apiKey = ____exports.API_SASL_AUTHENTICATE, min = 0, max = 1}
}
--- Kafka error codes a producer acts on (the rest are reported by number and name).
____exports.ERRORS = {
    [-1] = "UNKNOWN_SERVER_ERROR",
    [0] = "NONE",
    [1] = "OFFSET_OUT_OF_RANGE",
    [2] = "CORRUPT_MESSAGE",
    [3] = "UNKNOWN_TOPIC_OR_PARTITION",
    [5] = "LEADER_NOT_AVAILABLE",
    [6] = "NOT_LEADER_OR_FOLLOWER",
    [7] = "REQUEST_TIMED_OUT",
    [8] = "BROKER_NOT_AVAILABLE",
    [10] = "MESSAGE_TOO_LARGE",
    [13] = "NETWORK_EXCEPTION",
    [15] = "COORDINATOR_NOT_AVAILABLE",
    [19] = "NOT_ENOUGH_REPLICAS",
    [20] = "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
    [21] = "INVALID_REQUIRED_ACKS",
    [29] = "TOPIC_AUTHORIZATION_FAILED",
    [33] = "UNSUPPORTED_SASL_MECHANISM",
    [34] = "ILLEGAL_SASL_STATE",
    [35] = "UNSUPPORTED_VERSION",
    [43] = "UNSUPPORTED_FOR_MESSAGE_FORMAT",
    [45] = "OUT_OF_ORDER_SEQUENCE_NUMBER",
    [46] = "DUPLICATE_SEQUENCE_NUMBER",
    [47] = "INVALID_PRODUCER_EPOCH",
    [58] = "SASL_AUTHENTICATION_FAILED",
    [59] = "UNKNOWN_PRODUCER_ID",
    [74] = "FENCED_LEADER_EPOCH",
    [75] = "UNKNOWN_LEADER_EPOCH",
    [87] = "INVALID_RECORD"
}
--- Whether a request of this API and version uses header v2 (flexible versions).
function ____exports.isFlexible(apiKey, version)
    -- plugins/io/kafka/requests.ts:93
    if apiKey == ____exports.API_API_VERSIONS then
        return version >= 3
    end
    if apiKey == ____exports.API_METADATA then
        return version >= 9
    end
    if apiKey == ____exports.API_PRODUCE then
        return version >= 9
    end
    if apiKey == ____exports.API_INIT_PRODUCER_ID then
        return version >= 2
    end
    return false
end
--- A whole request: size, header (v1, or v2 when flexible), body. `clientId` is text.
function ____exports.frameRequest(apiKey, version, correlationId, clientId, body)
    -- plugins/io/kafka/requests.ts:102
    local header = {}
    int16(header, apiKey)
    int16(header, version)
    int32(header, correlationId)
    local ____nullableStr_1 = nullableStr
    local ____temp_0
    if clientId == nil then
        ____temp_0 = nil
    else
        ____temp_0 = utf8(clientId)
    end
    ____nullableStr_1(header, ____temp_0)
    if ____exports.isFlexible(apiKey, version) then
        emptyTags(header)
    end
    local head = table.concat(header, "")
    local out = {}
    int32(out, #head + #body)
    out[#out + 1] = head
    out[#out + 1] = body
    return table.concat(out, "")
end
--- The size prefix of a response (its first 4 bytes): the number of bytes that follow.
function ____exports.frameSize(prefix)
    -- plugins/io/kafka/requests.ts:118
    return readInt32(reader(prefix))
end
--- Reads the response header of a response without its size prefix; `r.pos` is then at
-- the body. ApiVersions responses have no tags, whatever the version.
function ____exports.readResponseHeader(frame, apiKey, version)
    -- plugins/io/kafka/requests.ts:126
    local r = reader(frame)
    local correlationId = readInt32(r)
    if apiKey ~= ____exports.API_API_VERSIONS and ____exports.isFlexible(apiKey, version) then
        skipTags(r)
    end
    return {correlationId = correlationId, r = r}
end
--- ApiVersions body: empty before v3; v3 names the client software (text).
function ____exports.apiVersionsRequest(version, softwareName, softwareVersion)
    -- plugins/io/kafka/requests.ts:137
    if version < 3 then
        return ""
    end
    local out = {}
    compactStr(
        out,
        utf8(softwareName)
    )
    compactStr(
        out,
        utf8(softwareVersion)
    )
    emptyTags(out)
    return table.concat(out, "")
end
--- ApiVersions response body of `version`. A broker that does not know the requested
-- version answers UNSUPPORTED_VERSION (35) in the v0 layout, with its own ranges: call
-- again with version 0 to read that.
function ____exports.decodeApiVersions(r, version)
    -- plugins/io/kafka/requests.ts:164
    local result = {
        errorCode = readInt16(r),
        apis = {},
        throttleTimeMs = 0
    }
    local flexible = version >= 3
    local count = flexible and readUvarint(r) - 1 or readInt32(r)
    do
        local i = 0
        while i < count and r.err == nil do
            local range = {
                apiKey = readInt16(r),
                min = readInt16(r),
                max = readInt16(r)
            }
            if flexible then
                skipTags(r)
            end
            local ____result_apis_2 = result.apis
            ____result_apis_2[#____result_apis_2 + 1] = range
            i = i + 1
        end
    end
    if version >= 1 then
        result.throttleTimeMs = readInt32(r)
    end
    if flexible then
        skipTags(r)
    end
    if r.err ~= nil then
        result.error = r.err
    elseif r.pos ~= #r.data then
        result.error = tostring(#r.data - r.pos) .. " bytes after the ApiVersions response"
    end
    return result
end
--- The version to use for `apiKey`: the highest that both this module (SUPPORTED) and the
-- broker (its ApiVersions ranges) know; -1 when none.
function ____exports.pickVersion(apis, apiKey)
    -- plugins/io/kafka/requests.ts:184
    local ours
    for ____, range in ipairs(____exports.SUPPORTED) do
        if range.apiKey == apiKey then
            ours = range
        end
    end
    if ours == nil then
        return -1
    end
    for ____, theirs in ipairs(apis) do
        if theirs.apiKey == apiKey then
            local high = math.min(ours.max, theirs.max)
            return high >= math.max(ours.min, theirs.min) and high or -1
        end
    end
    return -1
end
--- Metadata v8 body for these topics (text names).
function ____exports.metadataRequest(topics, allowAutoTopicCreation)
    -- plugins/io/kafka/requests.ts:201
    if allowAutoTopicCreation == nil then
        allowAutoTopicCreation = false
    end
    local out = {}
    int32(out, #topics)
    for ____, topic in ipairs(topics) do
        str(
            out,
            utf8(topic)
        )
    end
    bool(out, allowAutoTopicCreation)
    bool(out, false)
    bool(out, false)
    return table.concat(out, "")
end
local function readInt32Array(r)
    -- plugins/io/kafka/requests.ts:245
    local out = {}
    local count = readInt32(r)
    do
        local i = 0
        while i < count and r.err == nil do
            out[#out + 1] = readInt32(r)
            i = i + 1
        end
    end
    return out
end
--- Metadata v8 response body.
function ____exports.decodeMetadata(r)
    -- plugins/io/kafka/requests.ts:253
    local result = {
        throttleTimeMs = readInt32(r),
        brokers = {},
        controllerId = -1,
        topics = {}
    }
    local brokerCount = readInt32(r)
    do
        local i = 0
        while i < brokerCount and r.err == nil do
            local nodeId = readInt32(r)
            local host = text(readStr(r))
            local port = readInt32(r)
            local rack = readNullableStr(r)
            local ____result_brokers_7 = result.brokers
            local ____nodeId_4 = nodeId
            local ____host_5 = host
            local ____port_6 = port
            local ____temp_3
            if rack == nil then
                ____temp_3 = nil
            else
                ____temp_3 = text(rack)
            end
            ____result_brokers_7[#____result_brokers_7 + 1] = {nodeId = ____nodeId_4, host = ____host_5, port = ____port_6, rack = ____temp_3}
            i = i + 1
        end
    end
    local clusterId = readNullableStr(r)
    local ____temp_8
    if clusterId == nil then
        ____temp_8 = nil
    else
        ____temp_8 = text(clusterId)
    end
    result.clusterId = ____temp_8
    result.controllerId = readInt32(r)
    local topicCount = readInt32(r)
    do
        local i = 0
        while i < topicCount and r.err == nil do
            local topic = {
                errorCode = readInt16(r),
                name = text(readStr(r)),
                isInternal = readBool(r),
                partitions = {}
            }
            local partitionCount = readInt32(r)
            do
                local p = 0
                while p < partitionCount and r.err == nil do
                    local ____topic_partitions_9 = topic.partitions
                    ____topic_partitions_9[#____topic_partitions_9 + 1] = {
                        errorCode = readInt16(r),
                        partition = readInt32(r),
                        leaderId = readInt32(r),
                        leaderEpoch = readInt32(r),
                        replicas = readInt32Array(r),
                        isr = readInt32Array(r),
                        offlineReplicas = readInt32Array(r)
                    }
                    p = p + 1
                end
            end
            __TS__ArraySort(
                topic.partitions,
                function(____, a, b)
                    -- plugins/io/kafka/requests.ts:281
                    return a.partition - b.partition
                end
            )
            readInt32(r)
            local ____result_topics_10 = result.topics
            ____result_topics_10[#____result_topics_10 + 1] = topic
            i = i + 1
        end
    end
    readInt32(r)
    if r.err ~= nil then
        result.error = r.err
    elseif r.pos ~= #r.data then
        result.error = tostring(#r.data - r.pos) .. " bytes after the Metadata response"
    end
    return result
end
--- SaslHandshake v1 body: the mechanism (e.g. "PLAIN").
function ____exports.saslHandshakeRequest(mechanism)
    -- plugins/io/kafka/requests.ts:296
    local out = {}
    str(
        out,
        utf8(mechanism)
    )
    return table.concat(out, "")
end
function ____exports.decodeSaslHandshake(r)
    -- plugins/io/kafka/requests.ts:309
    local errorCode = readInt16(r)
    local mechanisms = {}
    local count = readInt32(r)
    do
        local i = 0
        while i < count and r.err == nil do
            mechanisms[#mechanisms + 1] = text(readStr(r))
            i = i + 1
        end
    end
    local result = {errorCode = errorCode, mechanisms = mechanisms}
    if r.err ~= nil then
        result.error = r.err
    end
    return result
end
--- SaslAuthenticate v0/v1 body: the mechanism's message.
function ____exports.saslAuthenticateRequest(authBytes)
    -- plugins/io/kafka/requests.ts:320
    local out = {}
    nullableBytes(out, authBytes)
    return table.concat(out, "")
end
function ____exports.decodeSaslAuthenticate(r, version)
    -- plugins/io/kafka/requests.ts:337
    local errorCode = readInt16(r)
    local message = readNullableStr(r)
    local authBytes = readNullableBytes(r) or ""
    local result = {
        errorCode = errorCode,
        authBytes = authBytes,
        sessionLifetimeMs = version >= 1 and readInt64(r) or 0
    }
    if message ~= nil then
        result.errorMessage = text(message)
    end
    if r.err ~= nil then
        result.error = r.err
    end
    return result
end
--- SASL PLAIN's one message (RFC 4616): no authorization identity, then the user name and
-- the password, each after a NUL byte (UTF-8).
function ____exports.saslPlainMessage(username, password)
    -- plugins/io/kafka/requests.ts:351
    return "\0" .. utf8(username) .. "\0" .. utf8(password)
end
--- InitProducerId v0/v1 body.
function ____exports.initProducerIdRequest(transactionalId, transactionTimeoutMs)
    -- plugins/io/kafka/requests.ts:359
    local out = {}
    local ____nullableStr_12 = nullableStr
    local ____temp_11
    if transactionalId == nil then
        ____temp_11 = nil
    else
        ____temp_11 = utf8(transactionalId)
    end
    ____nullableStr_12(out, ____temp_11)
    int32(out, transactionTimeoutMs)
    return table.concat(out, "")
end
function ____exports.decodeInitProducerId(r)
    -- plugins/io/kafka/requests.ts:374
    local result = {
        throttleTimeMs = readInt32(r),
        errorCode = readInt16(r),
        producerId = readInt64(r),
        producerEpoch = readInt16(r)
    }
    if r.err ~= nil then
        result.error = r.err
    elseif r.pos ~= #r.data then
        result.error = tostring(#r.data - r.pos) .. " bytes after the InitProducerId response"
    end
    return result
end
--- Produce v3–v8 body (one layout for all of them). acks: -1 (all in-sync replicas), 1 or 0.
function ____exports.produceRequest(acks, timeoutMs, topics, transactionalId)
    -- plugins/io/kafka/requests.ts:402
    local out = {}
    local ____nullableStr_14 = nullableStr
    local ____temp_13
    if transactionalId == nil then
        ____temp_13 = nil
    else
        ____temp_13 = utf8(transactionalId)
    end
    ____nullableStr_14(out, ____temp_13)
    int16(out, acks)
    int32(out, timeoutMs)
    int32(out, #topics)
    for ____, topicData in ipairs(topics) do
        str(
            out,
            utf8(topicData.topic)
        )
        int32(out, #topicData.partitions)
        for ____, partitionData in ipairs(topicData.partitions) do
            int32(out, partitionData.partition)
            nullableBytes(out, partitionData.records)
        end
    end
    return table.concat(out, "")
end
--- Produce v3–v8 response body.
function ____exports.decodeProduce(r, version)
    -- plugins/io/kafka/requests.ts:436
    local result = {topics = {}, throttleTimeMs = 0}
    local topicCount = readInt32(r)
    do
        local i = 0
        while i < topicCount and r.err == nil do
            local topic = text(readStr(r))
            local partitions = {}
            local partitionCount = readInt32(r)
            do
                local p = 0
                while p < partitionCount and r.err == nil do
                    local response = {
                        partition = readInt32(r),
                        errorCode = readInt16(r),
                        baseOffset = readInt64(r),
                        logAppendTimeMs = readInt64(r),
                        logStartOffset = version >= 5 and readInt64(r) or -1,
                        recordErrors = {}
                    }
                    if version >= 8 then
                        local errorCount = readInt32(r)
                        do
                            local e = 0
                            while e < errorCount and r.err == nil do
                                local batchIndex = readInt32(r)
                                local message = readNullableStr(r)
                                local ____response_recordErrors_17 = response.recordErrors
                                local ____batchIndex_16 = batchIndex
                                local ____temp_15
                                if message == nil then
                                    ____temp_15 = nil
                                else
                                    ____temp_15 = text(message)
                                end
                                ____response_recordErrors_17[#____response_recordErrors_17 + 1] = {batchIndex = ____batchIndex_16, message = ____temp_15}
                                e = e + 1
                            end
                        end
                        local message = readNullableStr(r)
                        local ____temp_18
                        if message == nil then
                            ____temp_18 = nil
                        else
                            ____temp_18 = text(message)
                        end
                        response.errorMessage = ____temp_18
                    end
                    partitions[#partitions + 1] = response
                    p = p + 1
                end
            end
            local ____result_topics_19 = result.topics
            ____result_topics_19[#____result_topics_19 + 1] = {topic = topic, partitions = partitions}
            i = i + 1
        end
    end
    result.throttleTimeMs = readInt32(r)
    if r.err ~= nil then
        result.error = r.err
    elseif r.pos ~= #r.data then
        result.error = tostring(#r.data - r.pos) .. " bytes after the Produce response"
    end
    return result
end
--- The name of a Kafka error code, e.g. "NOT_LEADER_OR_FOLLOWER (6)".
function ____exports.errorName(code)
    -- plugins/io/kafka/requests.ts:473
    return (____exports.ERRORS[code] or "ERROR") .. " (" .. tostring(code) .. ")"
end
return ____exports
