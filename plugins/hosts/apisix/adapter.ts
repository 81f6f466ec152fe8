/**
 * APISIX (apisix.core) adapter: reads request facts from APISIX's ctx and applies
 * an AccessOutcome back. Shared by every plugin's APISIX module.
 */
import core = require("apisix.core");
import { pickHeaders, type ConsumerFacts, type FactNeeds, type RequestFacts } from "../../core/facts";
import { headersToClear, type AccessOutcome, type Rejection } from "../../core/outcome";
import { jsonText, repairJsonBody } from "../../core/utf8";
import type { RecordSpec } from "../../core/schema";
import { toJsonSchema, type JsonSchema } from "../../core/json-schema";
import { validateConfig, type ValidateOptions } from "../../core/validate";
import { eachHeader, eachName } from "../lua/each";

export function apisixConsumer(ctx: ApisixCtx): ConsumerFacts | undefined {
  const consumer = ctx.consumer;
  if (consumer === undefined) return undefined;
  return apisixConsumerFacts(consumer);
}

/** ConsumerFacts of an APISIX consumer (ctx.consumer, or an item of apisix.consumer's list). */
export function apisixConsumerFacts(consumer: ApisixConsumer): ConsumerFacts {
  return {
    id: consumer.username,
    username: consumer.username,
    custom_id: consumer.labels?.["custom_id"],
    labels: consumer.labels,
    group: consumer.group_id,
  };
}

/** A request header (module level: see pickHeaders for why no closure). */
function readHeader(ctx: ApisixCtx, name: string): string | undefined {
  return core.request.header(ctx, name);
}

/** Reads the facts a plugin config needs (see FactNeeds) from APISIX's ctx. */
export function apisixRequestFacts(ctx: ApisixCtx, needs: FactNeeds): RequestFacts {
  const consumer = apisixConsumer(ctx);
  const facts: RequestFacts = {
    method: ctx.var["request_method"] ?? core.request.get_method(),
    consumer,
    // As APISIX's limit-count keys its counters: by the configuration's type and id.
    configScope: ctx.conf_type !== undefined ? `${ctx.conf_type}:${ctx.conf_id ?? ""}` : "global",
  };
  if (needs.clientIp || consumer === undefined) facts.clientIp = ctx.var["remote_addr"];
  if (needs.credential) facts.credentialId = ctx.consumer?.credential_id;
  // jwt-auth with store_in_ctx: true leaves the verified payload here.
  if (needs.jwtClaims) facts.jwtClaims = ctx.jwt_auth_payload;
  if (needs.routeAndService) {
    facts.routeId = ctx.route_id;
    facts.serviceId = ctx.service_id;
  }
  if (needs.path === true) facts.path = ctx.var["uri"];
  if (needs.decided === true) facts.decidedTier = ctx.tollgate_tier;
  if (needs.headers.length > 0) facts.headers = pickHeaders(needs.headers, readHeader, ctx);
  return facts;
}

/**
 * Applies an outcome in the access phase. Returns the rejection, which the plugin's
 * phase function returns to APISIX as `code, body` (APISIX then ends the request).
 */
export function applyApisixOutcome(ctx: ApisixCtx, outcome: AccessOutcome): Rejection | undefined {
  if (outcome.warning !== undefined) core.log.warn(jsonText(outcome.warning));
  // Kept for kafka-usage's event of this request (see AccessOutcome).
  if (outcome.tier !== undefined) ctx.tollgate_tier = outcome.tier;
  if (outcome.plan !== undefined) ctx.tollgate_plan = outcome.plan;
  if (outcome.features !== undefined) ctx.tollgate_features = outcome.features;
  if (outcome.thresholdEvents !== undefined) ctx.tollgate_threshold_events = outcome.thresholdEvents;
  if (outcome.overage !== undefined) ctx.tollgate_overage = outcome.overage;
  const rejection = outcome.rejection;
  const upstream = outcome.upstream;
  eachName(headersToClear(outcome), clearUpstreamHeader, ctx);
  if (rejection !== undefined) {
    // core.response.exit sends a table body as JSON but leaves Content-Type to nginx.
    core.response.set_header("Content-Type", "application/json");
    eachHeader(rejection.headers, setResponseHeader, undefined);
    // The body may echo what the request named (core/utf8.ts): valid UTF-8 before it is JSON.
    repairJsonBody(rejection.body);
    return rejection;
  }
  if (upstream !== undefined) eachHeader(upstream, setUpstreamHeader, ctx);
  if (outcome.response !== undefined) eachHeader(outcome.response, setResponseHeader, undefined);
  return undefined;
}

// Module-level appliers for eachName / eachHeader (no closure per request).
function clearUpstreamHeader(ctx: ApisixCtx, name: string): void {
  core.request.set_header(ctx, name, undefined);
}

function setUpstreamHeader(ctx: ApisixCtx, name: string, value: string): void {
  core.request.set_header(ctx, name, value);
}

function setResponseHeader(_context: undefined, name: string, value: string): void {
  core.response.set_header(name, value);
}

/**
 * What APISIX hands check_schema (apisix/plugin.lua check_single_plugin_schema, 3.18.0):
 * the conf as configured, so `$env://` / `$secret://` references still unresolved
 * (plugin.lua resolves them before the phases run), and `_meta`, which APISIX injects
 * into every plugin's schema (core.schema.plugin_injected_schema) and interprets
 * itself (priority, filter, disable, error_response, pre_function).
 */
const APISIX_VALIDATION: ValidateOptions = { references: "apisix", gatewayKeys: ["_meta"] };

/**
 * `check_schema` for an APISIX plugin: tollgate's validator first, whose message names
 * the field by its full path (`config.tiers.free.limits.GET.minute: …`), then APISIX's
 * own JSON-schema check, which accepts everything the validator accepts.
 */
export function apisixCheckSchema(
  jsonSchema: JsonSchema,
  spec: RecordSpec,
  conf: unknown,
): LuaMultiReturn<[boolean, string | undefined]> {
  const problem = validateConfig(spec, conf, APISIX_VALIDATION);
  if (problem !== undefined) return $multi(false, problem);
  return core.schema.check(jsonSchema, conf);
}

export { toJsonSchema };
