/**
 * scripts/tstl-luajit-plugin.cjs changes how every file of lua-out/ is printed (flat
 * concatenation chains; switch statements as do-blocks with `goto` for their breaks).
 * These tests compile small programs with tstl and the plugin, run the Lua under LuaJIT
 * and the same TypeScript in Node, and require the same output: control flow that the
 * printer rewrites (breaks in switches inside loops, nested switches, fall-through,
 * continue) and concatenations of mixed strings and numbers.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../runtime/nginx.ts";

/** The program's printed lines in LuaJIT, through tstl and the plugin. */
function runInLuaJit(source: string): { lua: string; output: string } {
  const result = tstl.transpileString(`declare function print(this: void, ...args: unknown[]): void;\n${source}`, {
    luaTarget: tstl.LuaTarget.LuaJIT,
    noImplicitSelf: true,
    luaLibImport: tstl.LuaLibImportKind.Inline,
    noHeader: true,
    strict: true,
    target: ts.ScriptTarget.ESNext,
    luaPlugins: [{ name: join(REPO_ROOT, "scripts/tstl-luajit-plugin.cjs") }],
  });
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"));
  const lua = result.file!.lua!;
  return { lua, output: execFileSync("luajit", ["-e", lua], { encoding: "utf8" }) };
}

/** The same program's printed lines in Node. */
function runInNode(source: string): string {
  const lines: string[] = [];
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None } }).outputText;
  new Function("print", js)((...args: unknown[]) => lines.push(args.map(String).join("\t")));
  return lines.map((line) => `${line}\n`).join("");
}

const SWITCHES = `
function classify(n: number): string {
  let out = "";
  switch (n % 4) {
    case 0:
      out = "zero";
      break;
    case 1:
    case 2:
      out = "low";
      if (n > 8) break;
      out = out + "!";
      break;
    default:
      out = "other";
  }
  return out + ":" + n;
}
const seen: string[] = [];
for (let i = 0; i < 12; i++) {
  switch (i % 3) {
    case 0:
      continue;
    case 1:
      for (let j = 0; j < 5; j++) {
        if (j === 2) break;
        seen.push("j" + j);
      }
      break;
    default:
      switch (i) {
        case 5:
          seen.push("five");
          break;
        default:
          seen.push("n" + i);
      }
      seen.push("after-inner-" + i);
  }
  seen.push(classify(i));
}
for (let a = 0; a < 3; a++) {
  let b = 0;
  while (b < 4) {
    b++;
    switch (b) {
      case 2:
        continue;
      case 3:
        if (a === 1) break;
        seen.push("three");
        break;
      default:
        seen.push(a + "/" + b);
    }
    seen.push("end-" + b);
  }
}
print(seen.join(","));
`;

const CONCATENATIONS = `
const id = "c1";
const n = 17;
const half = 2.5;
print(\`tl:{\${"route:r"}:\${id}}:\${n}:\${half}:\${n + 1}\`);
print("a" + n + n + "b" + (n + n) + half);
print(\`\${n}\${n}\` + \`-\${"x".length}\`);
const parts = ["p", "q"];
print(parts[0] + "=" + (parts.length > 1 ? parts[1] + "!" : "none") + "." + (n > 3 && "big"));
`;

/**
 * Each test compiles with TypeScriptToLua (a TypeScript program, then the printer): about
 * 1 s on an idle core, over 7 s when both cores are busy, past vitest's default 5 s.
 */
const COMPILE_BUDGET_MS = 60_000;

describe("scripts/tstl-luajit-plugin.cjs", () => {
  it("switch statements print without a loop and keep their control flow (breaks, fall-through, continue, nested loops)", () => {
    const { lua, output } = runInLuaJit(SWITCHES);
    expect(lua).not.toMatch(/until true/);
    expect(lua).toMatch(/goto ____switch_end_\d+/);
    expect(output).toBe(runInNode(SWITCHES));
  }, COMPILE_BUDGET_MS);

  it("concatenation chains print as one chain and give the same strings as JavaScript", () => {
    const { lua, output } = runInLuaJit(CONCATENATIONS);
    expect(lua).not.toMatch(/\(\(/);
    expect(lua).toMatch(/"tl:\{" \.\. "route:r" \.\. ":" \.\. id \.\. "\}:"/);
    expect(output).toBe(runInNode(CONCATENATIONS));
  }, COMPILE_BUDGET_MS);
});
