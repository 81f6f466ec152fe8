-- apisix.core as provided by the tollgate APISIX-shaped TEST host.
--
-- THIS IS NOT APACHE APISIX. It is test and playground infrastructure that
-- lets an APISIX 3.x plugin file (apisix/plugins/<name>.lua, unchanged) run
-- inside Debian's nginx + ngx_lua. It implements only the subset of
-- `apisix.core` that tollgate's plugins need, written from APISIX's
-- documented behaviour and source; see tollgate_apisix_host/init.lua for
-- what of APISIX as a whole is not emulated.
--
-- What exists (each module's header lists its functions and gaps):
--   core.log       emerg alert crit error warn notice info debug (stderr)
--   core.json      encode(data, force) decode(str, opts) delay_encode(data, force)
--                  null array_mt empty_array strip_nulls
--   core.table     new clear nkeys insert concat sort remove clone isarray isempty
--                  insert_tail try_read_attr array_find deepcopy
--   core.string    find(plain) has_prefix has_suffix rfind_char (+ Lua string.*)
--   core.request   header headers set_header add_header get_method get_uri_args
--                  set_uri_args get_ip get_remote_client_ip get_remote_client_port get_body
--   core.response  exit say set_header add_header clear_header_as_body_modified
--                  get_upstream_status hold_body_chunk
--   core.schema    check(schema, conf) TYPE_CONSUMER(=1) TYPE_METADATA(=2)
--   core.ctx       set_vars_meta release_vars (ctx.var proxy)
--   core.id        get (this node's id)
--
-- Any other field (core.lrucache, core.config, core.timer, core.utils,
-- core.etcd, core.tablepool, ...) raises an error naming the field, so a
-- plugin that needs more of APISIX fails loudly at load time instead of
-- misbehaving later.

local _M = {
    log = require("apisix.core.log"),
    json = require("apisix.core.json"),
    table = require("apisix.core.table"),
    string = require("apisix.core.string"),
    request = require("apisix.core.request"),
    response = require("apisix.core.response"),
    schema = require("apisix.core.schema"),
    ctx = require("apisix.core.ctx"),
    id = require("apisix.core.id"),
}

return setmetatable(_M, {
    __index = function(_, key)
        error("apisix.core." .. tostring(key) .. " is not emulated by the tollgate "
            .. "APISIX test host (tests/runtime/apisix)", 2)
    end,
})
