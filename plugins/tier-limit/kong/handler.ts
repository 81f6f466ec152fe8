/**
 * Kong handler of tier-limit: `kong.plugins.tier-limit.handler`.
 * Runs in access, after the auth plugins (key-auth 1250, jwt 1450) have set the
 * consumer, and just above Kong's own rate-limiting (910).
 */
import { applyKongOutcome, kongRequestFacts, type KongConfigIdentity } from "../../hosts/kong/adapter";
import { setConfigured, type KongTierLimitConfig } from "./configured";
import { tierLimitAccess } from "../lua/access";
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
    applyKongOutcome(tierLimitAccess(conf, kongRequestFacts(conf, prepared.needs), prepared));
  },
};

export = TierLimitHandler;
