/**
 * The routes an APISIX plugin's `control_api()` returns, as apisix/control/router.lua
 * (3.18.0, fetch_control_api_router / register_api_routes) reads them: `methods`,
 * `uris` (an array; each exact, or a prefix ending in "*": apisix/utils/router.lua sets
 * radixtree's no_param_match unless apisix.control.router is
 * "radixtree_uri_with_parameter", so no `:param` captures), and a handler returning a
 * status and a body for core.response.exit (a table body gets application/json).
 *
 * The handler gets no request context: control/router.lua match() dispatches with only
 * the match options, so handlers read nginx's request (apisix/control/v1.lua splits
 * ngx.var.uri). Served by the control server (apisix/cli/ngx_tpl.lua, `listen
 * control_server_addr`, default 127.0.0.1:9090), never by the proxy port.
 */
export interface ApisixControlRoute {
  methods: ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS")[];
  uris: string[];
  handler: (this: void) => LuaMultiReturn<[number, object | undefined]>;
}
