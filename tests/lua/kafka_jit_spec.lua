-- busted spec: the Kafka record encoder (lua-out/tollgate/io/kafka/) as kafka-usage's
-- flusher runs it -- batches of hundreds of keyed usage events sharing one headers array --
-- compiles in LuaJIT without a single trace abort in tollgate's code. An aborted trace
-- leaves that code to the interpreter, and enough aborts at one place get it blacklisted
-- for the rest of the worker's life (issue 18: on stock Kong the encoder hit the loop-unroll
-- limit and sent side traces around its loop). tests/bench/jit-aborts.ts counts the same
-- in a gateway worker.
--
-- The encoding runs in a LuaJIT process of its own: LuaJIT's hot counters and penalties
-- outlive jit.flush(), so what other specs ran before would decide what gets compiled.

-- Encodes 20 batches of 500 events with the trace events attached; prints one line per
-- abort that starts or ends in io/kafka, then "batches <n> <all decode with a valid CRC>".
local WORKER = [[
local record_batch = require("tollgate.io.kafka.record_batch")
local jutil, vmdef = require("jit.util"), require("jit.vmdef")
local function where(func, pc)
  local info = jutil.funcinfo(func, pc)
  if info.source ~= nil then return info.source .. ":" .. tostring(info.currentline) end
  if info.ffid ~= nil then return vmdef.ffnames[info.ffid] end
  return "?"
end
local start = "?"
local function on_trace(what, _, func, pc, code, info)
  if what == "start" then
    start = where(func, pc)
  elseif what == "abort" then
    local at = where(func, pc)
    if string.find(at .. start, "tollgate/io/kafka/", 1, true) then
      if type(info) == "function" then info = where(info) end
      local reason = type(code) == "number" and string.format(vmdef.traceerr[code], info) or tostring(code)
      print(reason .. " at " .. at .. " (trace from " .. start .. ")")
    end
  end
end
local headers = { { key = "content-type", value = "application/cloudevents+json" } }
local batches = {}
jit.attach(on_trace, "trace")
for batch = 1, 20 do
  local records = {}
  for i = 1, 500 do
    -- Values of 300-500 bytes (a one- or two-byte length), timestamps a little out of order.
    records[i] = {
      key = "consumer-" .. (i % 37),
      value = string.rep("v", 300 + (i * 7) % 200),
      timestamp = 1700000000000 + batch * 1000 + i - (i % 3) * 2,
      headers = headers,
    }
  end
  batches[batch] = record_batch.encodeRecordBatch(records, { producerId = 7, producerEpoch = 0, baseSequence = (batch - 1) * 500 })
end
jit.attach(on_trace)
-- And the batches are what a broker accepts (the CRC-32C it checks included).
local valid = true
for _, bytes in ipairs(batches) do
  local decoded = record_batch.decodeRecordBatch(bytes)
  valid = valid and decoded.error == nil and decoded.crcValid and #decoded.records == 500
end
print("batches " .. #batches .. " " .. tostring(valid))
]]

describe("Kafka record encoder under LuaJIT", function()
  it("encodes batches of 500 usage events without aborting a trace", function()
    local script = os.tmpname()
    local file = assert(io.open(script, "w"))
    file:write(WORKER)
    file:close()
    -- The path busted gives this spec: lua-out first.
    local pipe = assert(io.popen(string.format("luajit -e %q %q 2>&1", "package.path = " .. string.format("%q", package.path), script)))
    local output = pipe:read("*a")
    pipe:close()
    os.remove(script)
    local aborts = {}
    local summary
    for line in output:gmatch("[^\n]+") do
      if line:find("^batches ") then summary = line else aborts[#aborts + 1] = line end
    end
    assert.are.same({}, aborts)
    assert.are.equal("batches 20 true", summary)
  end)
end)
