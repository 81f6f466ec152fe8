--[[ Generated with https://github.com/TypeScriptToLua/TypeScriptToLua ]]
local ____exports = {}
local ____bytes = require("tollgate.io.kafka.bytes")
local int16 = ____bytes.int16
local int32 = ____bytes.int32
local int64 = ____bytes.int64
local int8 = ____bytes.int8
local readBytesN = ____bytes.readBytesN
local readInt16 = ____bytes.readInt16
local readInt32 = ____bytes.readInt32
local readInt64 = ____bytes.readInt64
local readInt8 = ____bytes.readInt8
local reader = ____bytes.reader
local readUint32 = ____bytes.readUint32
local readVarint = ____bytes.readVarint
local varint = ____bytes.varint
local varintBytes = ____bytes.varintBytes
local ____crc32c = require("tollgate.io.kafka.crc32c")
local crc32c = ____crc32c.crc32c
--- Bytes of the batch before the CRC'd part: baseOffset, batchLength, partitionLeaderEpoch, magic, crc.
____exports.BATCH_HEADER_BYTES = 21
--- Bytes of a batch with no record.
____exports.EMPTY_BATCH_BYTES = 61
local MAGIC = 2
local TRANSACTIONAL_BIT = 16
--- A record's attributes (none are defined) and an empty headers section: one zero byte each.
local NO_ATTRIBUTES = varintBytes(0)
local NO_HEADERS = varintBytes(0)
local function varBytes(out, b)
    -- plugins/io/kafka/record-batch.ts:78
    if b == nil then
        varint(out, -1)
    else
        varint(out, #b)
        out[#out + 1] = b
    end
end
--- The headers of the last record encoded, and their bytes (count included): see headersBytes.
local lastHeaders
local lastHeadersBytes = varintBytes(0)
--- The bytes of a record's headers, count included. A producer's records usually share one
-- headers array (kafka-usage's content-type): its bytes are made once, not per record.
local function headersBytes(headers)
    -- plugins/io/kafka/record-batch.ts:94
    if headers == nil or #headers == 0 then
        return NO_HEADERS
    end
    if headers == lastHeaders then
        return lastHeadersBytes
    end
    local out = {varintBytes(#headers)}
    for ____, header in ipairs(headers) do
        varBytes(out, header.key)
        varBytes(out, header.value)
    end
    lastHeaders = headers
    lastHeadersBytes = table.concat(out, "")
    return lastHeadersBytes
end
--- Appends one record (length prefix included) to `out`, at `offsetDelta` with
-- `timestampDelta` from the base. Each varint is made once (varintBytes) and its length
-- counted into the record's, so the fields go straight into `out` (no per-record buffer to
-- join and copy: a batch holds hundreds), one push each.
local function pushRecord(out, record, offsetDelta, timestampDelta)
    -- plugins/io/kafka/record-batch.ts:113
    local key = record.key
    local value = record.value
    local timestamp = varintBytes(timestampDelta)
    local offset = varintBytes(offsetDelta)
    local keyLength = varintBytes(key == nil and -1 or #key)
    local valueLength = varintBytes(value == nil and -1 or #value)
    local headers = headersBytes(record.headers)
    local length = 1 + #timestamp + #offset + #keyLength + (key == nil and 0 or #key) + #valueLength + (value == nil and 0 or #value) + #headers
    out[#out + 1] = varintBytes(length)
    out[#out + 1] = NO_ATTRIBUTES
    out[#out + 1] = timestamp
    out[#out + 1] = offset
    out[#out + 1] = keyLength
    if key ~= nil then
        out[#out + 1] = key
    end
    out[#out + 1] = valueLength
    if value ~= nil then
        out[#out + 1] = value
    end
    out[#out + 1] = headers
end
--- One record (length prefix included), at `offsetDelta` with `timestampDelta` from the base.
function ____exports.encodeRecord(record, offsetDelta, timestampDelta)
    -- plugins/io/kafka/record-batch.ts:135
    local out = {}
    pushRecord(out, record, offsetDelta, timestampDelta)
    return table.concat(out, "")
end
--- A RecordBatch v2 holding `records` (at least one), uncompressed, CreateTime.
-- Timestamps are numbers of ms below 2^53.
function ____exports.encodeRecordBatch(records, options)
    -- plugins/io/kafka/record-batch.ts:145
    if options == nil then
        options = {}
    end
    local count = #records
    local first = records[1]
    local baseTimestamp = first.timestamp
    local maxTimestamp = baseTimestamp
    local body = {}
    do
        local i = 0
        while i < count do
            local record = records[i + 1]
            if record.timestamp > maxTimestamp then
                maxTimestamp = record.timestamp
            end
            pushRecord(body, record, i, record.timestamp - baseTimestamp)
            i = i + 1
        end
    end
    local head = {}
    int16(head, options.transactional == true and TRANSACTIONAL_BIT or 0)
    int32(head, count - 1)
    int64(head, baseTimestamp)
    int64(head, maxTimestamp)
    int64(head, options.producerId or -1)
    int16(head, options.producerEpoch or -1)
    int32(head, options.baseSequence or -1)
    int32(head, count)
    local checked = table.concat(head, "") .. table.concat(body, "")
    local out = {}
    int64(out, options.baseOffset or 0)
    int32(out, #checked + 9)
    int32(out, options.partitionLeaderEpoch or -1)
    int8(out, MAGIC)
    int32(
        out,
        crc32c(checked)
    )
    out[#out + 1] = checked
    return table.concat(out, "")
end
local function readVarBytes(r)
    -- plugins/io/kafka/record-batch.ts:197
    local n = readVarint(r)
    local ____temp_0
    if n < 0 then
        ____temp_0 = nil
    else
        ____temp_0 = readBytesN(r, n)
    end
    return ____temp_0
end
--- Decodes one uncompressed RecordBatch v2 at the start of `data`.
function ____exports.decodeRecordBatch(data)
    -- plugins/io/kafka/record-batch.ts:203
    local r = reader(data)
    local baseOffset = readInt64(r)
    local batchLength = readInt32(r)
    local ____end = r.pos + batchLength
    local batch = {
        baseOffset = baseOffset,
        partitionLeaderEpoch = readInt32(r),
        magic = readInt8(r),
        crc = readUint32(r),
        crcValid = false,
        attributes = 0,
        lastOffsetDelta = 0,
        baseTimestamp = 0,
        maxTimestamp = 0,
        producerId = 0,
        producerEpoch = 0,
        baseSequence = 0,
        records = {}
    }
    if batch.magic ~= MAGIC then
        batch.error = "magic " .. tostring(batch.magic) .. ", not 2"
        return batch
    end
    if ____end > #data then
        batch.error = "batch of " .. tostring(batchLength) .. " bytes, only " .. tostring(#data - 12) .. " present"
        return batch
    end
    batch.crcValid = crc32c(data, r.pos, ____end) == batch.crc
    batch.attributes = readInt16(r)
    batch.lastOffsetDelta = readInt32(r)
    batch.baseTimestamp = readInt64(r)
    batch.maxTimestamp = readInt64(r)
    batch.producerId = readInt64(r)
    batch.producerEpoch = readInt16(r)
    batch.baseSequence = readInt32(r)
    if bit.band(batch.attributes, 7) ~= 0 then
        batch.error = "compressed batches are not decoded"
        return batch
    end
    local count = readInt32(r)
    do
        local i = 0
        while i < count and r.err == nil do
            local length = readVarint(r)
            local recordEnd = r.pos + length
            readInt8(r)
            local timestampDelta = readVarint(r)
            local offsetDelta = readVarint(r)
            local key = readVarBytes(r)
            local value = readVarBytes(r)
            local headers = {}
            local headerCount = readVarint(r)
            do
                local h = 0
                while h < headerCount and r.err == nil do
                    local headerKey = readVarBytes(r) or ""
                    headers[#headers + 1] = {
                        key = headerKey,
                        value = readVarBytes(r)
                    }
                    h = h + 1
                end
            end
            if r.pos ~= recordEnd and r.err == nil then
                r.err = "record " .. tostring(i) .. ": length " .. tostring(length) .. " but " .. tostring(r.pos - recordEnd + length) .. " bytes read"
            end
            local ____batch_records_1 = batch.records
            ____batch_records_1[#____batch_records_1 + 1] = {
                offset = baseOffset + offsetDelta,
                timestamp = batch.baseTimestamp + timestampDelta,
                key = key,
                value = value,
                headers = headers
            }
            i = i + 1
        end
    end
    if r.err == nil and r.pos ~= ____end then
        r.err = tostring(____end - r.pos) .. " bytes after the last record"
    end
    if r.err ~= nil then
        batch.error = r.err
    end
    return batch
end
return ____exports
