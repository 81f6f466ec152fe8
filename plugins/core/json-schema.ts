/**
 * Spec → JSON Schema (draft 7 subset), the form APISIX's `core.schema.check`
 * validates a plugin's `schema` with. Records are closed (`additionalProperties:
 * false`) like the validator; maps become objects whose values all share one schema.
 */
import { sortedFieldNames, type FieldSpec } from "./schema";

export type JsonSchema = { [keyword: string]: unknown };

export function toJsonSchema(spec: FieldSpec): JsonSchema {
  const schema: JsonSchema = { description: spec.description };
  if (spec.default !== undefined) schema["default"] = spec.default;
  switch (spec.kind) {
    case "string":
      schema["type"] = "string";
      if (spec.oneOf !== undefined) schema["enum"] = spec.oneOf;
      if (spec.minLength !== undefined) schema["minLength"] = spec.minLength;
      break;
    case "integer":
    case "number":
      schema["type"] = spec.kind;
      if (spec.min !== undefined) schema["minimum"] = spec.min;
      if (spec.max !== undefined) schema["maximum"] = spec.max;
      break;
    case "boolean":
      schema["type"] = "boolean";
      break;
    case "array":
      schema["type"] = "array";
      schema["items"] = toJsonSchema(spec.elements);
      if (spec.minLength !== undefined) schema["minItems"] = spec.minLength;
      break;
    case "map":
      schema["type"] = "object";
      schema["additionalProperties"] = toJsonSchema(spec.values);
      break;
    case "record": {
      schema["type"] = "object";
      const properties: { [name: string]: JsonSchema } = {};
      const required: string[] = [];
      for (const name of sortedFieldNames(spec)) {
        const field = spec.fields[name]!;
        properties[name] = toJsonSchema(field);
        if (field.required === true && field.default === undefined) {
          // A required record is built from its fields' defaults when absent (as the
          // validator and Kong do); in JSON schema that is a default of {}.
          if (field.kind === "record") properties[name]!["default"] = {};
          else required.push(name);
        }
      }
      schema["properties"] = properties;
      if (required.length > 0) schema["required"] = required;
      schema["additionalProperties"] = false;
      break;
    }
  }
  return schema;
}
