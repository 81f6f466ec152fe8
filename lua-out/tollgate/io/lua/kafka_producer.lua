--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local exchange, closed, learnVersions, authenticate, saslStep
local ____client_2Dcert = require("tollgate.core.client_cert")
local clientCertificate = ____client_2Dcert.clientCertificate
local ____version = require("tollgate.core.version")
local TOLLGATE_VERSION = ____version.TOLLGATE_VERSION
local ____bytes = require("tollgate.io.kafka.bytes")
local toBase64 = ____bytes.toBase64
local ____scram = require("tollgate.io.kafka.scram")
local scramCheckServer = ____scram.scramCheckServer
local scramFinal = ____scram.scramFinal
local scramFirst = ____scram.scramFirst
local ____crypto = require("tollgate.io.lua.crypto")
local randomBytes = ____crypto.randomBytes
local scramCrypto = ____crypto.scramCrypto
local ____tls = require("tollgate.io.lua.tls")
local poolSecurity = ____tls.poolSecurity
local secure = ____tls.secure
local ____murmur2 = require("tollgate.io.kafka.murmur2")
local partitionForKey = ____murmur2.partitionForKey
local ____record_2Dbatch = require("tollgate.io.kafka.record_batch")
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
local errorName = ____requests.errorName
local frameRequest = ____requests.frameRequest
local frameSize = ____requests.frameSize
local initProducerIdRequest = ____requests.initProducerIdRequest
local metadataRequest = ____requests.metadataRequest
local pickVersion = ____requests.pickVersion
local produceRequest = ____requests.produceRequest
local readResponseHeader = ____requests.readResponseHeader
local saslAuthenticateRequest = ____requests.saslAuthenticateRequest
local saslHandshakeRequest = ____requests.saslHandshakeRequest
local saslPlainMessage = ____requests.saslPlainMessage
function exchange(state, sock, config, apiKey, version, body)
    -- plugins/io/lua/kafka-producer.ts:216
    state.correlationId = (state.correlationId + 1) % 2147483647
    local correlationId = state.correlationId
    local sent, sendErr = sock:send(frameRequest(
        apiKey,
        version,
        correlationId,
        config.client_id or "tollgate",
        body
    ))
    if sent == nil then
        return nil, "send: " .. tostring(sendErr)
    end
    local prefix, sizeErr = sock:receive(4)
    if prefix == nil then
        return nil, "receive: " .. tostring(sizeErr)
    end
    local size = frameSize(prefix)
    if size < 4 or size > 104857600 then
        return nil, "bad response size " .. tostring(size)
    end
    local frame, frameErr = sock:receive(size)
    if frame == nil then
        return nil, "receive: " .. tostring(frameErr)
    end
    local header = readResponseHeader(frame, apiKey, version)
    if header.correlationId ~= correlationId then
        return nil, "correlation id " .. tostring(header.correlationId) .. ", expected " .. tostring(correlationId)
    end
    return header, nil
end
function closed(sock, err)
    -- plugins/io/lua/kafka-producer.ts:270
    sock:close()
    return nil, err
end
function learnVersions(state, config, sock, broker)
    -- plugins/io/lua/kafka-producer.ts:276
    local header, exchangeErr = exchange(
        state,
        sock,
        config,
        API_API_VERSIONS,
        3,
        apiVersionsRequest(3, "tollgate", TOLLGATE_VERSION)
    )
    if header == nil then
        return "ApiVersions: " .. tostring(exchangeErr)
    end
    local versions = decodeApiVersions(header.r, 3)
    if versions.errorCode == 35 then
        header, exchangeErr = exchange(
            state,
            sock,
            config,
            API_API_VERSIONS,
            0,
            ""
        )
        if header == nil then
            return "ApiVersions: " .. tostring(exchangeErr)
        end
        versions = decodeApiVersions(header.r, 0)
    end
    if versions.error ~= nil or versions.errorCode ~= 0 then
        return "ApiVersions: " .. (versions.error or errorName(versions.errorCode))
    end
    local produce = pickVersion(versions.apis, API_PRODUCE)
    local metadata = pickVersion(versions.apis, API_METADATA)
    if produce < 0 or metadata < 0 then
        return "no common Produce (v3-v8) or Metadata (v8) version"
    end
    broker.produce = produce
    broker.metadata = metadata
    broker.initProducerId = pickVersion(versions.apis, API_INIT_PRODUCER_ID)
    broker.saslAuthenticate = pickVersion(versions.apis, API_SASL_AUTHENTICATE)
    return nil
end
function authenticate(state, config, sock, broker, sasl)
    -- plugins/io/lua/kafka-producer.ts:298
    local handshake, handshakeErr = exchange(
        state,
        sock,
        config,
        API_SASL_HANDSHAKE,
        1,
        saslHandshakeRequest(sasl.mechanism)
    )
    if handshake == nil then
        return "SaslHandshake: " .. tostring(handshakeErr)
    end
    local offered = decodeSaslHandshake(handshake.r)
    if offered.error ~= nil then
        return "SaslHandshake: " .. offered.error
    end
    if offered.errorCode ~= 0 then
        return errorName(offered.errorCode) .. " (the listener offers " .. table.concat(offered.mechanisms, ", ") .. ")"
    end
    local version = broker.saslAuthenticate or -1
    if version < 0 then
        return "the broker has no SaslAuthenticate v0-v1"
    end
    if sasl.mechanism == "PLAIN" then
        local ____, err = saslStep(
            state,
            config,
            sock,
            version,
            saslPlainMessage(sasl.username, sasl.password)
        )
        return err
    end
    local crypto = scramCrypto(sasl.mechanism == "SCRAM-SHA-256" and "SHA-256" or "SHA-512")
    local random = randomBytes(18)
    if crypto == nil or random == nil then
        return "OpenSSL's libcrypto cannot be found through the FFI"
    end
    local first = scramFirst(
        sasl.username,
        toBase64(random)
    )
    local serverFirst, firstErr = saslStep(
        state,
        config,
        sock,
        version,
        first.message
    )
    if serverFirst == nil then
        return firstErr
    end
    local final = scramFinal(crypto, sasl.password, first, serverFirst)
    if final.error ~= nil then
        return final.error
    end
    local serverFinal, finalErr = saslStep(
        state,
        config,
        sock,
        version,
        final.message
    )
    if serverFinal == nil then
        return finalErr
    end
    return scramCheckServer(serverFinal, final)
end
function saslStep(state, config, sock, version, message)
    -- plugins/io/lua/kafka-producer.ts:330
    local answer, answerErr = exchange(
        state,
        sock,
        config,
        API_SASL_AUTHENTICATE,
        version,
        saslAuthenticateRequest(message)
    )
    if answer == nil then
        return nil, "SaslAuthenticate: " .. tostring(answerErr)
    end
    local result = decodeSaslAuthenticate(answer.r, version)
    if result.error ~= nil then
        return nil, "SaslAuthenticate: " .. result.error
    end
    if result.errorCode ~= 0 then
        return nil, errorName(result.errorCode) .. (result.errorMessage == nil and "" or ": " .. result.errorMessage)
    end
    return result.authBytes, nil
end
local states = setmetatable({}, {__mode = "k"})
--- Errors after which the partition leader may have moved: refresh metadata.
local LEADER_ERRORS = {}
for ____, code in ipairs({
    3,
    5,
    6,
    74,
    75
}) do
    LEADER_ERRORS[code] = true
end
--- Errors worth retrying the same batch for (leader moves, timeouts, under-replication).
local RETRIABLE = {}
for ____, code in ipairs({
    3,
    5,
    6,
    7,
    13,
    19,
    20,
    74,
    75
}) do
    RETRIABLE[code] = true
end
--- Errors that end the producer id: a new one is fetched and sequences start again.
local PRODUCER_RESET = {}
for ____, code in ipairs({45, 47, 59}) do
    PRODUCER_RESET[code] = true
end
local SEQUENCE_MODULUS = 2147483648
local function parseAddr(addr)
    -- plugins/io/lua/kafka-producer.ts:176
    local host, port = string.match(addr, "^%[?([^%]]+)%]?:(%d+)$")
    if host == nil or port == nil then
        return nil
    end
    return {
        host = host,
        port = tonumber(port),
        addr = addr
    }
end
local function clientCertOf(config)
    -- plugins/io/lua/kafka-producer.ts:182
    local ____temp_0
    if config.tls == nil then
        ____temp_0 = nil
    else
        ____temp_0 = clientCertificate(config.tls)
    end
    return ____temp_0
end
local function stateFor(config)
    -- plugins/io/lua/kafka-producer.ts:186
    local state = states[config]
    if state ~= nil then
        return state
    end
    local ____temp_3 = {}
    local ____temp_4 = {}
    local ____temp_5 = {}
    local ____temp_6 = -1
    local ____temp_7 = -1
    local ____temp_8 = {}
    local ____temp_9 = {}
    local ____poolSecurity_2 = poolSecurity
    local ____temp_1
    if config.tls == nil then
        ____temp_1 = nil
    else
        ____temp_1 = {
            serverName = config.tls.server_name,
            verify = config.tls.verify,
            clientCert = clientCertOf(config)
        }
    end
    state = {
        seeds = ____temp_3,
        nodes = ____temp_4,
        topics = ____temp_5,
        producerId = ____temp_6,
        producerEpoch = ____temp_7,
        sequences = ____temp_8,
        nextPartition = 0,
        keyPartitions = ____temp_9,
        keyPartitionCount = 0,
        keyPartitionSize = 0,
        correlationId = 0,
        poolTag = ____poolSecurity_2(____temp_1) .. ":" .. (config.sasl == nil and "" or config.sasl.username .. ":" .. ngx.md5(config.sasl.password))
    }
    for ____, addr in ipairs(config.brokers) do
        local broker = parseAddr(addr)
        if broker == nil then
            state.error = "kafka: broker '" .. addr .. "' is not host:port"
        else
            local ____state_seeds_10 = state.seeds
            ____state_seeds_10[#____state_seeds_10 + 1] = broker
        end
    end
    if #state.seeds == 0 and state.error == nil then
        state.error = "kafka: no broker configured"
    end
    states[config] = state
    return state
end
--- A connected socket to `broker`, secured and authenticated as configured, whose API
-- versions are known (ApiVersions on the first connection of this worker to it); or
-- undefined and an error (the socket is closed).
local function connect(state, config, broker)
    -- plugins/io/lua/kafka-producer.ts:246
    local sock = ngx.socket.tcp()
    sock:settimeouts(config.timeout_ms, config.timeout_ms, config.timeout_ms)
    local ok, err = sock:connect(broker.host, broker.port, {pool = "tollgate-kafka:" .. broker.addr .. ":" .. state.poolTag, pool_size = config.pool_size or 4})
    if ok == nil then
        return nil, "kafka " .. broker.addr .. ": connect: " .. tostring(err)
    end
    local reused = sock:getreusedtimes()
    local fresh = reused == 0
    local tls = config.tls
    if fresh and tls ~= nil then
        local insecure = secure(
            sock,
            {
                serverName = tls.server_name or broker.host,
                verify = tls.verify,
                clientCert = clientCertOf(config)
            }
        )
        if insecure ~= nil then
            return closed(sock, "kafka " .. broker.addr .. ": " .. insecure)
        end
    end
    if broker.produce == nil then
        local versionsErr = learnVersions(state, config, sock, broker)
        if versionsErr ~= nil then
            return closed(sock, "kafka " .. broker.addr .. ": " .. versionsErr)
        end
    end
    local sasl = config.sasl
    if fresh and sasl ~= nil then
        local authErr = authenticate(
            state,
            config,
            sock,
            broker,
            sasl
        )
        if authErr ~= nil then
            return closed(sock, "kafka " .. broker.addr .. ": SASL " .. sasl.mechanism .. ": " .. authErr)
        end
    end
    return sock, nil
end
local function release(sock, config)
    -- plugins/io/lua/kafka-producer.ts:345
    sock:setkeepalive(config.keepalive_ms or 60000, config.pool_size or 4)
end
local function versionFor(broker, apiKey)
    -- plugins/io/lua/kafka-producer.ts:349
    if apiKey == API_PRODUCE then
        return broker.produce or -1
    end
    if apiKey == API_METADATA then
        return broker.metadata or -1
    end
    if apiKey == API_INIT_PRODUCER_ID then
        return broker.initProducerId or -1
    end
    return -1
end
--- One request to `broker` on a pooled connection: the response header (its reader at the
-- body) and the version used; or undefined and an error. A pooled connection the broker
-- has closed meanwhile (it restarted, or closed an idle connection) is replaced by a fresh
-- one once.
local function call(state, config, broker, apiKey, name, body)
    -- plugins/io/lua/kafka-producer.ts:362
    do
        local attempt = 1
        while true do
            local sock, connectErr = connect(state, config, broker)
            if sock == nil then
                return nil, -1, connectErr
            end
            local version = versionFor(broker, apiKey)
            if version < 0 then
                release(sock, config)
                return nil, -1, "kafka " .. broker.addr .. ": no common " .. name .. " version"
            end
            local reused = sock:getreusedtimes()
            local header, err = exchange(
                state,
                sock,
                config,
                apiKey,
                version,
                body
            )
            if header ~= nil then
                release(sock, config)
                return header, version, nil
            end
            sock:close()
            local stale = err == "send: closed" or err == "receive: closed" or ({string.find(err, "reset by peer", 1, true)}) ~= nil
            if attempt >= 2 or reused == nil or reused == 0 or not stale then
                return nil, version, "kafka " .. broker.addr .. ": " .. name .. ": " .. tostring(err)
            end
            attempt = attempt + 1
        end
    end
end
--- Brokers to ask for cluster-wide things: the known nodes, then the seeds.
local function candidates(state)
    -- plugins/io/lua/kafka-producer.ts:393
    local out = {}
    for ____, broker in pairs(state.nodes) do
        out[#out + 1] = broker
    end
    for ____, seed in ipairs(state.seeds) do
        out[#out + 1] = seed
    end
    return out
end
--- Loads the topic's partitions and leaders (and the brokers) from the first broker that answers.
local function refreshMetadata(state, config, topic)
    -- plugins/io/lua/kafka-producer.ts:401
    local lastErr = "no broker"
    for ____, broker in ipairs(candidates(state)) do
        do
            local header, ____, err = call(
                state,
                config,
                broker,
                API_METADATA,
                "Metadata",
                metadataRequest({topic})
            )
            if header == nil then
                lastErr = err
                goto __continue70
            end
            local metadata = decodeMetadata(header.r)
            if metadata.error ~= nil then
                lastErr = "kafka " .. broker.addr .. ": Metadata: " .. metadata.error
                goto __continue70
            end
            for ____, node in ipairs(metadata.brokers) do
                local addr = node.host .. ":" .. tostring(node.port)
                local known = state.nodes[node.nodeId]
                if known == nil or known.addr ~= addr then
                    state.nodes[node.nodeId] = {host = node.host, port = node.port, addr = addr}
                end
            end
            local found = metadata.topics[1]
            if found == nil or found.name ~= topic then
                return "kafka: Metadata without topic '" .. topic .. "'"
            end
            if found.errorCode ~= 0 then
                return "kafka: topic '" .. topic .. "': " .. errorName(found.errorCode)
            end
            if #found.partitions == 0 then
                return "kafka: topic '" .. topic .. "' has no partitions"
            end
            local leaders = {}
            for ____, p in ipairs(found.partitions) do
                leaders[p.partition + 1] = p.errorCode == 0 and p.leaderId or -1
            end
            do
                local i = 0
                while i < #found.partitions do
                    if leaders[i + 1] == nil then
                        leaders[i + 1] = -1
                    end
                    i = i + 1
                end
            end
            state.topics[topic] = {
                leaders = leaders,
                fetchedAt = ngx.now(),
                stale = false
            }
            return nil
        end
        ::__continue70::
    end
    return lastErr
end
--- Obtains a producer id and epoch (retrying briefly while the coordinator loads).
local function initProducer(state, config)
    -- plugins/io/lua/kafka-producer.ts:433
    local lastErr = "no broker"
    do
        local attempt = 0
        while attempt < 10 do
            if attempt > 0 then
                ngx.sleep(0.1)
            end
            for ____, broker in ipairs(candidates(state)) do
                do
                    local header, ____, err = call(
                        state,
                        config,
                        broker,
                        API_INIT_PRODUCER_ID,
                        "InitProducerId",
                        initProducerIdRequest(nil, 60000)
                    )
                    if header == nil then
                        lastErr = err
                        goto __continue89
                    end
                    local response = decodeInitProducerId(header.r)
                    if response.error == nil and response.errorCode == 0 then
                        state.producerId = response.producerId
                        state.producerEpoch = response.producerEpoch
                        state.sequences = {}
                        return nil
                    end
                    lastErr = "kafka " .. broker.addr .. ": InitProducerId: " .. (response.error or errorName(response.errorCode))
                    break
                end
                ::__continue89::
            end
            attempt = attempt + 1
        end
    end
    return lastErr
end
--- Keys whose partitions are remembered per config, at most (then the memory starts again).
local KEY_PARTITIONS_MAX = 10000
--- The partition of a keyed record, remembered per key: the keys are usage subjects, a few
-- per batch of hundreds, and murmur2's loop over the key's bytes inside the loop over the
-- records kept LuaJIT from compiling it ("inner loop in root trace").
local function partitionOf(state, key, partitionCount)
    -- plugins/io/lua/kafka-producer.ts:466
    if state.keyPartitionCount ~= partitionCount or state.keyPartitionSize >= KEY_PARTITIONS_MAX then
        state.keyPartitions = {}
        state.keyPartitionCount = partitionCount
        state.keyPartitionSize = 0
    end
    local partition = state.keyPartitions[key]
    if partition == nil then
        partition = partitionForKey(key, partitionCount)
        state.keyPartitions[key] = partition
        state.keyPartitionSize = state.keyPartitionSize + 1
    end
    return partition
end
--- Every partition batch of `group` failed with `error`. (A module function: a closure made
-- in send() would keep LuaJIT from compiling the loops that encode each batch.)
local function failGroup(results, group, ____error, retriable)
    -- plugins/io/lua/kafka-producer.ts:491
    for ____, batch in ipairs(group) do
        results[#results + 1] = {
            partition = batch.partition,
            count = #batch.records,
            records = batch.records,
            error = ____error,
            retriable = retriable
        }
    end
end
--- Sends `records` to `topic`. Returns the outcome per partition (and the error of the first
-- failed partition), or undefined and an error when nothing could be sent (no metadata,
-- no producer id).
function ____exports.send(config, topic, records)
    -- plugins/io/lua/kafka-producer.ts:500
    local state = stateFor(config)
    if state.error ~= nil then
        return nil, state.error
    end
    if #records == 0 then
        return {partitions = {}, sent = 0, failed = 0}, nil
    end
    local idempotent = config.idempotent ~= false
    local acks = config.acks or -1
    if acks ~= -1 and acks ~= 1 then
        return nil, "kafka: acks must be -1 or 1"
    end
    local view = state.topics[topic]
    if view == nil or view.stale or ngx.now() - view.fetchedAt > (config.metadata_max_age_s or 300) then
        local err = refreshMetadata(state, config, topic)
        if err ~= nil then
            return nil, err
        end
        view = state.topics[topic]
    end
    if idempotent and state.producerId < 0 then
        local err = initProducer(state, config)
        if err ~= nil then
            return nil, err
        end
    end
    local partitionCount = #view.leaders
    local keyless = state.nextPartition % partitionCount
    state.nextPartition = (state.nextPartition + 1) % 1073741824
    local byPartition = {}
    local order = {}
    for ____, record in ipairs(records) do
        local partition = record.key == nil and keyless or partitionOf(state, record.key, partitionCount)
        local batch = byPartition[partition]
        if batch == nil then
            batch = {partition = partition, records = {}, sequence = -1}
            byPartition[partition] = batch
            order[#order + 1] = batch
        end
        local ____batch_records_11 = batch.records
        ____batch_records_11[#____batch_records_11 + 1] = record
    end
    local results = {}
    local byLeader = {}
    local leaders = {}
    for ____, batch in ipairs(order) do
        do
            local leader = view.leaders[batch.partition + 1] or -1
            if leader < 0 or state.nodes[leader] == nil then
                results[#results + 1] = {
                    partition = batch.partition,
                    count = #batch.records,
                    records = batch.records,
                    error = "no leader",
                    retriable = true
                }
                view.stale = true
                goto __continue110
            end
            local group = byLeader[leader]
            if group == nil then
                group = {}
                byLeader[leader] = group
                leaders[#leaders + 1] = leader
            end
            group[#group + 1] = batch
        end
        ::__continue110::
    end
    for ____, leader in ipairs(leaders) do
        do
            local group = byLeader[leader]
            local broker = state.nodes[leader]
            local partitions = {}
            for ____, batch in ipairs(group) do
                local seqKey = topic .. ":" .. tostring(batch.partition)
                batch.sequence = idempotent and (state.sequences[seqKey] or 0) or -1
                partitions[#partitions + 1] = {
                    partition = batch.partition,
                    records = encodeRecordBatch(batch.records, idempotent and ({producerId = state.producerId, producerEpoch = state.producerEpoch, baseSequence = batch.sequence}) or ({}))
                }
            end
            local header, version, err = call(
                state,
                config,
                broker,
                API_PRODUCE,
                "Produce",
                produceRequest(acks, config.request_timeout_ms or config.timeout_ms, {{topic = topic, partitions = partitions}})
            )
            if header == nil then
                view.stale = true
                failGroup(results, group, err, true)
                goto __continue114
            end
            local response = decodeProduce(header.r, version)
            if response.error ~= nil then
                failGroup(results, group, "kafka " .. broker.addr .. ": Produce: " .. response.error, true)
                goto __continue114
            end
            local answered = {}
            for ____, topicResponse in ipairs(response.topics) do
                for ____, p in ipairs(topicResponse.partitions) do
                    do
                        local batch = byPartition[p.partition]
                        if batch == nil or topicResponse.topic ~= topic then
                            goto __continue120
                        end
                        answered[p.partition] = true
                        if p.errorCode == 0 or idempotent and p.errorCode == 46 then
                            if idempotent then
                                state.sequences[topic .. ":" .. tostring(p.partition)] = (batch.sequence + #batch.records) % SEQUENCE_MODULUS
                            end
                            results[#results + 1] = {partition = p.partition, count = #batch.records, records = batch.records, baseOffset = p.baseOffset}
                        else
                            if LEADER_ERRORS[p.errorCode] ~= nil then
                                view.stale = true
                            end
                            if idempotent and PRODUCER_RESET[p.errorCode] ~= nil then
                                state.producerId = -1
                            end
                            local message = p.errorMessage == nil and "" or ": " .. p.errorMessage
                            results[#results + 1] = {
                                partition = p.partition,
                                count = #batch.records,
                                records = batch.records,
                                error = "kafka " .. broker.addr .. ": " .. errorName(p.errorCode) .. message,
                                errorCode = p.errorCode,
                                retriable = RETRIABLE[p.errorCode] ~= nil or PRODUCER_RESET[p.errorCode] ~= nil
                            }
                        end
                    end
                    ::__continue120::
                end
            end
            for ____, batch in ipairs(group) do
                if not (answered[batch.partition] ~= nil) then
                    results[#results + 1] = {
                        partition = batch.partition,
                        count = #batch.records,
                        records = batch.records,
                        error = "kafka " .. broker.addr .. ": no answer for the partition",
                        retriable = true
                    }
                end
            end
        end
        ::__continue114::
    end
    local sent = 0
    local failed = 0
    local firstError
    for ____, r in ipairs(results) do
        if r.error == nil then
            sent = sent + r.count
        else
            failed = failed + r.count
            firstError = firstError or "partition " .. tostring(r.partition) .. ": " .. r.error
        end
    end
    return {partitions = results, sent = sent, failed = failed}, firstError
end
--- What this worker knows of a config's cluster (for a status endpoint and tests).
function ____exports.clusterInfo(config)
    -- plugins/io/lua/kafka-producer.ts:647
    local state = stateFor(config)
    local nodes = {}
    for nodeId, broker in pairs(state.nodes) do
        nodes[#nodes + 1] = {
            nodeId = nodeId,
            addr = broker.addr,
            produce = broker.produce,
            metadata = broker.metadata,
            initProducerId = broker.initProducerId
        }
    end
    local topics = {}
    for name, view in pairs(state.topics) do
        topics[#topics + 1] = {name = name, leaders = view.leaders, stale = view.stale}
    end
    return {
        nodes = nodes,
        topics = topics,
        producerId = state.producerId,
        producerEpoch = state.producerEpoch,
        error = state.error
    }
end
return ____exports
