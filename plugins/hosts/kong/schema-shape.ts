/**
 * The shape of a Kong plugin schema (what `kong.plugins.<name>.schema` returns): the
 * `config` record from a tollgate spec, next to Kong's `consumer` and `protocols`
 * fields and the entity checks. The parts that are Lua values at runtime (typedefs,
 * the validator's check function) come in as `parts`, so this runs in Node too:
 * scripts/kong-schema-literal.ts prints its result as the literal table of each
 * lua-out/kong/plugins/<name>/schema.lua, and ./schema.ts builds the same at runtime.
 */
import { toKongFields } from "../../core/kong-schema";
import type { RecordSpec } from "../../core/schema";

export interface KongSchemaParts<T> {
  readonly noConsumer: T;
  readonly protocols: T;
  readonly entityChecks: T;
}

export function kongSchemaShape<T>(name: string, spec: RecordSpec, parts: KongSchemaParts<T>): object {
  return {
    name,
    fields: [{ consumer: parts.noConsumer }, { protocols: parts.protocols }, { config: { type: "record", fields: toKongFields(spec) } }],
    entity_checks: parts.entityChecks,
  };
}
