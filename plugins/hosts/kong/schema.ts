/**
 * Kong plugin schemas at runtime. lua-out/kong/plugins/<name>/schema.lua is a literal
 * table written by the build (scripts/kong-schema-literal.ts) so a user can read the
 * fields; its entity checks come from `kongEntityChecks` here, which runs tollgate's
 * validator so cross-field rules are enforced with the same messages as in every
 * other host. `kongPluginSchema` builds the whole schema the same way at runtime:
 * tests/lua/kong_schema_literal_spec.lua checks the literal tables equal it.
 */
import typedefs = require("kong.db.schema.typedefs");
import type { RecordSpec } from "../../core/schema";
import { validateConfig, type ValidateOptions } from "../../core/validate";
import { kongSchemaShape } from "./schema-shape";

/**
 * Kong runs entity checks on the config as given, before it resolves vault references
 * (that happens when the config is read: kong/db/schema/init.lua process_auto_fields,
 * "select"), so referenceable fields may hold `{vault://…}` here.
 */
const KONG_VALIDATION: ValidateOptions = { references: "kong" };

export function kongEntityChecks(spec: RecordSpec): object[] {
  return [
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
  ];
}

export function kongPluginSchema(name: string, spec: RecordSpec): object {
  return kongSchemaShape(name, spec, {
    noConsumer: typedefs.no_consumer,
    protocols: typedefs.protocols_http,
    entityChecks: kongEntityChecks(spec),
  });
}
