/**
 * tollgate's config validator: checks a value against a schema spec, fills in
 * defaults in place (as Kong and APISIX do), and reports the first problem as
 * "<path>: <what is wrong>" so an operator sees which field to fix.
 *
 * Every host runs it when a plugin config is loaded (Kong: a custom entity check in
 * schema.lua; APISIX: check_schema; kong-pdk: first use), and the test vectors run
 * it in Node and in LuaJIT, so a config is accepted or rejected the same way
 * everywhere.
 */
import { sortedFieldNames, type FieldSpec, type RecordSpec } from "./schema";
import { isInteger, isList, isNull, isObject } from "./values";

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
function checkValue(spec: FieldSpec, value: unknown, path: string): string | undefined {
  switch (spec.kind) {
    case "string": {
      if (typeof value !== "string") return `${path}: expected a string`;
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
        const problem = checkValue(spec.elements, item, itemPath);
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
        const keyProblem = checkValue(spec.keys, key, join(path, key));
        if (keyProblem !== undefined) return keyProblem;
        const problem = checkField(spec.values, value, key, join(path, key));
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    case "record":
      return checkRecord(spec, value, path);
  }
}

/**
 * Validates `container[key]` against `spec`: fills the default when absent, reports a
 * missing required field, otherwise checks the value.
 */
function checkField(spec: FieldSpec, bag: { [key: string]: unknown }, key: string, path: string): string | undefined {
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
      return checkRecord(spec, built, path);
    }
    if (spec.required === true) return `${path}: required field missing`;
    bag[key] = undefined;
    return undefined;
  }
  return checkValue(spec, value, path);
}

function checkRecord(spec: RecordSpec, value: unknown, path: string): string | undefined {
  if (!isObject(value)) return `${path}: expected a record`;
  const unknown: string[] = [];
  for (const name in value) {
    if (spec.fields[name] === undefined && !isNull(value[name])) unknown.push(name);
  }
  if (unknown.length > 0) {
    unknown.sort();
    return `${join(path, unknown[0]!)}: unknown field`;
  }
  for (const name of sortedFieldNames(spec)) {
    const problem = checkField(spec.fields[name]!, value, name, join(path, name));
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
 * paths rooted at `root` (Kong and the README call it "config").
 */
export function validateConfig(spec: RecordSpec, config: unknown, root = "config"): string | undefined {
  return checkRecord(spec, config, root);
}
