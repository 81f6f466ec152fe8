/**
 * Builds a Kong plugin schema (what `kong.plugins.<name>.schema` returns) from a
 * tollgate spec: the `config` record from the spec, plus an entity check that runs
 * tollgate's validator so cross-field rules are enforced with the same messages as
 * in every other host.
 */
import typedefs = require("kong.db.schema.typedefs");
import { toKongFields } from "../../core/kong-schema";
import type { RecordSpec } from "../../core/schema";
import { validateConfig, type ValidateOptions } from "../../core/validate";

/**
 * Kong runs entity checks on the config as given, before it resolves vault references
 * (that happens when the config is read: kong/db/schema/init.lua process_auto_fields,
 * "select"), so referenceable fields may hold `{vault://…}` here.
 */
const KONG_VALIDATION: ValidateOptions = { references: "kong" };

export function kongPluginSchema(name: string, spec: RecordSpec): object {
  return {
    name,
    fields: [
      { consumer: typedefs.no_consumer },
      { protocols: typedefs.protocols_http },
      { config: { type: "record", fields: toKongFields(spec) } },
    ],
    entity_checks: [
      {
        custom_entity_check: {
          field_sources: ["config"],
          fn: (entity: { config: unknown }): LuaMultiReturn<[true | undefined, string | undefined]> => {
            const problem = validateConfig(spec, entity.config, KONG_VALIDATION);
            if (problem !== undefined) return $multi(undefined, problem);
            return $multi(true, undefined);
          },
        },
      },
    ],
  };
}
