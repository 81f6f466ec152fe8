-- busted spec: the Kafka record encoder (lua-out/tollgate/io/kafka/) as kafka-usage's
-- flusher runs it -- batches of hundreds of keyed usage events sharing one headers array --
-- compiles in LuaJIT without a single trace abort in tollgate's code. An aborted trace
-- leaves that code to the interpreter, and enough aborts at one place get it blacklisted
-- for the rest of the worker's life (issue 18: on stock Kong the encoder hit the loop-unroll
-- limit and sent side traces around its loop). tests/bench/jit-aborts.ts counts the same
-- in a gateway worker.
local record_batch = require("tollgate.io.kafka.record_batch")
local jutil = require("jit.util")
local vmdef = require("jit.vmdef")
-- The trace handler runs inside LuaJIT's recorder: it reads only locals (busted gives a
-- spec file an environment of its own, whose look-ups the recorder must not meet).
local tostring, type, format, find, funcinfo = tostring, type, string.format, string.find, jutil.funcinfo
local ffnames, traceerr = vmdef.ffnames, vmdef.traceerr

-- "file:line" of a Lua function at pc, or a builtin's name.
local function where(func, pc)
  local info = funcinfo(func, pc)
  if info.source ~= nil then return info.source .. ":" .. tostring(info.currentline) end
  if info.ffid ~= nil then return ffnames[info.ffid] end
  return "?"
end

-- Runs `work` with a fresh JIT state; returns the aborts that started or ended in io/kafka.
local function aborts_in_kafka_code(work)
  local aborts, start = {}, "?"
  local function on_trace(what, _, func, pc, code, info)
    if what == "start" then
      start = where(func, pc)
    elseif what == "abort" then
      local at = where(func, pc)
      if find(at .. start, "tollgate/io/kafka/", 1, true) then
        if type(info) == "function" then info = where(info) end
        local reason = type(code) == "number" and format(traceerr[code], info) or tostring(code)
        aborts[#aborts + 1] = reason .. " at " .. at .. " (trace from " .. start .. ")"
      end
    end
  end
  jit.flush()
  jit.attach(on_trace, "trace")
  local ok, err = pcall(work)
  jit.attach(on_trace)
  assert(ok, err)
  return aborts
end

describe("Kafka record encoder under LuaJIT", function()
  it("encodes batches of 500 usage events without aborting a trace", function()
    local headers = { { key = "content-type", value = "application/cloudevents+json" } }
    local batches = {}
    local aborts = aborts_in_kafka_code(function()
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
    end)
    assert.are.same({}, aborts)
    -- And the batches are what a broker accepts (the CRC-32C it checks included).
    for _, bytes in ipairs(batches) do
      local decoded = record_batch.decodeRecordBatch(bytes)
      assert.is_nil(decoded.error)
      assert.is_true(decoded.crcValid)
      assert.are.equal(500, #decoded.records)
    end
  end)
end)
