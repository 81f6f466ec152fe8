/**
 * kong-pdk's tier-limit refuses `thresholds` at configuration, with the reason, rather
 * than accepting a config whose events it would never emit.
 */
import { describe, expect, it } from "vitest";
import { Plugin } from "../../plugins/tier-limit/kong-js.ts";

const tiers = { free: { limits: { GET: { month: 100 } } } };

describe("tier-limit on kong-pdk: thresholds", () => {
  it("a config with thresholds is refused, naming the field and why", () => {
    expect(() => new Plugin({ tiers, thresholds: [80, 100] })).toThrow(/thresholds: threshold events are not supported on kong-pdk/);
  });
  it("the same config without thresholds is accepted", () => {
    expect(() => new Plugin({ tiers })).not.toThrow();
  });
});
