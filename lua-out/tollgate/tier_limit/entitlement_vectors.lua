local ____lualib = require("tollgate.lualib_bundle")
local Set = ____lualib.Set
local __TS__New = ____lualib.__TS__New
local __TS__Delete = ____lualib.__TS__Delete
local ____exports = {}
local ____decide = require("tollgate.tier_limit.decide")
local planAccess = ____decide.planAccess
local ____prepare = require("tollgate.tier_limit.prepare")
local prepare = ____prepare.prepare
--- Per request: each window's [start, end) as "start-end", and whether the checks were remembered.
function ____exports.planWithPeriods(conf, requests)
    -- plugins/tier-limit/entitlement-vectors.ts:19
    local prepared = prepare(conf)
    local store = {}
    prepared.calendar.periods.read = function(_dict, key)
        -- plugins/tier-limit/entitlement-vectors.ts:22
        return store[key]
    end
    local results = {}
    local earlier = __TS__New(Set)
    for ____, request in ipairs(requests) do
        for key in pairs(request.store or ({})) do
            local value = request.store[key]
            if value == "" then
                __TS__Delete(store, key)
            else
                store[key] = value
            end
        end
        local plan = planAccess(conf, request.facts, request.now, prepared)
        local checks = plan.kind == "count" and plan.checks or ({})
        local windows = {}
        for ____, entry in ipairs(checks) do
            windows[#windows + 1] = entry.spec.window .. " " .. tostring(entry.windowStart) .. "-" .. tostring(entry.resetAt)
        end
        results[#results + 1] = {
            windows = windows,
            remembered = #checks > 0 and earlier:has(checks)
        }
        earlier:add(checks)
    end
    return results
end
return ____exports
