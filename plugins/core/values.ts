/**
 * Plain-value helpers that behave the same under Node and LuaJIT.
 *
 * Config arrives from JSON (Node), from Kong's DAO or from APISIX's YAML loader (Lua).
 * Lua represents JSON null as a light userdata (`ngx.null` / `cjson.null`), which is
 * neither nil nor a table; `isNull` folds it, `undefined` and `null` into "absent".
 */

export type PlainObject = { [key: string]: unknown };

/** True for undefined, null and Lua's JSON-null sentinel. */
export function isNull(value: unknown): value is null | undefined {
  if (value === undefined || value === null) return true;
  const kind = typeof value;
  // In Lua the sentinel is a userdata: none of the JSON kinds below.
  return kind !== "object" && kind !== "string" && kind !== "number" && kind !== "boolean";
}

/**
 * An empty table / object. Lua cannot tell an empty array from an empty map (cjson
 * and YAML loaders give `{}` for both), so both runtimes accept an empty value as
 * either kind.
 */
export function isEmpty(value: object): boolean {
  for (const _key in value) return false;
  return true;
}

/** A map or record: Lua, any table that is not a non-empty array; Node, likewise. */
export function isObject(value: unknown): value is PlainObject {
  if (typeof value !== "object" || value === null) return false;
  return !Array.isArray(value) || isEmpty(value);
}

/** A list: a non-empty array, or an empty table / object (see isEmpty). */
export function isList(value: unknown): value is unknown[] {
  if (typeof value !== "object" || value === null) return false;
  return Array.isArray(value) || isEmpty(value);
}

/** A whole number (Lua has one number type, so this is a value check in both runtimes). */
export function isInteger(value: unknown): value is number {
  return typeof value === "number" && Math.floor(value) === value && value - value === 0;
}
