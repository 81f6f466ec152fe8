-- The least a plugin that forwards one or two headers must do per request, for the
-- access-chain benchmark only (tests/bench/access-chain.ts): set those upstream headers
-- and note its decision for kafka-usage, with the same PDK calls the compiled plugins
-- make and nothing else. Set up with entitlement-check's or feature-toggle's headers,
-- its row is the floor under theirs: what lies between is the plugin's own deciding.
-- Not shipped.
local kong = kong

local HeadersFloor = { PRIORITY = 900, VERSION = "0.0.1" }

function HeadersFloor:access(conf)
  local request = kong.service.request
  request.set_header(conf.header, conf.value)
  if conf.second_header then
    request.set_header(conf.second_header, conf.second_value)
  end
  kong.ctx.shared[conf.shared_key] = conf.value
end

return HeadersFloor
