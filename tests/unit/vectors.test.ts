/**
 * Runs tests/vectors/*.json against the TypeScript sources. The same files are run
 * against lua-out/ by tests/lua/vectors_spec.lua.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RecordSpec } from "../../plugins/core/schema.ts";
import { validateConfig } from "../../plugins/core/validate.ts";
import { NODE_WEBHOOK_PLATFORM } from "../../plugins/io/node/webhook-platform.ts";
// Zone files (tier-limit's timezone) are read with fs here, as the kong-pdk host does.
import "../../plugins/io/node/zoneinfo.ts";

const VECTORS_DIR = join(import.meta.dirname, "../vectors");
const PLUGINS_DIR = join(import.meta.dirname, "../../plugins");

interface VectorCase {
  name: string;
  function?: string;
  args: unknown[];
  expect: unknown;
  expectArgs?: unknown[];
}
interface VectorFile {
  description: string;
  function: string;
  cases: VectorCase[];
}

async function resolveExport(reference: string): Promise<unknown> {
  const [modulePath, exportName] = reference.split("#");
  if (modulePath === undefined || exportName === undefined) throw new Error(`bad reference '${reference}'`);
  const mod = (await import(join(PLUGINS_DIR, `${modulePath}.ts`))) as Record<string, unknown>;
  if (!(exportName in mod)) throw new Error(`${modulePath} has no export '${exportName}'`);
  return mod[exportName];
}

/** `{"$config": "<module>#<spec>", "value": {…}}`: the value validated against the spec, defaults filled in. */
async function validatedConfig(arg: { $config: string; value: unknown }): Promise<unknown> {
  const spec = (await resolveExport(arg.$config)) as RecordSpec;
  const config = structuredClone(arg.value);
  const problem = validateConfig(spec, config);
  if (problem !== undefined) throw new Error(`vector config is invalid: ${problem}`);
  return config;
}

/** `{"$platform": "webhook"}`: the runtime's own primitives (HMAC, JSON) that the hosts hand the pure code. */
function platform(name: string): unknown {
  if (name === "webhook") return NODE_WEBHOOK_PLATFORM;
  throw new Error(`unknown platform '${name}'`);
}

async function resolveArgs(args: unknown[]): Promise<unknown[]> {
  return Promise.all(
    args.map(async (arg) => {
      if (typeof arg === "object" && arg !== null && "$ref" in arg) return resolveExport(String(arg.$ref));
      if (typeof arg === "object" && arg !== null && "$platform" in arg) return platform(String(arg.$platform));
      if (typeof arg === "object" && arg !== null && "$config" in arg) return validatedConfig(arg as { $config: string; value: unknown });
      return structuredClone(arg);
    }),
  );
}

/** Drops keys whose value is null, recursively: "null" in a vector means "absent". */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

function roundTrip(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export function loadVectorFiles(dir: string): [string, VectorFile][] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(dir, name), "utf8")) as VectorFile]);
}

for (const [fileName, file] of loadVectorFiles(VECTORS_DIR)) {
  describe(`vectors/${fileName}: ${file.description}`, () => {
    for (const vector of file.cases) {
      it(vector.name, async () => {
        const fn = (await resolveExport(vector.function ?? file.function)) as (...args: unknown[]) => unknown;
        const args = await resolveArgs(vector.args);
        const result = fn(...args);
        expect(roundTrip(result)).toEqual(withoutNulls(vector.expect));
        vector.expectArgs?.forEach((expected, i) => {
          if (expected !== null) expect(roundTrip(args[i])).toEqual(withoutNulls(expected));
        });
      });
    }
  });
}
