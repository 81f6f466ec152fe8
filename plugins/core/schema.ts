/**
 * The schema DSL: each plugin declares its configuration once, with these builders.
 *
 * From one declaration come (see the converters next to this file):
 *   - Kong's `schema.lua` fields            (kong-schema.ts)
 *   - APISIX's JSON schema                   (json-schema.ts)
 *   - kong-pdk's `Schema` for the JS server  (kong-schema.ts, same fields)
 *   - the TypeScript config type             (`Infer<typeof schema>`, below)
 *   - tollgate's own validator, which runs in every host and names the failing field
 *     (validate.ts)
 *
 * A spec is plain data (no functions except a record's optional `check`), so it
 * compiles to a plain Lua table and can be walked the same way in both runtimes.
 * Record fields are kept in an object; converters and the validator visit them in
 * sorted key order so both runtimes produce the same output.
 */

interface Common<T> {
  /** One sentence for the README's configuration reference and the JSON schema. */
  readonly description: string;
  readonly required?: boolean;
  readonly default?: T;
}

export interface StringSpec extends Common<string> {
  readonly kind: "string";
  readonly oneOf?: readonly string[];
  readonly minLength?: number;
  /**
   * A secret (token, password, key) that may be given as a reference the gateway
   * resolves instead of as plain text: Kong's vault references (`{vault://env/NAME}`,
   * emitted as Kong's `referenceable = true`), APISIX's `$env://NAME` and
   * `$secret://…`. The validator lets a reference through here (and only here, see
   * validate.ts); the plugin sees the resolved value.
   */
  readonly referenceable?: boolean;
}

export interface IntegerSpec extends Common<number> {
  readonly kind: "integer";
  readonly min?: number;
  readonly max?: number;
}

export interface NumberSpec extends Common<number> {
  readonly kind: "number";
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanSpec extends Common<boolean> {
  readonly kind: "boolean";
}

export interface ArraySpec extends Common<readonly unknown[]> {
  readonly kind: "array";
  readonly elements: FieldSpec;
  readonly minLength?: number;
}

export interface MapSpec extends Common<{ readonly [key: string]: unknown }> {
  readonly kind: "map";
  readonly keys: StringSpec;
  readonly values: FieldSpec;
}

/**
 * A cross-field rule of a record, run after its fields validated and defaults were
 * filled in. Returns an error message, or undefined when the record is fine. The
 * message may start with a field name ("limits.GET: …"); the validator prefixes the
 * record's own path.
 */
export type RecordCheck = (this: void, record: { [key: string]: unknown }) => string | undefined;

export interface RecordSpec extends Common<{ readonly [key: string]: unknown }> {
  readonly kind: "record";
  readonly fields: { readonly [name: string]: FieldSpec };
  readonly check?: RecordCheck;
}

export type FieldSpec = StringSpec | IntegerSpec | NumberSpec | BooleanSpec | ArraySpec | MapSpec | RecordSpec;

type Options<S> = Omit<S, "kind">;

export function string<const O extends Options<StringSpec>>(options: O): O & { readonly kind: "string" } {
  return { ...options, kind: "string" };
}
export function integer<const O extends Options<IntegerSpec>>(options: O): O & { readonly kind: "integer" } {
  return { ...options, kind: "integer" };
}
export function number<const O extends Options<NumberSpec>>(options: O): O & { readonly kind: "number" } {
  return { ...options, kind: "number" };
}
export function boolean<const O extends Options<BooleanSpec>>(options: O): O & { readonly kind: "boolean" } {
  return { ...options, kind: "boolean" };
}
export function array<const O extends Options<ArraySpec>>(options: O): O & { readonly kind: "array" } {
  return { ...options, kind: "array" };
}
export function map<const O extends Options<MapSpec>>(options: O): O & { readonly kind: "map" } {
  return { ...options, kind: "map" };
}
export function record<const O extends Options<RecordSpec>>(options: O): O & { readonly kind: "record" } {
  return { ...options, kind: "record" };
}

// ---- the TypeScript config type, inferred from a spec ----

type HasValue<S> = S extends { readonly required: true } ? true : S extends { readonly default: unknown } ? true : false;

type InferRecord<F> = {
  -readonly [K in keyof F as HasValue<F[K]> extends true ? K : never]: Infer<F[K]>;
} & {
  -readonly [K in keyof F as HasValue<F[K]> extends true ? never : K]?: Infer<F[K]>;
};

/** The type of a value that passed validation against spec S (defaults filled in). */
export type Infer<S> = S extends { readonly kind: "string"; readonly oneOf: readonly (infer U)[] }
  ? U
  : S extends { readonly kind: "string" }
    ? string
    : S extends { readonly kind: "integer" | "number" }
      ? number
      : S extends { readonly kind: "boolean" }
        ? boolean
        : S extends { readonly kind: "array"; readonly elements: infer E }
          ? Infer<E>[]
          : S extends { readonly kind: "map"; readonly values: infer V }
            ? { [key: string]: Infer<V> }
            : S extends { readonly kind: "record"; readonly fields: infer F }
              ? InferRecord<F>
              : never;

/** Field names of a record spec, sorted: the one order every converter uses. */
export function sortedFieldNames(spec: RecordSpec): string[] {
  const names: string[] = [];
  for (const name in spec.fields) names.push(name);
  names.sort();
  return names;
}
