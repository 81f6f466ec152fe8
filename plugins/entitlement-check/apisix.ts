/**
 * APISIX plugin module of entitlement-check: `apisix.plugins.entitlement-check`.
 * Runs in access (key-auth, priority 2500, has set ctx.consumer in rewrite), after
 * tier-limit (1010) and before limit-count (1002).
 */
import core = require("apisix.core");
import { apisixCheckSchema, apisixRequestFacts, applyApisixOutcome, toJsonSchema } from "../hosts/apisix/adapter";
import type { ApisixApiRoute } from "../hosts/apisix/plugin-api";
import { invalidateSubject } from "../io/lua/cache";
import { webhookResponse } from "./lua/webhook";
import { entitlementAccess, entitlementNeeds, rememberedEntitlement } from "./lua/access";
import { ENTITLEMENT_CHECK_APISIX_PRIORITY, ENTITLEMENT_CHECK_NAME, ENTITLEMENT_CHECK_VERSION } from "./meta";
import { entitlementCheckSchema, type EntitlementCheckConfig } from "./schema";

const schema = toJsonSchema(entitlementCheckSchema);

function check_schema(conf: unknown): LuaMultiReturn<[boolean, string | undefined]> {
  return apisixCheckSchema(schema, entitlementCheckSchema, conf);
}

function access(conf: EntitlementCheckConfig, ctx: ApisixCtx): LuaMultiReturn<[number, object] | []> {
  // A webhook route answers billing events itself (lua/webhook.ts); nothing goes upstream.
  if (conf.webhook !== undefined) {
    const [status, body] = webhookResponse(conf);
    core.response.set_header("Content-Type", "application/json");
    return $multi(status, body);
  }
  const outcome = rememberedEntitlement(conf, ctx.consumer) ?? entitlementAccess(conf, apisixRequestFacts(ctx, entitlementNeeds(conf)), ctx.consumer);
  const rejection = applyApisixOutcome(ctx, outcome);
  if (rejection !== undefined) return $multi(rejection.status, rejection.body);
  return $multi();
}

/**
 * `DELETE /apisix/plugin/entitlement-check/cache/{subject}[?dict=<lua_shared_dict>]`
 * (exposed with APISIX's public-api plugin): forgets every cached entitlement answer
 * about `subject` in this APISIX node, all workers. Answers 204. The subject is read
 * from the uri public-api matched (ctx.var.uri), as apisix/api_router.lua does.
 */
function invalidate(this: void, ctx: ApisixCtx): LuaMultiReturn<[number, object | undefined]> {
  const uri = ctx.var["uri"] ?? "";
  const [subject] = string.match(uri, "/cache/([^/]+)$");
  if (subject === undefined) return $multi(400, { message: "subject is required" });
  const [ok, err] = invalidateSubject(ctx.var["arg_dict"] ?? "tollgate_cache", ngx.unescape_uri(subject));
  if (!ok) return $multi(500, { message: err });
  return $multi(204, undefined);
}

function api(): ApisixApiRoute[] {
  return [{ methods: ["DELETE"], uri: "/apisix/plugin/entitlement-check/cache/*", handler: invalidate }];
}

export = {
  version: ENTITLEMENT_CHECK_VERSION,
  api,
  priority: ENTITLEMENT_CHECK_APISIX_PRIORITY,
  name: ENTITLEMENT_CHECK_NAME,
  schema,
  check_schema,
  access,
};
