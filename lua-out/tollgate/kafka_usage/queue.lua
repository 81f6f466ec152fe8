local ____lualib = require("tollgate.lualib_bundle")
local __TS__Class = ____lualib.__TS__Class
local ____exports = {}
--- What an event costs against `max_bytes`: its key and its JSON.
local function weightOf(event)
    -- plugins/kafka-usage/queue.ts:27
    return #event.key + #event.value
end
____exports.EventQueue = __TS__Class()
local EventQueue = ____exports.EventQueue
EventQueue.name = "EventQueue"
function EventQueue.prototype.____constructor(self, maxEvents, maxBytes, maxEventBytes)
    -- plugins/kafka-usage/queue.ts:45
    self.maxEvents = maxEvents
    self.maxBytes = maxBytes
    self.maxEventBytes = maxEventBytes
    self.slots = {}
    self.head = 0
    self.waitingCount = 0
    self.waitingBytes = 0
    self.heldCount = 0
    self.heldBytes = 0
    self.oldestAt = -1
end
function EventQueue.prototype.offer(self, event, now)
    -- plugins/kafka-usage/queue.ts:53
    local bytes = weightOf(event)
    if bytes > self.maxEventBytes then
        return "too_large"
    end
    if self.waitingCount + self.heldCount >= self.maxEvents then
        return "queue_full"
    end
    if self.waitingBytes + self.heldBytes + bytes > self.maxBytes then
        return "queue_full"
    end
    self.slots[(self.head + self.waitingCount) % self.maxEvents + 1] = event
    self.waitingCount = self.waitingCount + 1
    self.waitingBytes = self.waitingBytes + bytes
    if self.oldestAt < 0 then
        self.oldestAt = now
    end
    return "queued"
end
function EventQueue.prototype.take(self, maxEvents, maxBytes)
    -- plugins/kafka-usage/queue.ts:69
    local out = {}
    local bytes = 0
    while self.waitingCount > 0 and #out < maxEvents do
        local slot = self.head
        local event = self.slots[slot + 1]
        local weight = weightOf(event)
        if #out > 0 and bytes + weight > maxBytes then
            break
        end
        out[#out + 1] = event
        bytes = bytes + weight
        self.slots[slot + 1] = nil
        self.head = (slot + 1) % self.maxEvents
        self.waitingCount = self.waitingCount - 1
        self.waitingBytes = self.waitingBytes - weight
    end
    self.heldCount = self.heldCount + #out
    self.heldBytes = self.heldBytes + bytes
    if self.waitingCount == 0 then
        self.head = 0
        self.oldestAt = -1
    end
    return out
end
function EventQueue.prototype.release(self, events)
    -- plugins/kafka-usage/queue.ts:94
    for ____, event in ipairs(events) do
        self.heldCount = self.heldCount - 1
        self.heldBytes = self.heldBytes - weightOf(event)
    end
end
function EventQueue.prototype.oldest(self)
    -- plugins/kafka-usage/queue.ts:102
    local ____temp_0
    if self.waitingCount > 0 then
        ____temp_0 = self.slots[self.head + 1]
    else
        ____temp_0 = nil
    end
    return ____temp_0
end
function EventQueue.prototype.waiting(self)
    -- plugins/kafka-usage/queue.ts:107
    return self.waitingCount
end
function EventQueue.prototype.size(self)
    -- plugins/kafka-usage/queue.ts:112
    return self.waitingCount + self.heldCount
end
function EventQueue.prototype.bytes(self)
    -- plugins/kafka-usage/queue.ts:117
    return self.waitingBytes + self.heldBytes
end
return ____exports
