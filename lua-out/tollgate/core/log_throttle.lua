local ____lualib = require("tollgate.lualib_bundle")
local __TS__Class = ____lualib.__TS__Class
local ____exports = {}
____exports.LogThrottle = __TS__Class()
local LogThrottle = ____exports.LogThrottle
LogThrottle.name = "LogThrottle"
function LogThrottle.prototype.____constructor(self, intervalSeconds, kind)
    -- plugins/core/log-throttle.ts:29
    self.intervalSeconds = intervalSeconds
    self.nextAt = 0
    self.suppressed = 0
    self.gateKey = "tollgate-log|" .. kind
    self.countKey = "tollgate-log-count|" .. kind
end
function LogThrottle.prototype.occurrence(self, now, store)
    -- plugins/core/log-throttle.ts:42
    if store ~= nil then
        local count = store.incr(self.countKey, 1)
        local ____temp_0
        if count == nil then
            ____temp_0 = nil
        else
            ____temp_0 = store.add(self.gateKey, self.intervalSeconds)
        end
        local first = ____temp_0
        if first == true then
            store.incr(self.countKey, -count)
            return count
        end
        if first == false then
            return 0
        end
    end
    if now < self.nextAt then
        self.suppressed = self.suppressed + 1
        return 0
    end
    local count = self.suppressed + 1
    self.suppressed = 0
    self.nextAt = now + self.intervalSeconds
    return count
end
return ____exports
