/**
 * The routes an APISIX plugin's `api()` returns, as apisix/api_router.lua (3.18.0,
 * fetch_api_router) reads them: `methods`, `uri` (exact, or a prefix ending in "*"),
 * and `handler(api_ctx)` returning a status and a body for core.response.exit. They are
 * reached only through a route carrying the public-api plugin, which may have rewritten
 * `api_ctx.var.uri` (not nginx's $uri), so handlers read the ctx.
 */
export interface ApisixApiRoute {
  methods: ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS")[];
  uri: string | string[];
  handler: (this: void, ctx: ApisixCtx) => LuaMultiReturn<[number, object | undefined]>;
}
