/**
 * Kong (Lua PDK) adapter: reads request facts from the PDK and applies an
 * AccessOutcome back through it. Shared by every plugin's Kong handler.
 */
import { consumerAttributes, pickHeaders, type ConsumerFacts, type FactNeeds, type RequestFacts } from "../../core/facts";
import { headersToClear, type AccessOutcome } from "../../core/outcome";
import { normalizePath } from "../../core/path";
import { jsonText, repairJsonBody } from "../../core/utf8";
import { verifiedJwtClaims } from "../../io/lua/jwt";
import { eachHeader, eachName } from "../lua/each";

/** Fields Kong adds to every plugin config it hands to a handler. */
export interface KongConfigIdentity {
  route_id?: string;
  service_id?: string;
}

/** The entity a plugin config is attached to: counters and caches are kept per config. */
export function kongConfigScope(conf: KongConfigIdentity): string {
  let scope = scopeByConfig.get(conf);
  if (scope === undefined) {
    if (conf.route_id !== undefined) scope = `route:${conf.route_id}`;
    else if (conf.service_id !== undefined) scope = `service:${conf.service_id}`;
    else scope = "global";
    scopeByConfig.set(conf, scope);
  }
  return scope;
}

// The per-request caches below are Lua tables with weak keys rather than WeakMaps:
// a lookup is then an index in the caller's trace, not a call of tstl's shared
// WeakMap.get, whose one trace LuaJIT specialises for one caller and leaves to the
// interpreter for the others.

/** Per config table (Kong hands the same table to every request until the config changes). */
const scopeByConfig = setmetatable(new LuaTable<KongConfigIdentity, string>(), { __mode: "k" });

/**
 * ConsumerFacts per Kong consumer entity. Kong hands out the same cached entity
 * table on every request of a consumer, so its facts are built once (weak keys: a
 * consumer evicted from Kong's cache is dropped here too).
 */
const consumerFacts = setmetatable(new LuaTable<KongConsumer, ConsumerFacts>(), { __mode: "k" });

export function kongConsumer(): ConsumerFacts | undefined {
  const consumer = kong.client.get_consumer();
  if (consumer === undefined) return undefined;
  let facts = consumerFacts.get(consumer);
  if (facts === undefined) {
    facts = { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id, tags: consumer.tags };
    facts.attributes = consumerAttributes(facts);
    consumerFacts.set(consumer, facts);
  }
  return facts;
}

/**
 * The first of the consumer's consumer groups, by name, where Kong has them: Kong
 * Enterprise's kong.client.get_consumer_groups(). OSS Kong 3.9.3 has no consumer_groups
 * entity and no such PDK function (kong/pdk/client.lua), so there this answers undefined
 * and tier-limit reads the tag group:<id> (tier-limit/group.ts).
 */
function kongConsumerGroup(): string | undefined {
  // Not in OSS Kong's PDK, hence not in types/kong-pdk.d.ts: looked up, not assumed.
  const client = kong.client as unknown as { get_consumer_groups?: (this: void) => { name?: string; id?: string }[] | undefined };
  const groups = client.get_consumer_groups?.();
  const first = groups?.[0];
  return first === undefined ? undefined : (first.name ?? first.id);
}

/** A request header (module level: see pickHeaders for why no closure). */
function readHeader(_context: undefined, name: string): string | undefined {
  return kong.request.get_header(name);
}

/**
 * Whether this Kong hands plugins the raw path: Kong 2.x's get_path() is request_uri
 * cut at "?", 3.x normalises it (kong/pdk/request.lua of 2.8.5 and 3.9.3). Read on
 * first use, when the PDK is certainly set up.
 */
let rawPaths: boolean | undefined;

/** The request path as Kong 3.x gives it, on any Kong (see core/path.ts). */
function kongPath(): string {
  if (rawPaths === undefined) rawPaths = kong.version_num < 3000000;
  const path = kong.request.get_path();
  return rawPaths ? normalizePath(path) : path;
}

/** Reads the facts a plugin config needs (see FactNeeds) from Kong's PDK. */
export function kongRequestFacts(conf: KongConfigIdentity, needs: FactNeeds): RequestFacts {
  const consumer = kongConsumer();
  const facts: RequestFacts = { method: kong.request.get_method(), consumer, configScope: kongConfigScope(conf) };
  // Kong's forwarded IP honours trusted_ips / real_ip settings, as its own plugins do.
  if (needs.clientIp || consumer === undefined) facts.clientIp = kong.client.get_forwarded_ip();
  if (needs.credential) facts.credentialId = kong.client.get_credential()?.id;
  if (needs.jwtClaims) facts.jwtClaims = verifiedJwtClaims(kong.ctx.shared["authenticated_jwt_token"]);
  if (needs.routeAndService) {
    facts.routeId = kong.router.get_route()?.id;
    facts.serviceId = kong.router.get_service()?.id;
  }
  if (needs.path === true) facts.path = kongPath();
  if (needs.decided === true) facts.decidedTier = kong.ctx.shared["tollgate_tier"] as string | undefined;
  if (needs.group === true && consumer !== undefined) facts.consumerGroup = kongConsumerGroup();
  if (needs.headers.length > 0) facts.headers = pickHeaders(needs.headers, readHeader, undefined);
  return facts;
}

/** Keeps what the plugin decided for kafka-usage's event of this request (see AccessOutcome). */
function recordUsage(outcome: AccessOutcome): void {
  const shared = kong.ctx.shared;
  if (outcome.tier !== undefined) shared["tollgate_tier"] = outcome.tier;
  if (outcome.plan !== undefined) shared["tollgate_plan"] = outcome.plan;
  if (outcome.features !== undefined) shared["tollgate_features"] = outcome.features;
  if (outcome.overage !== undefined) shared["tollgate_overage"] = outcome.overage;
}

/** Applies an outcome in the access phase; a rejection ends the request. */
export function applyKongOutcome(outcome: AccessOutcome): void {
  if (outcome.warning !== undefined) kong.log.warn(jsonText(outcome.warning));
  if (outcome.tier !== undefined || outcome.plan !== undefined || outcome.features !== undefined || outcome.overage !== undefined) recordUsage(outcome);
  const rejection = outcome.rejection;
  const upstream = outcome.upstream;
  eachName(headersToClear(outcome), clearUpstreamHeader, undefined);
  if (rejection !== undefined) {
    // The body may echo what the request named (core/utf8.ts): valid UTF-8 before it is JSON.
    return kong.response.exit(rejection.status, repairJsonBody(rejection.body), rejection.headers);
  }
  if (upstream !== undefined) eachHeader(upstream, setUpstreamHeader, undefined);
  if (outcome.response !== undefined) eachHeader(outcome.response, setResponseHeader, undefined);
}

// Module-level appliers for eachName / eachHeader (no closure per request).
function clearUpstreamHeader(_context: undefined, name: string): void {
  kong.service.request.clear_header(name);
}

function setUpstreamHeader(_context: undefined, name: string, value: string): void {
  kong.service.request.set_header(name, value);
}

function setResponseHeader(_context: undefined, name: string, value: string): void {
  kong.response.set_header(name, value);
}
