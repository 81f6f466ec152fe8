-- apisix.core.id for the tollgate APISIX-shaped TEST host (not a product).
--
-- Emulated: get() -- this node's id. APISIX keeps a UUID in conf/apisix.uid
-- (written on first start, or taken from apisix.id in config.yaml); here it is
-- read from <prefix>/conf/apisix.uid when present, else made from the prefix
-- path, so it is stable for one nginx prefix.
-- Not emulated: init(), config.yaml's apisix.id.

local _M = { version = 0.1 }
local uid

function _M.get()
    if uid then
        return uid
    end
    local f = io.open(ngx.config.prefix() .. "conf/apisix.uid", "r")
    if f then
        uid = f:read("*l")
        f:close()
    end
    if not uid or uid == "" then
        uid = ngx.md5(ngx.config.prefix())
        uid = uid:sub(1, 8) .. "-" .. uid:sub(9, 12) .. "-" .. uid:sub(13, 16) .. "-" .. uid:sub(17, 20) .. "-" .. uid:sub(21, 32)
    end
    return uid
end

return _M
