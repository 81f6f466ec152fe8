/**
 * docs/plugins/<name>.md are what the build makes of them: the field reference is the
 * plugin's schema and every example block is its file under docs/examples/ (which
 * tests/gateway/doc-examples.test.ts starts on both hosts), and so are README.md's
 * quick-start configs. A page edited by hand
 * between the markers, a schema changed without `make build`, or an example file that
 * no page shows fails here.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DOCS_DIR, examplesOf, pagePath, PLUGIN_DOCS, README_PATH, readDocsFile, renderExamples, renderPage } from "../../scripts/doc-pages.ts";

describe.each(PLUGIN_DOCS)("docs/plugins/$name.md", (plugin) => {
  const page = readFileSync(pagePath(plugin.name), "utf8");

  it("is what the build generates from the schema and the example files", () => {
    expect(renderPage(plugin, page, readDocsFile)).toBe(page);
  });

  it("shows a Kong and an APISIX example, and each one's file exists", () => {
    const shown = examplesOf(page);
    expect(shown.some((file) => file.endsWith(".kong.yml"))).toBe(true);
    expect(shown.some((file) => file.endsWith(".apisix.yaml"))).toBe(true);
    for (const file of shown) expect(existsSync(join(DOCS_DIR, file)), file).toBe(true);
  });

  it("names every field of the schema", () => {
    // A field added to the schema appears in the reference once `make build` ran.
    for (const field of Object.keys(plugin.spec.fields)) expect(page).toContain(`| \`${field}\` |`);
  });
});

describe("README.md", () => {
  const readme = readFileSync(README_PATH, "utf8");

  it("shows its quick-start configs as their files say", () => {
    expect(examplesOf(readme)).toEqual(["examples/quickstart.kong.yml", "examples/quickstart.apisix.yaml"]);
    expect(renderExamples(readme, readDocsFile)).toBe(readme);
  });

  it("stays under 200 lines", () => {
    expect(readme.split("\n").length).toBeLessThan(200);
  });
});

it("every file under docs/examples/ is shown on a plugin page or in README.md", () => {
  const pages = [...PLUGIN_DOCS.map((plugin) => pagePath(plugin.name)), README_PATH];
  const shown = new Set(pages.flatMap((page) => examplesOf(readFileSync(page, "utf8"))));
  const files = readdirSync(join(DOCS_DIR, "examples"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(DOCS_DIR.length + 1));
  expect(files.length).toBeGreaterThan(0);
  expect(files.filter((file) => !shown.has(file))).toEqual([]);
});
