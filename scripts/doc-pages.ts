/**
 * The generated parts of docs/plugins/<name>.md (and README.md's examples), so a plugin's page cannot drift from
 * its schema or from the example configs the tests load:
 *
 *   <!-- fields:begin --> … <!-- fields:end -->
 *       the field reference, from the plugin's one schema (plugins/<name>/schema.ts);
 *   <!-- example:begin examples/<plugin>/<case>.kong.yml --> … <!-- example:end -->
 *       the example file (path relative to docs/), copied verbatim into a code block.
 *
 * README.md's example blocks (its quick starts) are rewritten the same way, with paths
 * relative to docs/ too. Everything outside the markers is hand-written and kept. scripts/build.ts calls
 * writePages(); tests/unit/doc-pages.test.ts checks that every page is what
 * renderPage() makes of it and that every example file is shown on a page.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sortedFieldNames, type FieldSpec, type RecordSpec } from "../plugins/core/schema.ts";
import { TIER_LIMIT_APISIX_PRIORITY, TIER_LIMIT_NAME, TIER_LIMIT_PRIORITY } from "../plugins/tier-limit/meta.ts";
import { tierLimitSchema } from "../plugins/tier-limit/schema.ts";
import { ENTITLEMENT_CHECK_APISIX_PRIORITY, ENTITLEMENT_CHECK_NAME, ENTITLEMENT_CHECK_PRIORITY } from "../plugins/entitlement-check/meta.ts";
import { entitlementCheckSchema } from "../plugins/entitlement-check/schema.ts";
import { FEATURE_TOGGLE_APISIX_PRIORITY, FEATURE_TOGGLE_NAME, FEATURE_TOGGLE_PRIORITY } from "../plugins/feature-toggle/meta.ts";
import { featureToggleSchema } from "../plugins/feature-toggle/schema.ts";
import { KAFKA_USAGE_APISIX_PRIORITY, KAFKA_USAGE_NAME, KAFKA_USAGE_PRIORITY } from "../plugins/kafka-usage/meta.ts";
import { kafkaUsageSchema } from "../plugins/kafka-usage/schema.ts";

export const DOCS_DIR = join(import.meta.dirname, "..", "docs");

export interface PluginDoc {
  name: string;
  spec: RecordSpec;
  kongPriority: number;
  apisixPriority: number;
}

export const PLUGIN_DOCS: PluginDoc[] = [
  { name: TIER_LIMIT_NAME, spec: tierLimitSchema, kongPriority: TIER_LIMIT_PRIORITY, apisixPriority: TIER_LIMIT_APISIX_PRIORITY },
  { name: ENTITLEMENT_CHECK_NAME, spec: entitlementCheckSchema, kongPriority: ENTITLEMENT_CHECK_PRIORITY, apisixPriority: ENTITLEMENT_CHECK_APISIX_PRIORITY },
  { name: FEATURE_TOGGLE_NAME, spec: featureToggleSchema, kongPriority: FEATURE_TOGGLE_PRIORITY, apisixPriority: FEATURE_TOGGLE_APISIX_PRIORITY },
  { name: KAFKA_USAGE_NAME, spec: kafkaUsageSchema, kongPriority: KAFKA_USAGE_PRIORITY, apisixPriority: KAFKA_USAGE_APISIX_PRIORITY },
];

export function pagePath(name: string): string {
  return join(DOCS_DIR, "plugins", `${name}.md`);
}

function typeOf(spec: FieldSpec): string {
  switch (spec.kind) {
    case "string":
      return spec.oneOf !== undefined ? spec.oneOf.map((v) => `\`${v}\``).join(" \\| ") : "string";
    case "integer":
    case "number": {
      const range = spec.min !== undefined || spec.max !== undefined ? ` ${spec.min ?? "…"}–${spec.max ?? "…"}` : "";
      return `${spec.kind}${range}`;
    }
    case "array":
      return `array of ${spec.elements.kind === "record" ? "record" : typeOf(spec.elements)}`;
    case "map":
      return `map of ${typeOf(spec.keys)} → ${spec.values.kind === "record" ? "record" : typeOf(spec.values)}`;
    default:
      return spec.kind;
  }
}

function defaultOf(field: FieldSpec): string {
  if (field.default !== undefined) return `\`${JSON.stringify(field.default)}\``;
  if (field.required !== true) return "";
  // The validator builds a required record it is not given from its fields' defaults.
  const builtFromDefaults = field.kind === "record" && Object.values(field.fields).every((f) => f.required !== true || f.default !== undefined);
  return builtFromDefaults ? "its fields' defaults" : "required";
}

/**
 * Said of every field that takes a secret reference (`referenceable` in the spec: Kong's
 * vault references, APISIX's $env:// and $secret://), explained in docs/CONFIGURATION.md.
 */
const SECRET_NOTE = "Takes a secret reference ([secrets](../CONFIGURATION.md#secrets)).";

function isReferenceable(field: FieldSpec): boolean {
  // Read loosely: `referenceable` is an optional attribute of string specs.
  return field.kind === "string" && (field as { referenceable?: boolean }).referenceable === true;
}

/** One table row per field, nested records, map values and list elements after their parent. */
function rows(spec: RecordSpec, path: string): string[] {
  const out: string[] = [];
  for (const name of sortedFieldNames(spec)) {
    const field = spec.fields[name]!;
    const fieldPath = path === "" ? name : `${path}.${name}`;
    // A `|` inside a description would end the table cell.
    const description = field.description.replace(/\|/g, "\\|") + (isReferenceable(field) ? ` ${SECRET_NOTE}` : "");
    out.push(`| \`${fieldPath}\` | ${typeOf(field)} | ${defaultOf(field)} | ${description} |`);
    if (field.kind === "record") out.push(...rows(field, fieldPath));
    if (field.kind === "map" && field.values.kind === "record") {
      out.push(...rows(field.values, `${fieldPath}.<${field.keys.description.replace(/\.$/, "").toLowerCase()}>`));
    }
    // List positions are written as Kong and the validator write them: flags.1.name.
    if (field.kind === "array" && field.elements.kind === "record") out.push(...rows(field.elements, `${fieldPath}.<n>`));
  }
  return out;
}

export function fieldReference(plugin: PluginDoc): string {
  return `Generated by \`make build\` from [plugins/${plugin.name}/schema.ts](../../plugins/${plugin.name}/schema.ts).
Kong priority ${plugin.kongPriority} · APISIX priority ${plugin.apisixPriority}.

| field | type | default | description |
|---|---|---|---|
${rows(plugin.spec, "").join("\n")}`;
}

const FIELDS = /(<!-- fields:begin -->\n)(?:[\s\S]*?\n)??(<!-- fields:end -->)/;
const EXAMPLE = /(<!-- example:begin (\S+) -->\n)(?:[\s\S]*?\n)??(<!-- example:end -->)/g;

/** The example files a page shows, relative to docs/. */
export function examplesOf(page: string): string[] {
  return [...page.matchAll(EXAMPLE)].map((m) => m[2]!);
}

/** `text` with every example block rewritten from its file. */
export function renderExamples(text: string, readExample: (path: string) => string): string {
  return text.replace(EXAMPLE, (_all, begin: string, path: string, end: string) => {
    const example = readExample(path).replace(/\n$/, "");
    return `${begin}\`\`\`yaml\n${example}\n\`\`\`\n${end}`;
  });
}

/** `page` with its generated parts rewritten; throws when the fields block is missing. */
export function renderPage(plugin: PluginDoc, page: string, readExample: (path: string) => string): string {
  if (!FIELDS.test(page)) throw new Error(`docs/plugins/${plugin.name}.md has no <!-- fields:begin --> … <!-- fields:end --> block`);
  const withFields = page.replace(FIELDS, (_all, begin: string, end: string) => `${begin}${fieldReference(plugin)}\n${end}`);
  return renderExamples(withFields, readExample);
}

export function readDocsFile(path: string): string {
  return readFileSync(join(DOCS_DIR, path), "utf8");
}

/** README.md, whose quick starts show example files too. */
export const README_PATH = join(DOCS_DIR, "..", "README.md");

function rewrite(path: string, render: (text: string) => string): void {
  const text = readFileSync(path, "utf8");
  const rendered = render(text);
  if (rendered !== text) writeFileSync(path, rendered);
}

/** Rewrites the generated parts of every plugin page and README.md (run by scripts/build.ts). */
export function writePages(): void {
  for (const plugin of PLUGIN_DOCS) rewrite(pagePath(plugin.name), (page) => renderPage(plugin, page, readDocsFile));
  rewrite(README_PATH, (text) => renderExamples(text, readDocsFile));
}
