-- `make bench`, scenario kafka-producer: how many usage events one nginx worker delivers
-- to a real broker with tollgate's compiled producer (lua-out/tollgate/io/lua/kafka_producer.lua).
--
-- GET /produce?events=N&batch=B&bytes=S sends N records of S bytes of CloudEvent-like JSON,
-- keyed by 1,000 subjects, in calls of B records, acks -1, idempotent (the plugin's
-- defaults), and answers {"events": N, "seconds": t, "failed": f}. The records are built
-- before the clock starts: this measures the producer (RecordBatch encoding, CRC-32C,
-- partitioning, Produce round trips), not JSON encoding, which the kafka-usage scenario
-- measures through the whole plugin.
local cjson = require("cjson.safe")
local producer = require("tollgate.io.lua.kafka_producer")

local _M = {}
local configs = {}

local function records_of(count, bytes)
  local out = {}
  local now = math.floor(ngx.now() * 1000)
  local headers = { { key = "content-type", value = "application/cloudevents+json" } }
  for i = 1, count do
    local subject = "cus_" .. (i % 1000)
    local head = '{"specversion":"1.0","id":"' .. ngx.md5(tostring(i)) .. '","source":"tollgate/bench","type":"com.tollgate.api.request","subject":"' .. subject .. '","data":{"pad":"'
    local value = head .. string.rep("x", math.max(0, bytes - #head - 4)) .. '"}}'
    out[i] = { key = subject, value = value, timestamp = now + i, headers = headers }
  end
  return out
end

function _M.produce()
  local args = ngx.req.get_uri_args()
  local events = tonumber(args.events) or 100000
  local batch = tonumber(args.batch) or 500
  local bytes = tonumber(args.bytes) or 450
  local brokers = args.brokers
  local config = configs[brokers]
  if not config then
    config = { brokers = { brokers }, timeout_ms = 10000, client_id = "tollgate-bench" }
    configs[brokers] = config
  end
  local records = records_of(batch, bytes)
  -- Warm-up: ApiVersions, Metadata, InitProducerId. A topic created a moment ago may
  -- still answer NOT_LEADER_OR_FOLLOWER while its leaders settle (the producer refreshes
  -- its metadata on that error): retried for up to 10 s before giving up.
  local _, err = producer.send(config, args.topic, records)
  local deadline = ngx.now() + 10
  while err and ngx.now() < deadline do
    ngx.sleep(0.2)
    _, err = producer.send(config, args.topic, records)
  end
  if err then
    ngx.status = 500
    ngx.say(cjson.encode({ error = err }))
    return
  end
  ngx.update_time()
  local started = ngx.now()
  local sent, failed = 0, 0
  while sent + failed < events do
    local result, send_err = producer.send(config, args.topic, records)
    if not result then
      failed = failed + #records
      ngx.log(ngx.ERR, "kafka-producer bench: ", send_err)
    else
      sent = sent + result.sent
      failed = failed + result.failed
    end
  end
  ngx.update_time()
  ngx.say(cjson.encode({ events = sent, failed = failed, seconds = ngx.now() - started }))
end

return _M
