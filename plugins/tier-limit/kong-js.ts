/**
 * tier-limit for Kong's JS plugin server (npm `kong-pdk`), from the same logic as the
 * Lua plugin. Built by scripts/build.ts into lua-out/kong-js/tier-limit.cjs; install
 * by putting that file in the plugin server's `--plugins-directory`.
 *
 * Policy local keeps counters in the plugin server process (one per Kong node);
 * redis and redis-cluster run the same Redis script as the Lua plugin, via ioredis.
 */
import { toKongFields } from "../core/kong-schema";
import type { RequestFacts } from "../core/facts";
import type { AccessOutcome, Rejection } from "../core/outcome";
import { applyKongJsOutcome, kongJsRequestFacts, validatedKongJsConfig } from "../hosts/kong-js/adapter";
import type { KongJsPdk } from "../hosts/kong-js/pdk";
import type { WindowCounts } from "../io/counter";
import { MemoryCounters } from "../io/node/memory-counters";
// Zone files (timezone) are read with fs in this host.
import "../io/node/zoneinfo";
// Billing periods (anchor source entitlement) from entitlement-check in this process.
import "../io/node/billing-periods";
import { runScript } from "../io/node/redis-scripts";
import { PROCESS_LOG_GATE } from "../io/node/log-gate";
import { decideAccess, onStoreFailure, planAccess, type CounterCheck } from "./decide";
import { markOverage } from "./overage";
import { TIER_LIMIT_PRIORITY, TIER_LIMIT_VERSION } from "./meta";
import { prepare, type PreparedTierLimit } from "./prepare";
import { countsFromReply, scriptKeysAndArgs, TIER_LIMIT_SCRIPT } from "./redis-script";
import { tierLimitSchema, type TierLimitConfig } from "./schema";
import { callerAnswer, subjectWindows } from "./usage";
import { USAGE_SCRIPT, usageKeysAndArgs } from "./usage-script";

const counters = new MemoryCounters();

/**
 * Why kong-pdk refuses cost_from. Its phases are certificate, rewrite, access, response,
 * preread and log (kong-pdk's plugin loader; Kong's plugin-server protocol): no
 * header_filter or body_filter, so a streamed body cannot be read as it passes, and the
 * `response` phase would make Kong buffer every response of the route. A header could
 * be read in log (kong.service.response.get_header is allowed there, kong/pdk/service/
 * response.lua 3.9.3), but a charge from a log phase over RPC lands at no known time
 * before the caller's next request, which cost_from promises: refused too.
 */
export const KONG_JS_COST_FROM_REFUSED =
  "cost_from: not available on Kong's JS plugin server (kong-pdk has no header_filter / body_filter phase to read the upstream's response as it passes); use the Lua plugin";

async function countInRedis(prepared: PreparedTierLimit, checks: CounterCheck[], cost: number, now: number): Promise<WindowCounts> {
  const { keys, args } = scriptKeysAndArgs(checks, cost, now);
  const reply = await runScript(prepared.redis!, "tier_limit", TIER_LIMIT_SCRIPT, keys, args);
  const counts = countsFromReply(reply, checks.length);
  if (counts === undefined) throw new Error("unexpected reply from the tier-limit script");
  return counts;
}

/** The counters' values, unchanged (usage_path). */
async function readCounts(conf: TierLimitConfig, prepared: PreparedTierLimit, checks: CounterCheck[], now: number): Promise<WindowCounts> {
  if (conf.policy === "local") return counters.read(checks, now);
  const { keys, args } = usageKeysAndArgs(checks, "read", 0, now);
  const counts = countsFromReply(await runScript(prepared.redis!, "tier_limit_usage", USAGE_SCRIPT, keys, args), checks.length);
  if (counts === undefined) throw new Error("unexpected reply from the usage script");
  return counts;
}

/**
 * usage_path: the caller's own usage, as the Lua hosts answer it (lua/usage-api.ts
 * callerUsage). The operator API has no kong-pdk counterpart: a JS plugin cannot add
 * Admin API routes (the plugin server only runs request phases).
 */
async function callerUsage(kong: KongJsPdk, conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts, now: number): Promise<Rejection> {
  const found = subjectWindows(conf, prepared, facts, now);
  if (found.kind === "none") return callerAnswer(conf, found, undefined, now);
  let counts: WindowCounts | undefined;
  try {
    counts = await readCounts(conf, prepared, found.targets.map((t) => t.check), now);
  } catch (err) {
    await kong.log.err(`usage_path: counter store (policy ${conf.policy}) failed: ${String(err)}`);
  }
  return callerAnswer(conf, found, counts, now);
}

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: TierLimitConfig;
  readonly #scope: string;

  constructor(config: unknown) {
    const { conf, scope } = validatedKongJsConfig<TierLimitConfig>(tierLimitSchema, config);
    // Threshold events need a claim shared by Kong's workers and a hand-off to kafka-usage
    // in the same request context; neither exists here yet: refused rather than ignored.
    if (conf.thresholds !== undefined && conf.thresholds.length > 0) {
      throw new Error("invalid configuration: thresholds: threshold events are not supported on kong-pdk (use the Lua plugin)");
    }
    if (conf.cost_from !== undefined) throw new Error(`invalid configuration: ${KONG_JS_COST_FROM_REFUSED}`);
    this.#conf = conf;
    this.#scope = scope;
  }

  async access(kong: KongJsPdk): Promise<void> {
    await applyKongJsOutcome(kong, await this.#decide(kong));
  }

  async #decide(kong: KongJsPdk): Promise<AccessOutcome> {
    const conf = this.#conf;
    const now = Date.now() / 1000;
    const prepared = prepare(conf);
    const clearUpstream = prepared.clearUpstream;
    const facts = await kongJsRequestFacts(kong, this.#scope, prepared.needs);
    if (facts.path !== undefined && facts.path === conf.usage_path) return { clearUpstream, rejection: await callerUsage(kong, conf, prepared, facts, now) };
    const plan = planAccess(conf, facts, now, prepared);
    if (plan.kind === "reject") return { clearUpstream, rejection: plan.rejection };
    const passed: AccessOutcome = { clearUpstream, upstream: prepared.upstreamFor[plan.tier]!, tier: plan.tier };
    if (plan.checks.length === 0) return passed;

    let counts: WindowCounts;
    try {
      counts = conf.policy === "local" ? counters.increment(plan.checks, plan.cost, now) : await countInRedis(prepared, plan.checks, plan.cost, now);
    } catch (err) {
      const { outcome, report } = onStoreFailure(conf, passed, now, prepared, PROCESS_LOG_GATE);
      if (report > 0) await kong.log.err(`counter store (policy ${conf.policy}) failed ${report} time(s) since the last report: ${String(err)}`);
      return outcome;
    }
    const decision = decideAccess(conf, plan, counts);
    if (!decision.allowed && conf.policy === "local") counters.refund(plan.checks, plan.cost);
    const outcome: AccessOutcome = { ...passed, response: decision.responseHeaders, rejection: decision.rejection };
    if (decision.overage !== undefined) markOverage(conf, prepared, outcome, decision.overage);
    return outcome;
  }
}

/** The `config` record's fields, as Kong validates them. */
export const Schema = toKongFields(tierLimitSchema);
export const Version = TIER_LIMIT_VERSION;
export const Priority = TIER_LIMIT_PRIORITY;
