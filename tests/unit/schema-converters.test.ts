/**
 * The schema spec's derived forms agree with tollgate's validator: APISIX's JSON
 * schema (checked here with ajv, a draft-7 validator) and Kong's fields.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { toJsonSchema } from "../../plugins/core/json-schema.ts";
import { toKongFields, UNBOUNDED } from "../../plugins/core/kong-schema.ts";
import { array, integer, map, record, string } from "../../plugins/core/schema.ts";
import { featureToggleSchema } from "../../plugins/feature-toggle/schema.ts";
import { kafkaUsageSchema } from "../../plugins/kafka-usage/schema.ts";
import { validateConfig } from "../../plugins/core/validate.ts";
import { tierLimitSchema } from "../../plugins/tier-limit/schema.ts";

interface ConfigCase {
  name: string;
  args: [unknown, unknown];
  expect: string | null;
}
const configCases = (
  JSON.parse(readFileSync(join(import.meta.dirname, "../vectors/tier-limit-config.json"), "utf8")) as {
    cases: ConfigCase[];
  }
).cases;

describe("JSON schema (APISIX) derived from the tier-limit spec", () => {
  const ajv = new Ajv({ useDefaults: true, strict: false });
  const check = ajv.compile(toJsonSchema(tierLimitSchema));

  for (const vector of configCases) {
    it(`agrees with the validator: ${vector.name}`, () => {
      const conf = structuredClone(vector.args[1]);
      const jsonSchemaAccepts = check(structuredClone(conf));
      const problem = validateConfig(tierLimitSchema, conf);
      // JSON schema cannot express cross-field rules, so it may accept more, never less.
      if (jsonSchemaAccepts === false) expect(problem).toBeDefined();
      if (problem === undefined) expect(jsonSchemaAccepts).toBe(true);
    });
  }

  it("fills the same defaults as the validator", () => {
    const viaAjv: Record<string, unknown> = { tiers: { free: { limits: { GET: { minute: 1 } } } } };
    const viaValidator = structuredClone(viaAjv);
    expect(check(viaAjv)).toBe(true);
    expect(validateConfig(tierLimitSchema, viaValidator)).toBeUndefined();
    expect(viaAjv).toEqual(viaValidator);
  });
});

describe("Kong fields derived from a spec", () => {
  const spec = record({
    description: "t",
    fields: {
      name: string({ description: "n", required: true, oneOf: ["a", "b"] }),
      count: integer({ description: "c", min: 0 }),
      by: map({ description: "m", keys: string({ description: "k" }), values: integer({ description: "v", max: 9 }) }),
    },
  });

  it("lists fields in sorted order as one-key tables, with Kong's attribute names", () => {
    expect(toKongFields(spec)).toEqual([
      {
        by: { type: "map", keys: { type: "string" }, values: { type: "integer", between: [-UNBOUNDED, 9] } },
      },
      { count: { type: "integer", between: [0, UNBOUNDED] } },
      { name: { type: "string", required: true, one_of: ["a", "b"] } },
    ]);
  });

  it("emits no attribute Kong 2.8 would reject (no description)", () => {
    expect(JSON.stringify(toKongFields(tierLimitSchema))).not.toContain("description");
  });
});

/** The definition of `name` in a Kong fields list (an array of one-key tables). */
function kongField(fields: { [name: string]: Record<string, unknown> }[], name: string): Record<string, unknown> {
  const entry = fields.find((f) => name in f);
  if (entry === undefined) throw new Error(`no field ${name}`);
  return entry[name]!;
}

describe("Kong records: optional ones say required = false (make_records_required)", () => {
  const inner = record({ description: "i", fields: { name: string({ description: "n", required: true }) } });
  const spec = record({
    description: "t",
    fields: {
      optional: inner,
      needed: record({ description: "r", required: true, fields: {} }),
      list: array({ description: "a", elements: inner }),
      byName: map({ description: "m", keys: string({ description: "k" }), values: inner }),
    },
  });
  const fields = toKongFields(spec) as { [name: string]: Record<string, unknown> }[];

  it("a record field without required gets required = false, a required one required = true", () => {
    expect(kongField(fields, "optional")["required"]).toBe(false);
    expect(kongField(fields, "needed")["required"]).toBe(true);
  });

  it("records as array elements or map values get no required (Kong's rule walks record fields only)", () => {
    expect(kongField(fields, "list")["elements"]).not.toHaveProperty("required");
    expect(kongField(fields, "byName")["values"]).not.toHaveProperty("required");
  });

  it("the records stock Kong refused in kong.yml are optional: feature-toggle unleash, kafka-usage kafka.sasl", () => {
    const unleash = kongField(toKongFields(featureToggleSchema) as never, "unleash");
    expect(unleash["required"]).toBe(false);
    const kafka = kongField(toKongFields(kafkaUsageSchema) as never, "kafka");
    expect(kafka["required"]).toBe(true);
    expect(kongField(kafka["fields"] as never, "sasl")["required"]).toBe(false);
  });
});

describe("Kong referenceable fields", () => {
  it("a referenceable string is emitted with referenceable = true, others without", () => {
    const spec = record({
      description: "t",
      fields: { secret: string({ description: "s", referenceable: true }), plain: string({ description: "p" }) },
    });
    const fields = toKongFields(spec) as { [name: string]: Record<string, unknown> }[];
    expect(kongField(fields, "secret")["referenceable"]).toBe(true);
    expect(kongField(fields, "plain")).not.toHaveProperty("referenceable");
  });

  it("the secrets of kafka-usage are referenceable", () => {
    const kafka = kongField(toKongFields(kafkaUsageSchema) as never, "kafka");
    const sasl = kongField(kafka["fields"] as never, "sasl");
    expect(kongField(sasl["fields"] as never, "password")["referenceable"]).toBe(true);
    expect(kongField(kafka["fields"] as never, "topic")).not.toHaveProperty("referenceable");
  });
});
