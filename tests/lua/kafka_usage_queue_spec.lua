-- busted spec: kafka-usage's EventQueue (lua-out/tollgate/kafka_usage/queue.lua), step by
-- step from tests/scenarios/kafka-usage-queue.json -- the same steps
-- tests/unit/kafka-usage-queue.test.ts runs against the TypeScript.
local cjson = require("cjson")
local EventQueue = require("tollgate.kafka_usage.queue").EventQueue
-- What `new EventQueue(...)` compiles to.
local new = require("tollgate.lualib_bundle").__TS__New

local f = assert(io.open("tests/scenarios/kafka-usage-queue.json", "r"))
local file = cjson.decode(f:read("*a"))
f:close()

local function keys_of(events)
  local out = {}
  for i, event in ipairs(events) do out[i] = event.key end
  return out
end

describe("kafka-usage EventQueue (compiled Lua)", function()
  for _, scenario in ipairs(file.scenarios) do
    it(scenario.name, function()
      local q = scenario.queue
      local queue = new(EventQueue, q.max_events, q.max_bytes, q.max_event_bytes)
      local taken = {}
      for i, step in ipairs(scenario.steps) do
        local at = "step " .. i .. " (" .. step.op .. ")"
        if step.op == "offer" then
          assert.are.equal(step.expect, queue:offer({ key = step.key, value = step.value, timestamp = step.now }, step.now), at)
        elseif step.op == "take" then
          local events = queue:take(step.max_events, step.max_bytes)
          for _, event in ipairs(events) do taken[event.key] = event end
          assert.are.same(step.expect, keys_of(events), at)
        elseif step.op == "release" then
          local events = {}
          for j, key in ipairs(step.keys) do events[j] = taken[key] end
          queue:release(events)
        else
          assert.are.same(
            { size = step.size, bytes = step.bytes, waiting = step.waiting, oldestAt = step.oldestAt },
            { size = queue:size(), bytes = queue:bytes(), waiting = queue:waiting(), oldestAt = queue.oldestAt },
            at)
        end
      end
    end)
  end
end)
