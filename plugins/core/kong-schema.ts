/**
 * Spec → Kong schema fields (the `config` record of a plugin's schema.lua, and the
 * `Schema` that kong-pdk's plugin server reports to Kong).
 *
 * Only attributes that Kong 2.8 and 3.x both know are emitted (no `description`;
 * `referenceable` is in both metaschemas), so the same schema.lua loads in either.
 * Kong numbers take `between = {min, max}`; a one-sided bound is closed with
 * ±UNBOUNDED.
 *
 * Kong makes every `record` field of a plugin's schema required unless it says
 * `required = false` (kong/db/schema/entity.lua make_records_required, 2.8.5 and
 * 3.9.3, run by Entity.new_subschema on each plugin schema), and then builds an
 * absent required record from its defaults, so its own required subfields fail
 * ("required field missing"). The spec's optional records therefore say
 * `required = false`. That rule walks record fields only, never array elements or
 * map values (an element is never absent), so only record fields get it.
 */
import { sortedFieldNames, type FieldSpec, type RecordSpec } from "./schema";

/** Stands in for "no bound" on one side of Kong's `between` (exactly representable in a double). */
export const UNBOUNDED = 1e15;

/** A Kong field definition, as it appears inside `{ name = <definition> }`. */
export type KongField = { [attribute: string]: unknown };

export function toKongField(spec: FieldSpec): KongField {
  const field: KongField = { type: spec.kind };
  if (spec.required === true) field["required"] = true;
  if (spec.default !== undefined) field["default"] = spec.default;
  switch (spec.kind) {
    case "string":
      if (spec.oneOf !== undefined) field["one_of"] = spec.oneOf;
      if (spec.minLength !== undefined) field["len_min"] = spec.minLength;
      if (spec.referenceable === true) field["referenceable"] = true;
      break;
    case "integer":
    case "number":
      if (spec.min !== undefined || spec.max !== undefined) {
        field["between"] = [spec.min ?? -UNBOUNDED, spec.max ?? UNBOUNDED];
      }
      break;
    case "boolean":
      break;
    case "array":
      field["elements"] = toKongField(spec.elements);
      if (spec.minLength !== undefined) field["len_min"] = spec.minLength;
      break;
    case "map":
      field["keys"] = toKongField(spec.keys);
      field["values"] = toKongField(spec.values);
      break;
    case "record":
      field["fields"] = toKongFields(spec);
      break;
  }
  return field;
}

/** A record's fields as Kong lists them: an array of one-key tables, in sorted order. */
export function toKongFields(spec: RecordSpec): { [name: string]: KongField }[] {
  const fields: { [name: string]: KongField }[] = [];
  for (const name of sortedFieldNames(spec)) {
    const fieldSpec = spec.fields[name]!;
    const field = toKongField(fieldSpec);
    if (fieldSpec.kind === "record" && fieldSpec.required !== true) field["required"] = false;
    const entry: { [name: string]: KongField } = {};
    entry[name] = field;
    fields.push(entry);
  }
  return fields;
}
