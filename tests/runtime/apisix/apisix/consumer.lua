-- apisix.consumer of the tollgate APISIX-shaped TEST host (not a product): only
-- consumers(), as apisix/consumer.lua (3.18.0) answers it -- the consumer
-- config items ({ value = consumer }), credential items filtered out, and a
-- version. Not emulated: plugin(), consumers_kv(), find_consumer(),
-- attach_consumer() and the rest (the host's key-auth / jwt-auth use
-- tollgate_apisix_host.consumers directly).
local _M = {}

function _M.consumers()
    local items = {}
    for i, c in ipairs(require("tollgate_apisix_host.consumers").all()) do
        items[i] = { value = c }
    end
    return items, 1
end

return _M
