/**
 * Kong Admin API extension of tier-limit: `kong.plugins.tier-limit.api`.
 *
 *   GET  /tier-limit/usage/{consumer}          its windows under every tier-limit config
 *   POST /tier-limit/usage/{consumer}/reset    {"window"?: "minute"}: counters to 0
 *   POST /tier-limit/usage/{consumer}/credit   {"units": 50, "window"?: "month"}
 *
 * {consumer} is the consumer's id or username (as Kong's /consumers/{consumer}),
 * percent-encoded in the path. `?plugin=<plugin id>` picks one config; `?route=` /
 * `?service=` name the entity for configs with counter_scope route / service. The logic
 * is ../lua/usage-api.ts; the configs come from the handler's configure() (Kong 3.4+).
 * Served by Kong's Admin API listener only, never by the proxy.
 */
import { consumerAttributes, type ConsumerFacts } from "../../core/facts";
import type { AdminApiRequest, AdminApiRoutes } from "../../hosts/kong/admin-api";
import { kongConfigScope } from "../../hosts/kong/adapter";
import { usageApi, type UsageAction, type UsageConfig } from "../lua/usage-api";
import { configuredConfigs } from "./configured";

const UUID = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$";

/** The consumer by id (a UUID) or username, as kong/api/endpoints.lua select_entity reads an endpoint_key. */
function findConsumer(name: string): LuaMultiReturn<[ConsumerFacts | undefined, string | undefined]> {
  let found: KongConsumer | undefined;
  let err: string | undefined;
  if (string.match(name, UUID)[0] !== undefined) [found, err] = kong.db.consumers.select({ id: name });
  if (found === undefined && err === undefined) [found, err] = kong.db.consumers.select_by_username(name);
  if (found === undefined) return $multi(undefined, err);
  const facts: ConsumerFacts = { id: found.id, username: found.username, custom_id: found.custom_id, tags: found.tags };
  facts.attributes = consumerAttributes(facts);
  return $multi(facts, undefined);
}

function answer(action: UsageAction, self: AdminApiRequest): void {
  // lapis hands the capture over as it was in the request line (see entitlement-check's api.ts).
  const raw = self.params["consumer"];
  const subject = typeof raw === "string" ? ngx.unescape_uri(raw) : "";
  const configs = configuredConfigs();
  if (configs === undefined) {
    return kong.response.exit(404, { error: "unknown_config", message: "No tier-limit config is enabled on this node (or Kong is older than 3.4, which has no configure phase)." });
  }
  const [consumer, err] = findConsumer(subject);
  if (err !== undefined) return kong.response.exit(500, { error: "store_failed", message: err });
  const entries: UsageConfig[] = [];
  for (const conf of configs) entries.push({ conf, id: conf.__plugin_id ?? kongConfigScope(conf), scope: kongConfigScope(conf) });
  const { status, body } = usageApi(action, subject, consumer, entries, self.params, ngx.now());
  return kong.response.exit(status, body);
}

function getUsage(this: void, self: AdminApiRequest): void {
  return answer("usage", self);
}
function postReset(this: void, self: AdminApiRequest): void {
  return answer("reset", self);
}
function postCredit(this: void, self: AdminApiRequest): void {
  return answer("credit", self);
}

// Methods directly under the path: see plugins/hosts/kong/admin-api.ts.
export = {
  "/tier-limit/usage/:consumer": { GET: getUsage },
  "/tier-limit/usage/:consumer/reset": { POST: postReset },
  "/tier-limit/usage/:consumer/credit": { POST: postCredit },
} satisfies AdminApiRoutes;
