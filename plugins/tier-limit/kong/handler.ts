/**
 * Kong handler of tier-limit: `kong.plugins.tier-limit.handler`.
 * Runs in access, after the auth plugins (key-auth 1250, jwt 1450) have set the
 * consumer, and just above Kong's own rate-limiting (910). With cost_from, also in
 * header_filter and body_filter (Kong 3.x handler phases; kong/init.lua runs them for
 * a plugin that defines them), where the upstream's cost is read (../lua/cost.ts).
 */
import { applyKongOutcome, kongRequestFacts, type KongConfigIdentity } from "../../hosts/kong/adapter";
import { setConfigured, type KongTierLimitConfig } from "./configured";
import { tierLimitAccess } from "../lua/access";
import { costBodyFilter, costHeaderFilter, newCostState, type CostState } from "../lua/cost";
import { prepare } from "../prepare";
import type { TierLimitConfig } from "../schema";
import { TIER_LIMIT_PRIORITY, TIER_LIMIT_VERSION } from "../meta";

const TierLimitHandler = {
  PRIORITY: TIER_LIMIT_PRIORITY,
  VERSION: TIER_LIMIT_VERSION,
  /** Kong 3.4+: every enabled config, for the Admin API (see configured.ts). */
  configure(this: unknown, configs: KongTierLimitConfig[] | undefined): void {
    setConfigured(configs);
  },
  access(this: unknown, conf: TierLimitConfig & KongConfigIdentity): void {
    const prepared = prepare(conf);
    if (conf.cost_from === undefined) {
      applyKongOutcome(tierLimitAccess(conf, kongRequestFacts(conf, prepared.needs), prepared));
      return;
    }
    const cost = newCostState(conf);
    applyKongOutcome(tierLimitAccess(conf, kongRequestFacts(conf, prepared.needs), prepared, cost));
    if (cost.checks !== undefined) kong.ctx.plugin["tollgate_cost"] = cost;
  },
  header_filter(this: unknown, conf: TierLimitConfig & KongConfigIdentity): void {
    const cost = kong.ctx.plugin["tollgate_cost"] as CostState | undefined;
    if (cost === undefined) return;
    const units = costHeaderFilter(conf, prepare(conf), cost);
    if (units !== undefined) kong.ctx.shared["tollgate_units"] = units;
  },
  body_filter(this: unknown, conf: TierLimitConfig & KongConfigIdentity): void {
    const cost = kong.ctx.plugin["tollgate_cost"] as CostState | undefined;
    if (cost === undefined) return;
    const units = costBodyFilter(conf, prepare(conf), cost);
    if (units !== undefined) kong.ctx.shared["tollgate_units"] = units;
  },
};

export = TierLimitHandler;
