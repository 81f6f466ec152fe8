/**
 * The plugin configurations the benchmarks measure, shared by `make bench`
 * (tests/bench/run.ts: requests per second through nginx) and tests/bench/access-chain.ts
 * (CPU time and bytes allocated per run of the access handlers).
 */
import { join } from "node:path";
import { validateConfig } from "../../plugins/core/validate.ts";
import { decideAt } from "../../plugins/feature-toggle/decide.ts";
import { featureToggleSchema, type FeatureToggleConfig } from "../../plugins/feature-toggle/schema.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";

/** The one consumer every authenticated benchmark request comes from. */
export const BENCH_CONSUMER = {
  username: "bench-user",
  // billing_anchor: read by tier-limit-quota only (anchor_sources consumer).
  tags: ["tier:premium", "billing_anchor:2026-01-31T09:30:00Z"],
  keyauth_credentials: [{ key: "bench-key" }],
};
export const BENCH_API_KEY = "bench-key";

/** A Kong declarative config: one service and route (/bench) with `plugins`. */
export function benchKongConfig(plugins: object[]): object {
  return {
    _format_version: "3.0",
    services: [{ name: "bench", url: "http://127.0.0.1:9000", routes: [{ name: "bench", paths: ["/bench"] }] }],
    consumers: [BENCH_CONSUMER],
    plugins,
  };
}

export const keyAuth = { name: "key-auth", config: { key_names: ["apikey"] } };

/** Limits high enough that every benchmark request is admitted (and counted): two windows. */
const tiers = { premium: { limits: { GET: { second: 1_000_000, minute: 100_000_000 } } } };

export const tierLimit = (extra: object = {}): object => ({ name: "tier-limit", config: { tiers, ...extra } });

/**
 * tierLimit's per-second limit with a monthly quota instead of the minute window: the month
 * runs from the consumer's billing anchor on New York's clock. High enough to admit every
 * request, as tierLimit's.
 */
export const tierLimitQuota = (): object => ({
  name: "tier-limit",
  config: {
    tiers: { premium: { limits: { GET: { second: 1_000_000, month: 1_000_000_000 } } } },
    timezone: "America/New_York",
    anchor_sources: ["consumer"],
  },
});

/** The hand-written Lua equivalent of tier-limit's local policy (not shipped; see its header). */
export const handwrittenTierLimit = { name: "handwritten-tier-limit", config: { tiers } };
export const HANDWRITTEN_LUA_PATH = join(REPO_ROOT, "tests/bench/handwritten");

/**
 * feature-toggle with 50 inline flags, the enabled ones forwarded upstream: 10
 * tier-targeted, 10 sticky rollouts (10–55%), 10 with two constraints, 10 with 50/50
 * variants, 10 plain on/off; the route requires one. `extra` is merged into the config
 * (decision_cache_size 0: every flag evaluated on every request).
 */
export function featureToggle50(extra: object = {}): object {
  const flags = Array.from({ length: 50 }, (_, i) => {
    const name = `flag-${i}`;
    if (i % 5 === 0) return { name, strategies: [{ name: "tiers", parameters: { tiers: "premium,enterprise" } }] };
    if (i % 5 === 1) return { name, strategies: [{ name: "flexibleRollout", parameters: { rollout: String(10 + i), groupId: name } }] };
    if (i % 5 === 2) {
      const constraints = [
        { contextName: "plan", operator: "IN", values: ["pro", "team"] },
        { contextName: "userId", operator: "STR_STARTS_WITH", values: ["bench"] },
      ];
      return { name, strategies: [{ name: "default", constraints }] };
    }
    if (i % 5 === 3) return { name, variants: [{ name: "a", weight: 500 }, { name: "b", weight: 500 }] };
    return { name, enabled: i % 2 === 0 };
  });
  return { name: "feature-toggle", config: { flags, require: ["flag-0"], ...extra } };
}

/**
 * The hand-written Lua evaluator of feature-toggle-50's flags (not shipped; see its
 * header in tests/bench/handwritten/), given the same flags and required flag.
 */
export function handwrittenFeatureToggle50(): object {
  const { config } = featureToggle50() as { config: { flags: object[]; require: string[] } };
  return { name: "handwritten-feature-toggle", config: { flags: config.flags, require: config.require } };
}

/** entitlement-check asking the entitlement service at `serviceUrl`, whose answer stays cached (ttl 1 h). */
export function entitlementCheck(serviceUrl: string): object {
  return {
    name: "entitlement-check",
    config: {
      plans: { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } },
      subscription_sources: ["service"],
      service: { url: serviceUrl },
      cache: { ttl: 3600 },
      required_features: ["reports"],
    },
  };
}

/**
 * The floors under entitlement-check's and feature-toggle's rows in the access-chain
 * benchmark (tests/bench/floors/): the same upstream headers, with the values the plugins
 * forward for the bench consumer, set with nothing decided.
 */
export const FLOORS_LUA_PATH = join(REPO_ROOT, "tests/bench/floors");

export const entitlementCheckFloor = {
  name: "headers-floor",
  config: { header: "X-Plan", value: "premium", second_header: "X-Entitlements", second_value: "basic,reports", shared_key: "tollgate_plan" },
};

/** What feature-toggle-50 forwards for the bench consumer (evaluated by the TypeScript, as the Lua does). */
export function featureToggleFloor(): object {
  const conf = structuredClone((featureToggle50() as { config: object }).config) as FeatureToggleConfig;
  const invalid = validateConfig(featureToggleSchema, conf);
  if (invalid !== undefined) throw new Error(`feature-toggle-50: ${invalid}`);
  const facts = { method: "GET", consumer: { id: "bench", username: BENCH_CONSUMER.username, tags: BENCH_CONSUMER.tags }, clientIp: "127.0.0.1" };
  const header = decideAt(conf, facts, Date.now() / 1000).upstream?.[conf.header];
  if (header === undefined) throw new Error("feature-toggle-50 forwards nothing for the bench consumer");
  return { name: "headers-floor", config: { header: conf.header, value: header, shared_key: "tollgate_features" } };
}
