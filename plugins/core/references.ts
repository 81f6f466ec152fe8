/**
 * Secret references in plugin configs: the forms each gateway resolves on its own, so
 * tollgate's validator can let them through in the fields that take secrets
 * (`referenceable` in the schema DSL) and refuse them, naming those fields, anywhere
 * else. Pure string checks, the same in Node and LuaJIT.
 */
import { sortedFieldNames, type FieldSpec, type RecordSpec } from "./schema";

/** Which gateway's reference syntax the config is checked under. */
export type ReferenceSyntax = "kong" | "apisix";

const KONG_PREFIX = "{vault://";
const APISIX_SECRET_PREFIX = "$secret://";
const APISIX_ENV_PREFIX = "$ENV://";

/**
 * Kong's vault reference: `{vault://` … `}` (kong/pdk/vault.lua is_reference, the same
 * in 2.8.5 and 3.9.3). Kong skips a referenceable field's validators for it
 * (kong/db/schema/init.lua validate_field) and resolves it when the config is read.
 */
export function isKongReference(value: string): boolean {
  return value.startsWith(KONG_PREFIX) && value.endsWith("}");
}

/**
 * APISIX's secret reference: `$secret://…`, or `$env://…` in any letter case
 * (apisix/secret.lua is_secret_ref, 3.18.0). core.schema.check skips a string schema
 * for it, and apisix/plugin.lua resolves it before the plugin's phases run.
 */
export function isApisixReference(value: string): boolean {
  return value.startsWith(APISIX_SECRET_PREFIX) || value.slice(0, APISIX_ENV_PREFIX.length).toUpperCase() === APISIX_ENV_PREFIX;
}

export function isReference(value: string, syntax: ReferenceSyntax): boolean {
  return syntax === "kong" ? isKongReference(value) : isApisixReference(value);
}

function collect(spec: FieldSpec, path: string, out: string[]): void {
  switch (spec.kind) {
    case "string":
      if (spec.referenceable === true) out.push(path);
      return;
    case "array":
      collect(spec.elements, `${path}[]`, out);
      return;
    case "map":
      collect(spec.values, `${path}.<key>`, out);
      return;
    case "record":
      for (const name of sortedFieldNames(spec)) collect(spec.fields[name]!, path === "" ? name : `${path}.${name}`, out);
      return;
    default:
      return;
  }
}

/** Paths of the fields that accept a reference, in the validator's order ("kafka.sasl.password", …). */
export function referenceableFields(spec: RecordSpec): string[] {
  const out: string[] = [];
  collect(spec, "", out);
  return out;
}

/** The validator's message for a reference where the field does not take one. */
export function misplacedReference(spec: RecordSpec, syntax: ReferenceSyntax): string {
  const what = syntax === "kong" ? "a vault reference ({vault://…})" : "a secret reference ($env://…, $secret://…)";
  const fields = referenceableFields(spec);
  if (fields.length === 0) return `${what} is not accepted in this plugin's config`;
  return `${what} is accepted only in ${fields.join(", ")}`;
}
