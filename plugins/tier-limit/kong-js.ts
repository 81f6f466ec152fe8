/**
 * tier-limit for Kong's JS plugin server (npm `kong-pdk`), from the same logic as the
 * Lua plugin. Built by scripts/build.ts into lua-out/kong-js/tier-limit.cjs; install
 * by putting that file in the plugin server's `--plugins-directory`.
 *
 * Counters live in the plugin server process (policy `local`).
 */
import { toKongFields } from "../core/kong-schema";
import { applyKongJsOutcome, kongJsRequestFacts, validatedKongJsConfig } from "../hosts/kong-js/adapter";
import type { KongJsPdk } from "../hosts/kong-js/pdk";
import { MemoryCounters } from "../io/node/memory-counters";
import { decideAccess, planAccess } from "./decide";
import { TIER_LIMIT_PRIORITY, TIER_LIMIT_VERSION } from "./meta";
import { tierLimitSchema, type TierLimitConfig } from "./schema";

const counters = new MemoryCounters();

/** The plugin class kong-pdk instantiates once per plugin configuration. */
export class Plugin {
  readonly #conf: TierLimitConfig;
  readonly #scope: string;

  constructor(config: unknown) {
    const { conf, scope } = validatedKongJsConfig<TierLimitConfig>(tierLimitSchema, config);
    this.#conf = conf;
    this.#scope = scope;
  }

  async access(kong: KongJsPdk): Promise<void> {
    const conf = this.#conf;
    const clearUpstream = [conf.tier_header];
    const now = Date.now() / 1000;
    const plan = planAccess(conf, await kongJsRequestFacts(kong, this.#scope), now);
    if (plan.kind === "reject") {
      await applyKongJsOutcome(kong, { clearUpstream, rejection: plan.rejection });
      return;
    }
    const upstream = { [conf.tier_header]: plan.tier };
    const counts = counters.increment(plan.checks, 1, now);
    const decision = decideAccess(conf, plan, counts);
    if (!decision.allowed) counters.refund(plan.checks, 1);
    await applyKongJsOutcome(kong, {
      clearUpstream,
      upstream,
      response: decision.responseHeaders,
      rejection: decision.rejection,
    });
  }
}

/** The `config` record's fields, as Kong validates them. */
export const Schema = toKongFields(tierLimitSchema);
export const Version = TIER_LIMIT_VERSION;
export const Priority = TIER_LIMIT_PRIORITY;
