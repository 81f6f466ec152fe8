/**
 * Kong JS plugin server (kong-pdk) adapter: the async twin of ../kong/adapter.ts.
 * Reads request facts through the RPC PDK and applies an AccessOutcome back.
 */
import type { ConsumerFacts, FactNeeds, RequestFacts } from "../../core/facts";
import { headersToClear, type AccessOutcome } from "../../core/outcome";
import { jsonText, repairJsonBody } from "../../core/utf8";
import type { RecordSpec } from "../../core/schema";
import { validateConfig, type ValidateOptions } from "../../core/validate";
import type { KongJsPdk } from "./pdk";

/** Claims of the JWT Kong's jwt plugin verified (raw token in kong.ctx.shared). */
function verifiedJwtClaims(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== "string") return undefined;
  const payload = token.split(".")[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the facts a plugin config needs (see FactNeeds), one RPC at a time. */
export async function kongJsRequestFacts(kong: KongJsPdk, configScope: string, needs: FactNeeds): Promise<RequestFacts> {
  // One PDK call at a time: each is a round trip on the event's single RPC channel.
  const method = await kong.request.getMethod();
  const consumer = await kong.client.getConsumer();
  let consumerFacts: ConsumerFacts | undefined;
  if (consumer !== undefined && consumer !== null && typeof consumer.id === "string") {
    consumerFacts = { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id, tags: consumer.tags };
  }
  const facts: RequestFacts = { method, consumer: consumerFacts, configScope };
  if (needs.clientIp || consumerFacts === undefined) facts.clientIp = await kong.client.getForwardedIp();
  if (needs.credential) facts.credentialId = (await kong.client.getCredential())?.id;
  if (needs.jwtClaims) facts.jwtClaims = verifiedJwtClaims(await kong.ctx.shared.get("authenticated_jwt_token"));
  if (needs.routeAndService) {
    facts.routeId = (await kong.router.getRoute())?.id;
    facts.serviceId = (await kong.router.getService())?.id;
  }
  if (needs.path === true) facts.path = await kong.request.getPath();
  if (needs.decided === true) {
    const tier = await kong.ctx.shared.get("tollgate_tier");
    if (typeof tier === "string") facts.decidedTier = tier;
  }
  if (needs.headers.length > 0) {
    const headers: Record<string, string> = {};
    for (const name of needs.headers) {
      const value = await kong.request.getHeader(name);
      if (typeof value === "string") headers[name] = value;
    }
    facts.headers = headers;
  }
  return facts;
}

export async function applyKongJsOutcome(kong: KongJsPdk, outcome: AccessOutcome): Promise<void> {
  if (outcome.warning !== undefined) await kong.log.warn(jsonText(outcome.warning));
  // Kept for kafka-usage's event of this request (see AccessOutcome): one RPC each, only when set.
  if (outcome.tier !== undefined) await kong.ctx.shared.set("tollgate_tier", outcome.tier);
  if (outcome.plan !== undefined) await kong.ctx.shared.set("tollgate_plan", outcome.plan);
  if (outcome.features !== undefined) await kong.ctx.shared.set("tollgate_features", outcome.features);
  if (outcome.overage !== undefined) await kong.ctx.shared.set("tollgate_overage", outcome.overage);
  for (const name of headersToClear(outcome)) await kong.service.request.clearHeader(name);
  const rejection = outcome.rejection;
  if (rejection !== undefined) {
    // The body may echo what the request named (core/utf8.ts): well formed before it is JSON.
    await kong.response.exit(rejection.status, repairJsonBody(rejection.body), rejection.headers);
    return;
  }
  for (const [name, value] of Object.entries(outcome.upstream ?? {})) {
    await kong.service.request.setHeader(name, value);
  }
  if (outcome.response !== undefined && Object.keys(outcome.response).length > 0) {
    await kong.response.setHeaders(outcome.response);
  }
}

/** Keys Kong adds to a plugin config besides the plugin's own fields. */
const KONG_CONFIG_KEYS = ["route_id", "service_id", "consumer_id", "plugin_instance_name", "__plugin_id", "__key__", "__seq__"];

export interface KongJsPluginConfig<T> {
  conf: T;
  /** The entity the config is attached to (see RequestFacts.configScope). */
  scope: string;
}

/** Kong has resolved references already; the records that held one name them in `$refs`. */
const KONG_JS_VALIDATION: ValidateOptions = { recordKeys: ["$refs"] };

/**
 * Validates a config the plugin server received (Kong has already checked it
 * against the exported Schema; this adds tollgate's cross-field rules and defaults),
 * after setting aside the keys Kong adds.
 */
export function validatedKongJsConfig<T>(spec: RecordSpec, config: unknown): KongJsPluginConfig<T> {
  const own: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const key of KONG_CONFIG_KEYS) delete own[key];
  const problem = validateConfig(spec, own, KONG_JS_VALIDATION);
  if (problem !== undefined) throw new Error(`invalid configuration: ${problem}`);
  const identity = config as { route_id?: unknown; service_id?: unknown };
  const scope =
    typeof identity.route_id === "string"
      ? `route:${identity.route_id}`
      : typeof identity.service_id === "string"
        ? `service:${identity.service_id}`
        : "global";
  return { conf: own as T, scope };
}
