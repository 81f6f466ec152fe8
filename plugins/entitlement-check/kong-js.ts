/**
 * entitlement-check for Kong's JS plugin server (npm `kong-pdk`), from the same logic
 * as the Lua plugin. Built by scripts/build.ts into lua-out/kong-js/entitlement-check.cjs.
 *
 * The remote entitlement service is called with undici; answers are cached in the
 * plugin server process (one per Kong node) by io/node/http-cache.ts.
 *
 * A config with `webhook` makes the route a billing webhook receiver (webhook.ts), as
 * on the Lua hosts: it drops (or sets) the subject's answers in every plugin instance
 * of this process — each instance has its own cache — and exits with the JSON answer.
 */
import { targetUrl } from "../core/http-url";
import { toKongFields } from "../core/kong-schema";
import type { AccessOutcome } from "../core/outcome";
import { normalizePath } from "../core/path";
import { applyKongJsOutcome, kongJsRequestFacts, validatedKongJsConfig } from "../hosts/kong-js/adapter";
import type { KongJsPdk } from "../hosts/kong-js/pdk";
import { NodeAnswerCache } from "../io/node/http-cache";
import { nodeHttpGet } from "../io/node/http";
import { decideEntitlement, planSubscription, prepare, serviceSubject } from "./decide";
import { ENTITLEMENT_CHECK_PRIORITY, ENTITLEMENT_CHECK_VERSION } from "./meta";
import { entitlementCheckSchema, type EntitlementCheckConfig } from "./schema";
import { serviceRequest } from "./service-request";
import { mapServiceResponse, type Lookup } from "./subscription";
import { PROCESS_LOG_GATE } from "../io/node/log-gate";
import { processReplayMemory } from "../io/node/replay-memory";
import { NODE_WEBHOOK_PLATFORM } from "../io/node/webhook-platform";
import { LogThrottle } from "../core/log-throttle";
import { handleWebhook, SIGNATURE_HEADERS } from "./webhook";
import { fromOpenMeter, openMeterPath, type ServiceAnswer } from "./openmeter";

const now = (): number => Date.now() / 1000;

/** The plugin instances of this process (kong-pdk makes one per config and drops replaced ones). */
const instances = new Set<WeakRef<Plugin>>();
const replayMemory = processReplayMemory(100_000, now);

/** The settings that make two configs' service answers the same (the Lua hosts' cache namespace). */
function serviceKey(conf: EntitlementCheckConfig): string {
  const s = conf.service;
  return JSON.stringify([s.format, s.url, s.auth_value, s.ssl_verify, s.server_name, s.client_cert, s.format === "openmeter" ? conf.required_features : undefined]);
}

/**
 * Drops `subject`'s answers in every instance of this process (the Node side of the
 * invalidation entry point); with `answer`, instances asking the same service as
 * `conf` take it as their answer instead.
 */
export function invalidateInProcess(subject: string, answer?: { conf: EntitlementCheckConfig; lookup: Lookup }): void {
  const key = answer === undefined ? undefined : serviceKey(answer.conf);
  for (const ref of instances) {
    const plugin = ref.deref();
    if (plugin === undefined) instances.delete(ref);
    else if (answer !== undefined && plugin.serviceKey === key) plugin.store(subject, answer.lookup);
    else plugin.invalidate(subject);
  }
}

function bodyText(raw: Awaited<ReturnType<KongJsPdk["request"]["getRawBody"]>>): string | undefined {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === null || value === undefined) return undefined;
  return typeof value === "string" ? value : value.toString("utf8");
}

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: EntitlementCheckConfig;
  readonly #scope: string;
  readonly #cache: NodeAnswerCache<Lookup>;
  readonly serviceKey: string;
  readonly #webhookRefusals: LogThrottle;

  constructor(config: unknown) {
    const { conf, scope } = validatedKongJsConfig<EntitlementCheckConfig>(entitlementCheckSchema, config);
    this.#conf = conf;
    this.#scope = scope;
    const c = conf.cache;
    this.#cache = new NodeAnswerCache<Lookup>({ maxEntries: c.lru_size, ttl: c.ttl, negativeTtl: c.negative_ttl, staleTtl: c.stale_ttl });
    this.serviceKey = serviceKey(conf);
    this.#webhookRefusals = new LogThrottle(conf.error_log_interval, "entitlement-check:webhook");
    instances.add(new WeakRef(this));
  }

  async access(kong: KongJsPdk): Promise<void> {
    if (this.#conf.webhook !== undefined) {
      const { status, body } = await this.#webhook(kong, this.#conf.webhook);
      await kong.response.exit(status, body, { "Content-Type": "application/json" });
      return;
    }
    await applyKongJsOutcome(kong, await this.#decide(kong));
  }

  /** A billing event (webhook.ts): refused with the reason, or applied to every instance. */
  async #webhook(kong: KongJsPdk, webhook: NonNullable<EntitlementCheckConfig["webhook"]>): Promise<{ status: number; body: object }> {
    const declared = Number(await kong.request.getHeader("content-length"));
    let body: string | undefined;
    let oversized = declared > webhook.max_body_bytes;
    if (!oversized) {
      body = bodyText(await kong.request.getRawBody());
      oversized = body !== undefined && Buffer.byteLength(body, "utf8") > webhook.max_body_bytes;
    }
    const request = {
      method: await kong.request.getMethod(),
      signature: (await kong.request.getHeader(SIGNATURE_HEADERS[webhook.provider])) ?? undefined,
      body: oversized ? undefined : body,
      oversized,
    };
    const result = handleWebhook(webhook, NODE_WEBHOOK_PLATFORM, request, now(), replayMemory);
    if (result.refused !== undefined) {
      const report = this.#webhookRefusals.occurrence(now(), PROCESS_LOG_GATE);
      if (report > 0) await kong.log.warn(`webhook (${webhook.provider}) refused ${report} request(s) since the last report; latest: ${result.refused}`);
      return result;
    }
    for (const subject of result.subjects) invalidateInProcess(subject, result.answer === undefined ? undefined : { conf: this.#conf, lookup: result.answer });
    return result;
  }


  /** Takes `lookup` as the answer about `subject` (a signed webhook). */
  store(subject: string, lookup: Lookup): void {
    this.#cache.store(subject, lookup, lookup.kind === "none", now);
  }

  async #fetch(subject: string): Promise<{ value: Lookup; negative: boolean }> {
    const s = this.#conf.service;
    const request = serviceRequest(s);
    // The schema refuses such a URL when the service source is on.
    if (request === undefined) throw new Error("service.url is not an http(s) URL");
    const ask = async (path: string): Promise<ServiceAnswer> => {
      const response = await nodeHttpGet({ ...request, url: targetUrl(request.target, path) });
      return { status: response.status, body: NODE_WEBHOOK_PLATFORM.decodeJson(response.body) };
    };
    let lookup: Lookup;
    if (s.format === "openmeter") {
      // One call per required feature (the schema requires them for OpenMeter), in turn as on the Lua hosts.
      const features = this.#conf.required_features ?? [];
      const answers: ServiceAnswer[] = [];
      for (const feature of features) answers.push(await ask(openMeterPath(subject, feature, encodeURIComponent)));
      lookup = fromOpenMeter(features, answers);
    } else {
      const answer = await ask(`/${encodeURIComponent(subject)}`);
      lookup = mapServiceResponse(s.format, answer.status, answer.body);
    }
    if (lookup.kind === "unknown") throw new Error(lookup.reason);
    return { value: lookup, negative: lookup.kind === "none" };
  }

  async #decide(kong: KongJsPdk): Promise<AccessOutcome> {
    const conf = this.#conf;
    const needs = prepare(conf).needs;
    const facts = await kongJsRequestFacts(kong, this.#scope, needs);
    if (needs.path === true) {
      // kong-pdk's request.getPath (not in the shared PDK subset declaration). Kong 2.x
      // answers the raw path; normalising Kong 3.x's already normalised one changes nothing.
      const request = kong.request as unknown as { getPath(): Promise<string> };
      facts.path = normalizePath(await request.getPath());
    }
    const plan = planSubscription(conf, facts);
    if (plan.kind === "reject") return { clearUpstream: prepare(conf).clearUpstream, rejection: plan.rejection };
    if (plan.kind === "known" || plan.kind === "none") return decideEntitlement(conf, facts, plan.lookup, now());
    const subject = serviceSubject(conf, facts)!;
    try {
      const { value } = await this.#cache.get(subject, () => this.#fetch(subject), now);
      return decideEntitlement(conf, facts, value, now());
    } catch (err) {
      const report = prepare(conf).serviceErrors.occurrence(now(), PROCESS_LOG_GATE);
      if (report > 0) await kong.log.err(`entitlement service failed ${report} time(s) since the last report: ${String(err)}`);
      return decideEntitlement(conf, facts, { kind: "unknown", reason: String(err) }, now());
    }
  }

  /** Forgets the cached answer about one subject (operators; see README). */
  invalidate(subject: string): void {
    this.#cache.invalidate(subject);
  }
}

/** The `config` record's fields, as Kong validates them. */
export const Schema = toKongFields(entitlementCheckSchema);
export const Version = ENTITLEMENT_CHECK_VERSION;
export const Priority = ENTITLEMENT_CHECK_PRIORITY;
