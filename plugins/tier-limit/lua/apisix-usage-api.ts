/**
 * APISIX's side of tier-limit's usage API: the plugin's api() routes, reached only
 * through a route carrying the public-api plugin (apisix/api_router.lua, 3.18.0):
 *
 *   GET  /apisix/plugin/tier-limit/usage/{consumer}
 *   POST /apisix/plugin/tier-limit/usage/{consumer}/reset    {"window"?}
 *   POST /apisix/plugin/tier-limit/usage/{consumer}/credit   {"units", "window"?}
 *
 * {consumer} is the consumer's username. The configs are the tier-limit confs on the
 * worker's routes (apisix/router.lua http_routes), `?plugin=route:<id>` picks one; the
 * logic is usage-api.ts.
 */
import core = require("apisix.core");
import type { ConsumerFacts } from "../../core/facts";
import type { ApisixApiRoute } from "../../hosts/apisix/plugin-api";
import { apisixConsumerFacts } from "../../hosts/apisix/adapter";
import type { TierLimitConfig } from "../schema";
import { usageApi, type UsageAction, type UsageConfig } from "./usage-api";

const PREFIX = "/apisix/plugin/tier-limit/usage/";

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

function handle(this: void, ctx: ApisixCtx): LuaMultiReturn<[number, object | undefined]> {
  // public-api may have rewritten the uri: the ctx's, as apisix/api_router.lua matches it.
  const uri = ctx.var["uri"] ?? "";
  const rest = uri.substring(PREFIX.length);
  const [name, tail] = string.match(rest, "^([^/]+)(.*)$");
  if (name === undefined) return $multi(404, { error: "unknown_subject", message: "consumer is required" });
  const method = ctx.var["request_method"];
  let action: UsageAction | undefined;
  if (tail === "" && method === "GET") action = "usage";
  else if (tail === "/reset" && method === "POST") action = "reset";
  else if (tail === "/credit" && method === "POST") action = "credit";
  if (action === undefined) return $multi(404, { message: "Not found" });
  const given = params();
  if (given["__bad_json"] === true) return $multi(400, { error: "invalid_request", message: "the body is not a JSON object" });
  const subject = ngx.unescape_uri(name);
  const { status, body } = usageApi(action, subject, findConsumer(subject), routeConfigs(), given, ngx.now());
  return $multi(status, body);
}

export function usageApiRoutes(): ApisixApiRoute[] {
  return [{ methods: ["GET", "POST"], uri: `${PREFIX}*`, handler: handle }];
}
