/**
 * kong-pdk's entitlement-check has no fleet-wide invalidation: a config asking for it
 * is refused, naming the field, by the schema Kong validates with and by the plugin.
 */
import { describe, expect, it } from "vitest";
import { Plugin, Schema } from "../../plugins/entitlement-check/kong-js.ts";

describe("entitlement-check on kong-pdk: invalidation", () => {
  it("refuses invalidation: redis, naming the field", () => {
    expect(() => new Plugin({ plans: { free: {} }, invalidation: "redis", redis: { host: "127.0.0.1" } })).toThrow(/config\.invalidation: expected one of: node/);
  });

  it("the schema Kong validates with takes node only", () => {
    // The config record's fields, as Kong takes them: a list of one-key records.
    const fields = Schema as unknown as Record<string, { one_of?: string[] }>[];
    const field = fields.find((f) => f["invalidation"] !== undefined)?.["invalidation"];
    expect(field?.one_of).toEqual(["node"]);
  });

  it("accepts the default (per node)", () => {
    expect(() => new Plugin({ plans: { free: {} } })).not.toThrow();
  });
});
