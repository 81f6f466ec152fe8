/**
 * tollgate's config validator: checks a value against a schema spec, fills in
 * defaults in place (as Kong and APISIX do), and reports the first problem as
 * "<path>: <what is wrong>" so an operator sees which field to fix.
 *
 * Every host runs it when a plugin config is loaded (Kong: a custom entity check in
 * schema.lua; APISIX: check_schema; kong-pdk: first use), and the test vectors run
 * it in Node and in LuaJIT, so a config is accepted or rejected the same way
 * everywhere. What each gateway adds to a config is given by ValidateOptions: its
 * secret references (checked once resolved, by the gateway, not here) and keys it
 * owns (APISIX's `_meta`).
 */
import { isReference, misplacedReference, type ReferenceSyntax } from "./references";
import { sortedFieldNames, type FieldSpec, type RecordSpec } from "./schema";
import { isInteger, isList, isNull, isObject } from "./values";

/** How a host runs the validator (all optional: the defaults suit the vectors and kong-pdk). */
export interface ValidateOptions {
  /** Root of the paths in messages; Kong and the README call it "config". */
  readonly root?: string;
  /**
   * The gateway whose secret references the config may hold (see references.ts):
   * referenceable fields accept one without further checks, the others refuse it.
   * Unset (kong-pdk: Kong has resolved them before the plugin server sees the
   * config), a reference is an ordinary string.
   */
  readonly references?: ReferenceSyntax;
  /**
   * Top-level keys the gateway owns and checks itself (APISIX's `_meta`): neither
   * refused as unknown nor looked at.
   */
  readonly gatewayKeys?: readonly string[];
  /**
   * Keys the gateway adds to any record of the config, left alone like gatewayKeys:
   * Kong 3.x keeps the references it resolved in a record's `$refs`
   * (kong/db/schema/init.lua process_auto_fields), which kong-pdk's plugin server
   * receives with the config.
   */
  readonly recordKeys?: readonly string[];
}

/** What every step of one validation needs besides the value at hand. */
interface Context {
  readonly spec: RecordSpec;
  readonly references: ReferenceSyntax | undefined;
  readonly recordKeys: readonly string[] | undefined;
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

/** A copy of a default, so filling a default never shares a table between configs. */
function copyDefault(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) out.push(copyDefault(item));
    return out;
  }
  const out: { [key: string]: unknown } = {};
  for (const key in value as { [key: string]: unknown }) {
    out[key] = copyDefault((value as { [key: string]: unknown })[key]);
  }
  return out;
}

function checkNumber(spec: { min?: number; max?: number }, value: number): string | undefined {
  if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
  if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
  return undefined;
}

/** Validates one field's (present) value; returns "<path>: <message>" or undefined. */
function checkValue(spec: FieldSpec, value: unknown, path: string, ctx: Context): string | undefined {
  switch (spec.kind) {
    case "string": {
      if (typeof value !== "string") return `${path}: expected a string`;
      if (ctx.references !== undefined && isReference(value, ctx.references)) {
        // As Kong and APISIX do: a reference is checked once resolved, not before.
        return spec.referenceable === true ? undefined : `${path}: ${misplacedReference(ctx.spec, ctx.references)}`;
      }
      if (spec.minLength !== undefined && value.length < spec.minLength) {
        return `${path}: length must be at least ${spec.minLength}`;
      }
      if (spec.oneOf !== undefined) {
        for (const allowed of spec.oneOf) if (allowed === value) return undefined;
        return `${path}: expected one of: ${spec.oneOf.join(", ")}`;
      }
      return undefined;
    }
    case "integer": {
      if (!isInteger(value)) return `${path}: expected an integer`;
      const problem = checkNumber(spec, value);
      return problem === undefined ? undefined : `${path}: ${problem}`;
    }
    case "number": {
      if (typeof value !== "number") return `${path}: expected a number`;
      const problem = checkNumber(spec, value);
      return problem === undefined ? undefined : `${path}: ${problem}`;
    }
    case "boolean":
      return typeof value === "boolean" ? undefined : `${path}: expected a boolean`;
    case "array": {
      if (!isList(value)) return `${path}: expected an array`;
      if (spec.minLength !== undefined && value.length < spec.minLength) {
        return `${path}: must have at least ${spec.minLength} element(s)`;
      }
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) {
        const itemPath = `${path}.${i + 1}`;
        const item = items[i];
        if (isNull(item)) return `${itemPath}: null element`;
        const problem = checkValue(spec.elements, item, itemPath, ctx);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "map": {
      if (!isObject(value)) return `${path}: expected a map`;
      const keys: string[] = [];
      for (const key in value) keys.push(key);
      keys.sort();
      for (const key of keys) {
        const keyProblem = checkValue(spec.keys, key, join(path, key), ctx);
        if (keyProblem !== undefined) return keyProblem;
        const problem = checkField(spec.values, value, key, join(path, key), ctx);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "record":
      return checkRecord(spec, value, path, ctx, undefined);
  }
}

/**
 * Validates `container[key]` against `spec`: fills the default when absent, reports a
 * missing required field, otherwise checks the value.
 */
function checkField(spec: FieldSpec, bag: { [key: string]: unknown }, key: string, path: string, ctx: Context): string | undefined {
  const value = bag[key];
  if (isNull(value)) {
    if (spec.default !== undefined) {
      bag[key] = copyDefault(spec.default);
      return undefined;
    }
    if (spec.kind === "record" && spec.required === true) {
      // A required record with no value is built from its fields' defaults.
      const built: { [name: string]: unknown } = {};
      bag[key] = built;
      return checkRecord(spec, built, path, ctx, undefined);
    }
    if (spec.required === true) return `${path}: required field missing`;
    bag[key] = undefined;
    return undefined;
  }
  return checkValue(spec, value, path, ctx);
}

function isOneOf(name: string, names: readonly string[] | undefined): boolean {
  if (names === undefined) return false;
  for (const candidate of names) if (candidate === name) return true;
  return false;
}

function checkRecord(
  spec: RecordSpec,
  value: unknown,
  path: string,
  ctx: Context,
  gatewayKeys: readonly string[] | undefined,
): string | undefined {
  if (!isObject(value)) return `${path}: expected a record`;
  const unknown: string[] = [];
  for (const name in value) {
    if (spec.fields[name] === undefined && !isNull(value[name]) && !isOneOf(name, gatewayKeys) && !isOneOf(name, ctx.recordKeys)) {
      unknown.push(name);
    }
  }
  if (unknown.length > 0) {
    unknown.sort();
    return `${join(path, unknown[0]!)}: unknown field`;
  }
  for (const name of sortedFieldNames(spec)) {
    const problem = checkField(spec.fields[name]!, value, name, join(path, name), ctx);
    if (problem !== undefined) return problem;
  }
  if (spec.check !== undefined) {
    const problem = spec.check(value);
    if (problem !== undefined) return path === "" ? problem : `${path}.${problem}`;
  }
  return undefined;
}

/**
 * Checks `config` (a table/object) against a plugin's record spec, filling defaults
 * in place. Returns undefined when valid, else one message naming the field, with
 * paths rooted at `options.root` ("config" unless told).
 */
export function validateConfig(spec: RecordSpec, config: unknown, options?: ValidateOptions): string | undefined {
  const ctx: Context = { spec, references: options?.references, recordKeys: options?.recordKeys };
  return checkRecord(spec, config, options?.root ?? "config", ctx, options?.gatewayKeys);
}
