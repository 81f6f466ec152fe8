-- For tests/bench/access-chain.ts only (not shipped): on a request with the header
-- `x-access-chain-runs: N`, runs the access handlers of every other plugin on the
-- route N more times in this request and answers what one run cost:
--
--   {"us_per_run": <CPU µs>, "bytes_per_run": <Lua heap bytes allocated>}
--
-- Each run is entered from C (a string.gsub callback), as nginx enters a phase
-- handler, so LuaJIT traces them as it does per request. CPU time includes the
-- garbage collector's share of the run's allocations; bytes are measured in a
-- second pass with the collector stopped. Response headers a plugin sets are
-- dropped between runs, as each request starts with none.
local Loop = { PRIORITY = 0, VERSION = "0.0.0" }

local function run_chain()
  local ctx = ngx.ctx
  ctx.tollgate_resp_headers = nil
  local chain = ctx.tollgate_rt.phases.access
  for i = 1, #chain do
    local entry = chain[i]
    if entry.handler ~= Loop then
      entry.handler.access(entry.handler, entry.conf)
    end
  end
end

local function runs_of(n)
  local subject = string.rep("x", n)
  collectgarbage()
  local started = os.clock()
  string.gsub(subject, "x", run_chain)
  local cpu = os.clock() - started
  -- Fewer runs with the collector stopped: the heap grows by all they allocate.
  local counted = math.min(n, 10000)
  collectgarbage()
  collectgarbage("stop")
  local before = collectgarbage("count")
  string.gsub(string.rep("x", counted), "x", run_chain)
  local kb = collectgarbage("count") - before
  collectgarbage("restart")
  return cpu / n * 1e6, kb * 1024 / counted
end

function Loop:access(conf)
  local n = tonumber(ngx.var.http_x_access_chain_runs)
  if not n then
    return
  end
  local us, bytes = runs_of(n)
  ngx.header["Content-Type"] = "application/json"
  ngx.say(string.format('{"us_per_run": %.3f, "bytes_per_run": %.0f}', us, bytes))
  return ngx.exit(200)
end

return Loop
