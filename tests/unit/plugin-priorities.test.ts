/**
 * Where tollgate's plugins sit in each gateway's plugin order. APISIX sorts plugins by
 * priority with table.sort (apisix/plugin.lua load, 3.18.0), which keeps no order among
 * equal priorities, so a tollgate plugin sharing a bundled plugin's priority would run
 * before or after it by chance.
 */
import { describe, expect, it } from "vitest";
import { ENTITLEMENT_CHECK_APISIX_PRIORITY, ENTITLEMENT_CHECK_PRIORITY } from "../../plugins/entitlement-check/meta.ts";
import { FEATURE_TOGGLE_APISIX_PRIORITY, FEATURE_TOGGLE_PRIORITY } from "../../plugins/feature-toggle/meta.ts";
import { KAFKA_USAGE_APISIX_PRIORITY } from "../../plugins/kafka-usage/meta.ts";
import { TIER_LIMIT_APISIX_PRIORITY, TIER_LIMIT_PRIORITY } from "../../plugins/tier-limit/meta.ts";

/** Priorities of the plugins APISIX 3.18.0 bundles (conf/config.yaml.example, `plugins:` and `stream_plugins:`). */
const APISIX_BUNDLED = new Set([
  0, 100, 200, 397, 398, 399, 400, 401, 402, 403, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 450, 495, 500,
  501, 504, 505, 506, 507, 508, 509, 510, 512, 899, 900, 966, 967, 990, 995, 996, 1000, 1001, 1002, 1003, 1004, 1005,
  1006, 1008, 1009, 1010, 1028, 1029, 1030, 1035, 1040, 1041, 1050, 1060, 1070, 1071, 1072, 1073, 1080, 1085, 1091, 1500,
  2000, 2001, 2002, 2399, 2400, 2410, 2420, 2430, 2500, 2509, 2510, 2520, 2530, 2540, 2541, 2555, 2559, 2560, 2597, 2598,
  2599, 2600, 2700, 2800, 2900, 2980, 2990, 2999, 3000, 4000, 4010, 7999, 10000, 10900, 11000, 12000, 12009, 12010, 12011,
  12015, 21990, 21991, 22000, 22900, 22950, 23000,
]);

const APISIX = {
  "tier-limit": TIER_LIMIT_APISIX_PRIORITY,
  "feature-toggle": FEATURE_TOGGLE_APISIX_PRIORITY,
  "entitlement-check": ENTITLEMENT_CHECK_APISIX_PRIORITY,
  "kafka-usage": KAFKA_USAGE_APISIX_PRIORITY,
};

describe("plugin order", () => {
  it.each(Object.entries(APISIX))("APISIX: %s (%i) shares no bundled plugin's priority", (_name, priority) => {
    expect(APISIX_BUNDLED.has(priority)).toBe(false);
  });

  it("APISIX: tier-limit decides the tier before feature-toggle reads it, then entitlement-check; all before limit-count (1002)", () => {
    expect(TIER_LIMIT_APISIX_PRIORITY).toBeGreaterThan(FEATURE_TOGGLE_APISIX_PRIORITY);
    expect(FEATURE_TOGGLE_APISIX_PRIORITY).toBeGreaterThan(ENTITLEMENT_CHECK_APISIX_PRIORITY);
    expect(ENTITLEMENT_CHECK_APISIX_PRIORITY).toBeGreaterThan(1002);
  });

  it("Kong: below jwt (1450) and key-auth (1250) so the consumer is known; tier-limit before feature-toggle before entitlement-check", () => {
    expect(TIER_LIMIT_PRIORITY).toBeLessThan(1250);
    expect(TIER_LIMIT_PRIORITY).toBeGreaterThan(FEATURE_TOGGLE_PRIORITY);
    expect(FEATURE_TOGGLE_PRIORITY).toBeGreaterThan(ENTITLEMENT_CHECK_PRIORITY);
  });
});
