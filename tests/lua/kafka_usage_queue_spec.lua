-- busted spec: kafka-usage's EventQueue (lua-out/tollgate/kafka_usage/queue.lua) and the
-- delivery rules over it (delivery.lua), step by step from
-- tests/scenarios/kafka-usage-queue.json -- the same steps
-- tests/unit/kafka-usage-queue.test.ts runs against the TypeScript.
local cjson = require("cjson")
local EventQueue = require("tollgate.kafka_usage.queue").EventQueue
local delivery = require("tollgate.kafka_usage.delivery")
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
      local state = delivery.newDeliveryState(queue)
      local taken = {}
      local function events(keys)
        local out = {}
        for j, key in ipairs(keys) do out[j] = taken[key] end
        return out
      end
      for i, step in ipairs(scenario.steps) do
        local at = "step " .. i .. " (" .. step.op .. ")"
        if step.op == "offer" then
          assert.are.equal(step.expect, queue:offer({ key = step.key, value = step.value, timestamp = step.now }, step.now), at)
        elseif step.op == "take" then
          local events = queue:take(step.max_events, step.max_bytes)
          for _, event in ipairs(events) do taken[event.key] = event end
          assert.are.same(step.expect, keys_of(events), at)
        elseif step.op == "release" then
          queue:release(events(step.keys))
        elseif step.op == "send" then
          local sent = delivery.eventsToSend(state, { max_events = step.max_events, max_bytes = step.max_bytes })
          for _, event in ipairs(sent) do taken[event.key] = event end
          assert.are.same(step.expect, keys_of(sent), at)
        elseif step.op == "settle" then
          local lone
          if #step.refused > 0 then lone = delivery.splitRefused(state, events(step.refused)) end
          assert.are.equal(step.lone, lone and lone.key, at)
          delivery.settleAttempt(state, events(step.delivered), events(step.failed),
            { initial_backoff_ms = 100, max_backoff_ms = 1000 }, step.now, 0.5)
        elseif step.op == "due" then
          assert.are.equal(step.expect, delivery.msUntilDue(state, { max_events = step.max_events, max_age_ms = step.max_age_ms }, step.now), at)
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
