/**
 * The official Unleash client specification (npm @unleash/client-specification)
 * against feature-toggle's evaluation engine in TypeScript. Its twin,
 * tests/lua/feature_toggle_spec_spec.lua, runs the same files against lua-out/.
 * Skipped specs and the reasons are listed in README.md ("feature-toggle conformance")
 * and in SKIPPED below; nothing else is left out.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyDeltaEvents, evaluate, prepareFlags, type DeltaEvent, type FlagContext, type FlagState } from "../../plugins/feature-toggle/evaluate.ts";
import { nodeRegexMatcher } from "../../plugins/feature-toggle/kong-js.ts";

const require = createRequire(import.meta.url);
const SPEC_DIR = join(dirname(require.resolve("@unleash/client-specification/package.json")), "specifications");

/** Spec files left out, with the reason (also in README.md). */
export const SKIPPED: { [file: string]: string } = {};

interface SpecTest {
  description: string;
  context: FlagContext;
  toggleName: string;
  expectedResult: unknown;
}
interface Spec {
  name: string;
  state: FlagState & { events?: DeltaEvent[] };
  tests?: SpecTest[];
  variantTests?: SpecTest[];
}

const index = JSON.parse(readFileSync(join(SPEC_DIR, "index.json"), "utf8")) as string[];
// A fixed clock: no spec depends on the wall clock except through context.currentTime.
// Every case is evaluated with the random source at both ends of its range, so a
// case cannot pass by the luck of a random draw.
const now = Date.parse("2024-01-01T00:00:00Z") / 1000;
const capsLow = { now, regex: nodeRegexMatcher, random: () => 0 };
const capsHigh = { now, regex: nodeRegexMatcher, random: () => 0.99999 };

describe("Unleash client specification (TypeScript)", () => {
  it("has every spec file of the package either run or listed as skipped", () => {
    expect(index.length).toBeGreaterThanOrEqual(22);
  });
  for (const file of index) {
    const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), "utf8")) as Spec;
    const skip = SKIPPED[file];
    describe.skipIf(skip !== undefined)(`${file}: ${spec.name}`, () => {
      // Specs 19 and 20 give delta-API events instead of a state.
      const state = spec.state.events !== undefined ? applyDeltaEvents({ features: [] }, spec.state.events) : spec.state;
      const flags = prepareFlags(state);
      for (const test of spec.tests ?? []) {
        it(test.description, () => {
          expect(evaluate(flags, test.toggleName, test.context, capsLow).enabled).toBe(test.expectedResult);
          expect(evaluate(flags, test.toggleName, test.context, capsHigh).enabled).toBe(test.expectedResult);
        });
      }
      for (const test of spec.variantTests ?? []) {
        it(`variant: ${test.description}`, () => {
          for (const caps of [capsLow, capsHigh]) {
            const { variant } = evaluate(flags, test.toggleName, test.context, caps);
            expect(JSON.parse(JSON.stringify(variant))).toEqual(test.expectedResult);
          }
        });
      }
    });
  }
});
