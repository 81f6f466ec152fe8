local ____lualib = require("tollgate.lualib_bundle")
local __TS__Class = ____lualib.__TS__Class
local ____exports = {}
--- Rate-limits an error message: when a store fails on every request, the error
-- log gets one line per interval that says how many times it happened, not one
-- line per request. One throttle per message source per worker.
____exports.LogThrottle = __TS__Class()
local LogThrottle = ____exports.LogThrottle
LogThrottle.name = "LogThrottle"
function LogThrottle.prototype.____constructor(self, intervalSeconds)
    -- plugins/core/log-throttle.ts:10
    self.intervalSeconds = intervalSeconds
    self.nextAt = 0
    self.suppressed = 0
end
function LogThrottle.prototype.occurrence(self, now)
    -- plugins/core/log-throttle.ts:16
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
