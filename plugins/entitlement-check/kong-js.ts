/**
 * entitlement-check for Kong's JS plugin server (npm `kong-pdk`), from the same logic
 * as the Lua plugin. Built by scripts/build.ts into lua-out/kong-js/entitlement-check.cjs.
 *
 * The remote entitlement service is called with undici; answers are cached in the
 * plugin server process (one per Kong node) by io/node/http-cache.ts.
 */
import { targetUrl } from "../core/http-url";
import { toKongFields } from "../core/kong-schema";
import { string } from "../core/schema";
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

const now = (): number => Date.now() / 1000;

/**
 * The config as kong-pdk takes it: invalidation node only. Fleet-wide invalidation
 * (invalidation: redis) needs a Redis subscriber in the plugin server that this
 * version does not have, so Kong refuses such a config at load, naming the field,
 * rather than run it with invalidations that silently stay on one node.
 */
const kongJsSchema = {
  ...entitlementCheckSchema,
  fields: {
    ...entitlementCheckSchema.fields,
    invalidation: string({
      description: "How far an invalidation reaches. kong-pdk: node only (fleet-wide invalidation through Redis is in the Lua plugin; use it, or rely on cache.ttl).",
      oneOf: ["node"],
      default: "node",
    }),
  },
};

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: EntitlementCheckConfig;
  readonly #scope: string;
  readonly #cache: NodeAnswerCache<Lookup>;

  constructor(config: unknown) {
    const { conf, scope } = validatedKongJsConfig<EntitlementCheckConfig>(kongJsSchema, config);
    this.#conf = conf;
    this.#scope = scope;
    const c = conf.cache;
    this.#cache = new NodeAnswerCache<Lookup>({ maxEntries: c.lru_size, ttl: c.ttl, negativeTtl: c.negative_ttl, staleTtl: c.stale_ttl });
  }

  async access(kong: KongJsPdk): Promise<void> {
    await applyKongJsOutcome(kong, await this.#decide(kong));
  }

  async #fetch(subject: string): Promise<{ value: Lookup; negative: boolean }> {
    const s = this.#conf.service;
    const request = serviceRequest(s);
    // The schema refuses such a URL when the service source is on.
    if (request === undefined) throw new Error("service.url is not an http(s) URL");
    const response = await nodeHttpGet({ ...request, url: targetUrl(request.target, `/${encodeURIComponent(subject)}`) });
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      body = undefined;
    }
    const lookup = mapServiceResponse(s.format, response.status, body);
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
export const Schema = toKongFields(kongJsSchema);
export const Version = ENTITLEMENT_CHECK_VERSION;
export const Priority = ENTITLEMENT_CHECK_PRIORITY;
