-- apisix.core.log for the tollgate APISIX-shaped TEST host (not a product).
--
-- Same call shape as APISIX: core.log.warn("a", b, ...) forwards every
-- argument to ngx.log at the matching level. Each method ends in a *tail
-- call* to ngx.log so the "[lua] file:line:" prefix nginx writes names the
-- plugin that logged, not this file (APISIX relies on the same trick).
--
-- Not emulated: core.log.new(prefix), per-level short-circuiting based on
-- the error_log level (nginx filters by level itself; we only pay for the
-- argument evaluation), delay_exec.

local ngx = ngx
local ngx_log = ngx.log

local _M = { version = 0.4 }

local levels = {
    stderr = ngx.STDERR,
    emerg = ngx.EMERG,
    alert = ngx.ALERT,
    crit = ngx.CRIT,
    error = ngx.ERR,
    warn = ngx.WARN,
    notice = ngx.NOTICE,
    info = ngx.INFO,
    debug = ngx.DEBUG,
}

-- One closure per level, built once. Each must stay a tail call.
for name, level in pairs(levels) do
    _M[name] = function(...)
        return ngx_log(level, ...)
    end
end

return _M
