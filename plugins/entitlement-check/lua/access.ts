/**
 * entitlement-check's access step for the Lua hosts (Kong and APISIX): the pure
 * decisions of ../decide.ts around the cache (io/lua/cache.ts) and the HTTP client
 * (io/lua/http.ts). Returns what the host adapter must apply.
 */
import cjson = require("cjson.safe");
import type { FactNeeds, RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import { cacheEpoch, cachedGet, storeAnswer, type CacheOptions, type Fetch, type Fetched } from "../../io/lua/cache";
import { httpGet } from "../../io/lua/http";
import { keepFor, newMemosByConfig, recallFor, type MemosByConfig } from "../../hosts/lua/consumer-memo";
import { decideEntitlement, lapseKeptUntil, planSubscription, prepare, serviceSubject } from "../decide";
import type { EntitlementCheckConfig } from "../schema";
import { serviceRequest } from "../service-request";
import { mapServiceResponse, type Lookup } from "../subscription";
import { fromOpenMeter, openMeterPath, type ServiceAnswer } from "../openmeter";
import { logGate } from "../../io/lua/log-gate";

interface LuaService {
  cache: CacheOptions;
  fetch: Fetch;
}

const services = setmetatable(new LuaTable<EntitlementCheckConfig, LuaService>(), { __mode: "k" });

/**
 * APISIX deep-copies a route's plugin config for every consumer it merges in
 * (merge_consumer_route), so one logical config arrives as many tables. State
 * derived from a config (prepared catalog, service client) is kept once per content:
 * each table maps (weakly) to the first table seen with the same JSON encoding.
 */
const canonicalByConfig = setmetatable(new LuaTable<EntitlementCheckConfig, EntitlementCheckConfig>(), { __mode: "kv" });
const canonicalByEncoding = setmetatable(new LuaTable<string, EntitlementCheckConfig>(), { __mode: "v" });

function canonical(conf: EntitlementCheckConfig): EntitlementCheckConfig {
  const known = canonicalByConfig.get(conf);
  if (known !== undefined) return known;
  const [encoded] = cjson.encode(conf);
  let first = encoded === undefined ? undefined : canonicalByEncoding.get(encoded);
  if (first === undefined) {
    first = conf;
    if (encoded !== undefined) canonicalByEncoding.set(encoded, conf);
  }
  canonicalByConfig.set(conf, first);
  return first;
}

function decodeLookup(this: void, payload: string): Lookup | undefined {
  const [value] = cjson.decode(payload);
  return typeof value === "object" ? (value as Lookup) : undefined;
}

function serviceFor(conf: EntitlementCheckConfig): LuaService {
  // Per request: a lookup only (see prepare() in ../decide.ts for why the builder is apart).
  return services.get(conf) ?? newService(conf);
}

function newService(conf: EntitlementCheckConfig): LuaService {
  const s = conf.service;
  const request = serviceRequest(s);
  const format = s.format;
  // OpenMeter is asked once per required feature (the schema requires them for it).
  const features = format === "openmeter" ? (conf.required_features ?? []) : undefined;
  const fetch: Fetch = (subject: string): LuaMultiReturn<[Fetched | undefined, string | undefined]> => {
    // The schema refuses such a URL when the service source is on.
    if (request === undefined) return $multi(undefined, "service.url is not an http(s) URL");
    let lookup: Lookup;
    if (features !== undefined) {
      const answers: ServiceAnswer[] = [];
      for (const feature of features) {
        const [response, err] = httpGet(request, `${request.target.basePath}${openMeterPath(subject, feature, ngx.escape_uri)}`);
        if (response === undefined) return $multi(undefined, err);
        const [body] = cjson.decode(response.body);
        answers.push({ status: response.status, body });
      }
      lookup = fromOpenMeter(features, answers);
    } else {
      const [response, err] = httpGet(request, `${request.target.basePath}/${ngx.escape_uri(subject)}`);
      if (response === undefined) return $multi(undefined, err);
      const [body] = cjson.decode(response.body);
      lookup = mapServiceResponse(format, response.status, body);
    }
    if (lookup.kind === "unknown") return $multi(undefined, lookup.reason);
    const [payload] = cjson.encode(lookup);
    return $multi({ payload: payload!, negative: lookup.kind === "none" }, undefined);
  };
  const c = conf.cache;
  const service: LuaService = {
    cache: {
      dict: c.dict,
      // Configs that reach the same service the same way share answers (and failures): the
      // same URL, credentials and TLS settings, client certificate included.
      // OpenMeter's answers depend on the features asked too.
      namespace: `${ngx.crc32_long(`${format} ${s.url ?? ""} ${s.auth_value ?? ""} ${s.ssl_verify} ${s.server_name ?? ""} ${s.client_cert ?? ""}${features === undefined ? "" : ` ${features.join(",")}`}`)}`,
      lruSize: c.lru_size,
      ttl: c.ttl,
      negativeTtl: c.negative_ttl,
      staleTtl: c.stale_ttl,
      // A waiting request never waits longer than a fetch of its own could take.
      lockTimeoutMs: math.min(c.lock_timeout_ms, s.connect_timeout_ms + s.timeout_ms),
      lockTtl: (s.connect_timeout_ms + s.timeout_ms) / 1000 + 1,
    },
    fetch,
  };
  services.set(conf, service);
  return service;
}

/**
 * Makes `lookup` the cached answer about `subject` for configs that reach the service
 * as `original` does (same URL, format, credentials, TLS: the cache namespace); all
 * other cached answers about it are dropped. Signed webhooks (lua/webhook.ts).
 */
export function storeServiceAnswer(original: EntitlementCheckConfig, subject: string, lookup: Lookup): LuaMultiReturn<[boolean, string | undefined]> {
  const [payload] = cjson.encode(lookup);
  return storeAnswer(serviceFor(canonical(original)).cache, subject, { payload: payload!, negative: lookup.kind === "none" });
}

/** How many config tables, distinct contents and service clients this worker holds (diagnostics). */
export function configStateSizes(): { configs: number; contents: number; services: number } {
  let configs = 0;
  let contents = 0;
  let serviceCount = 0;
  for (const [_] of canonicalByConfig) configs++;
  for (const [_] of canonicalByEncoding) contents++;
  for (const [_] of services) serviceCount++;
  return { configs, contents, services: serviceCount };
}

/** Which optional request facts `conf` needs (adapters read only those). */
export function entitlementNeeds(conf: EntitlementCheckConfig): FactNeeds {
  return prepare(canonical(conf)).needs;
}

/*
 * Decisions remembered per consumer. Unless route patterns decide (they read the path
 * and the method), a decision is a function of the config, the consumer and what its
 * sources say: the config's own (for ever) or the service's cached answer (until that
 * answer's freshness ends, or an operator invalidates a subject). So a consumer's next
 * request is answered by one lookup, before any request fact is read: for a cached
 * caller that is most of this plugin's work, and the shorter request path is one LuaJIT
 * compiles whole. A stale answer, a failure, or a past_due grace period that ends sooner
 * bound or prevent what is kept. At most cache.lru_size consumers per generation
 * (hosts/lua/consumer-memo.ts), per config table.
 */
interface Remembered {
  outcome: AccessOutcome;
  /** ngx.now() seconds from which the decision must be made again. */
  until: number;
  /** The cache epoch it was made under, in `dict` (undefined: it used no cached answer). */
  epoch?: number;
  dict?: SharedDict;
}

const decisions: MemosByConfig<EntitlementCheckConfig, Remembered> = newMemosByConfig();

/**
 * The decision remembered for this consumer under this config, when still good; else
 * undefined (then call entitlementAccess). `consumer`: the host's consumer table.
 */
export function rememberedEntitlement(conf: EntitlementCheckConfig, consumer: object | undefined): AccessOutcome | undefined {
  const remembered = recallFor(decisions, conf, consumer);
  if (remembered === undefined || ngx.now() >= remembered.until) return undefined;
  if (remembered.epoch !== undefined && (remembered.dict === undefined || cacheEpoch(remembered.dict) !== remembered.epoch)) return undefined;
  return remembered.outcome;
}

/** Keeps `outcome` for `consumer` (see rememberedEntitlement) until `until`, or less when a grace period ends sooner. */
function remember(
  original: EntitlementCheckConfig,
  conf: EntitlementCheckConfig,
  consumer: object,
  outcome: AccessOutcome,
  lookup: Lookup,
  until: number,
  epoch: number | undefined,
): void {
  if (outcome.warning !== undefined) return;
  const now = ngx.now();
  const graceEnd = lookup.kind === "found" ? lapseKeptUntil(conf, lookup.subscription, now) : undefined;
  const kept = graceEnd === undefined ? until : math.min(until, graceEnd);
  if (kept <= now) return;
  const dict = epoch === undefined ? undefined : ngx.shared[conf.cache.dict];
  keepFor(decisions, original, conf.cache.lru_size, consumer, { outcome, until: kept, epoch, dict });
}

/**
 * The decision for a request. `consumer`: the host's consumer table, under which the
 * decision is remembered when it can be (see rememberedEntitlement).
 */
export function entitlementAccess(original: EntitlementCheckConfig, facts: RequestFacts, consumer?: object): AccessOutcome {
  const conf = canonical(original);
  const plan = planSubscription(conf, facts);
  if (plan.kind === "reject") return { clearUpstream: prepare(conf).clearUpstream, rejection: plan.rejection };
  // Route patterns read the path and the method: such a decision is not the consumer's alone.
  const rememberable = consumer !== undefined && prepare(conf).needs.path !== true;
  if (plan.kind === "known" || plan.kind === "none") {
    const outcome = decideEntitlement(conf, facts, plan.lookup, ngx.now());
    if (rememberable) remember(original, conf, consumer, outcome, plan.lookup, Infinity, undefined);
    return outcome;
  }

  const service = serviceFor(conf);
  const dict = ngx.shared[service.cache.dict];
  // Read before the lookup: an invalidation while it runs leaves the decision unkept.
  const epoch = rememberable && dict !== undefined ? cacheEpoch(dict) : undefined;
  const [lookup, state, freshUntil] = cachedGet(service.cache, serviceSubject(conf, facts)!, service.fetch, decodeLookup);
  if (lookup === undefined) {
    const report = prepare(conf).serviceErrors.occurrence(ngx.now(), logGate(conf.cache.dict));
    if (report > 0) ngx.log(ngx.ERR, `[entitlement-check] entitlement service failed ${report} time(s) since the last report: ${state}`);
    return decideEntitlement(conf, facts, { kind: "unknown", reason: state }, ngx.now());
  }
  const outcome = decideEntitlement(conf, facts, lookup, ngx.now());
  if (rememberable && state === "fresh") remember(original, conf, consumer, outcome, lookup, freshUntil, epoch);
  return outcome;
}
