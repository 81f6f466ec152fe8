/**
 * APISIX's side of tier-limit's usage API: the plugin's control_api() routes, served by
 * APISIX's control server (apisix/control/router.lua, 3.18.0; 127.0.0.1:9090 unless
 * apisix.control says otherwise), never by the proxy port:
 *
 *   GET  /v1/plugin/tier-limit/usage/{consumer}
 *   POST /v1/plugin/tier-limit/usage/{consumer}/reset    {"window"?}
 *   POST /v1/plugin/tier-limit/usage/{consumer}/credit   {"units", "window"?}
 *
 * {consumer} is the consumer's username. The configs are the tier-limit confs on the
 * worker's routes (apisix/router.lua http_routes), `?plugin=route:<id>` picks one; the
 * logic is usage-api.ts, shared with Kong's Admin API.
 *
 * Not a plugin api() route: those are reached only through a public-api route on the
 * proxy port (apisix/api_router.lua), where an operator API must not be.
 */
import core = require("apisix.core");
import type { ConsumerFacts } from "../../core/facts";
import type { ApisixControlRoute } from "../../hosts/apisix/control-api";
import { apisixConsumerFacts } from "../../hosts/apisix/adapter";
import type { TierLimitConfig } from "../schema";
import { usageApi, type UsageAction, type UsageConfig } from "./usage-api";

const PREFIX = "/v1/plugin/tier-limit/usage/";

/*
 * apisix.router and apisix.consumer are required when the API is called, not when the
 * plugin loads: both require apisix.plugin, which is what loads the plugins.
 */
function routerModule(): typeof import("apisix.router") {
  return require("apisix.router") as typeof import("apisix.router");
}
function consumerModule(): typeof import("apisix.consumer") {
  return require("apisix.consumer") as typeof import("apisix.consumer");
}

/** The tier-limit confs of the routes, with the scope their requests have (as ctx.conf_type:conf_id). */
function routeConfigs(): UsageConfig[] {
  const out: UsageConfig[] = [];
  const [routes] = routerModule().http_routes();
  for (const item of routes ?? []) {
    const route = item.value;
    const conf = route.plugins?.["tier-limit"] as TierLimitConfig | undefined;
    if (conf === undefined) continue;
    const id = `route:${route.id}`;
    // apisix/plugin.lua merge_service_route: a route with a service runs as "route&service".
    const [type, confId] = route.service_id === undefined ? ["route", `${route.id}`] : ["route&service", `${route.id}&${route.service_id}`];
    out.push({ conf, id, scope: `${type}:${confId}`, scopeFor: (consumer) => consumerScope(type, confId, consumer) });
  }
  return out;
}

/**
 * An authenticated request's ctx.conf_type / conf_id: apisix/plugin.lua
 * merge_consumer_route (3.18.0) appends "&consumer" and the consumer's name, then
 * "&consumer_group" and the group's id for a consumer in a group.
 */
function consumerScope(type: string, confId: string, consumer: ConsumerFacts): string {
  let scopeType = `${type}&consumer`;
  let scopeId = `${confId}&${consumer.id}`;
  if (consumer.group !== undefined) {
    scopeType = `${scopeType}&consumer_group`;
    scopeId = `${scopeId}&${consumer.group}`;
  }
  return `${scopeType}:${scopeId}`;
}

function findConsumer(name: string): ConsumerFacts | undefined {
  const [consumers] = consumerModule().consumers();
  for (const item of consumers ?? []) if (item.value.username === name) return apisixConsumerFacts(item.value);
  return undefined;
}

/** The request's parameters: query args, then a JSON body's fields (as Kong's lapis merges them). */
function params(): { [name: string]: unknown } {
  const out: { [name: string]: unknown } = {};
  const args = ngx.req.get_uri_args();
  for (const [name, value] of args) if (typeof value === "string") out[name] = value;
  ngx.req.read_body();
  const body = ngx.req.get_body_data();
  if (body !== undefined && body !== "") {
    const [json] = core.json.decode(body);
    if (typeof json !== "object" || json === null) return { __bad_json: true };
    for (const name in json as { [name: string]: unknown }) out[name] = (json as { [name: string]: unknown })[name];
  }
  return out;
}

function handle(this: void): LuaMultiReturn<[number, object | undefined]> {
  // No ctx on the control server: nginx's $uri (already percent-decoded), as
  // apisix/control/v1.lua reads its ids.
  const uri = ngx.var.uri ?? "";
  const rest = uri.substring(PREFIX.length);
  const method = ngx.req.get_method();
  let action: UsageAction | undefined;
  let name: string | undefined = rest;
  if (method === "GET") action = "usage";
  else {
    const [subject, verb] = string.match(rest, "^(.+)/([a-z]+)$");
    name = subject;
    if (verb === "reset") action = "reset";
    else if (verb === "credit") action = "credit";
  }
  if (name === undefined || name === "" || action === undefined) return $multi(404, { error: "not_found", message: "Not found" });
  const given = params();
  if (given["__bad_json"] === true) return $multi(400, { error: "invalid_request", message: "the body is not a JSON object" });
  const { status, body } = usageApi(action, name, findConsumer(name), routeConfigs(), given, ngx.now());
  return $multi(status, body);
}

/** tier-limit's control_api(): one prefix route; the handler tells usage, reset and credit apart. */
export function usageControlApi(): ApisixControlRoute[] {
  return [{ methods: ["GET", "POST"], uris: [`${PREFIX}*`], handler: handle }];
}
