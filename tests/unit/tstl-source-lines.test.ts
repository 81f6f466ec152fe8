/**
 * scripts/tstl-source-lines-plugin.cjs writes, as the first line of every function in
 * lua-out/, a comment with the TypeScript file and line it came from. An operator with
 * a Lua error ("lua-out/tollgate/x.lua:57: attempt to index …") goes up to the function
 * around line 57, and its comment names the .ts line. These tests check that every
 * function of lua-out has the comment, that it names the right TypeScript function, and
 * that errors raised in the plugins' request-path code lead back to the function that
 * raised them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";
import * as tstl from "typescript-to-lua";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../runtime/nginx.ts";

const LUA_OUT = join(REPO_ROOT, "lua-out");
const COMMENT = /^(\s*)-- (\S+\.ts):(\d+)$/;

function luaFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...luaFiles(path));
    else if (path.endsWith(".lua")) found.push(path);
  }
  return found.sort();
}

/** tstl's runtime library: not compiled from tollgate's TypeScript. */
const SHIPPED = luaFiles(LUA_OUT).filter((file) => !file.endsWith("lualib_bundle.lua"));

/** The lines (1-based) where each function of a Lua file is defined, from LuaJIT's bytecode listing. */
function functionLines(file: string): number[] {
  const listing = execFileSync("luajit", ["-bl", file], { encoding: "utf8", maxBuffer: 64 << 20 });
  return [...listing.matchAll(/^-- BYTECODE -- \S+:(\d+)-\d+$/gm)].map((m) => Number(m[1])).filter((line) => line > 0);
}

/** The name a Lua function header gives its function, if any ("function ____exports.decide(" → "decide"). */
function luaFunctionName(header: string): string | undefined {
  const named = /function\s+(?:[\w.]+[.:])?(\w+)\s*\(/.exec(header) ?? /(\w+)\s*=\s*function\s*\(/.exec(header);
  const name = named?.[1];
  // tstl renames a class constructor and escapes names that are Lua keywords.
  return name === "____constructor" ? "constructor" : name?.replace(/^____/, "");
}

interface Origin {
  tsFile: string;
  tsLine: number;
  tsText: string;
  luaHeader: string;
}

/** The comment under the function header at `headerLine` (1-based) of `lines`, and the .ts line it names. */
function originAt(lines: string[], headerLine: number): Origin | undefined {
  const comment = COMMENT.exec(lines[headerLine] ?? "");
  if (comment === null) return undefined;
  const tsFile = comment[2]!;
  const tsLine = Number(comment[3]);
  const tsPath = join(REPO_ROOT, tsFile);
  const tsText = existsSync(tsPath) ? (readFileSync(tsPath, "utf8").split("\n")[tsLine - 1] ?? "") : "";
  return { tsFile, tsLine, tsText, luaHeader: lines[headerLine - 1]! };
}

/** Does the TypeScript line declare the function the Lua header defines? */
function declaresSameFunction(origin: Origin): boolean {
  const name = luaFunctionName(origin.luaHeader);
  if (name === undefined) return /=>|function|\btry\b|\w\s*\(/.test(origin.tsText);
  return new RegExp(`\\b${name}\\b`).test(origin.tsText);
}

/**
 * The header of the innermost function around line `at` (1-based): going up, each line
 * indented less than everything below it opens a block that encloses `at` (tstl indents
 * regularly); the first of them that is a function header is the one.
 */
function enclosingFunctionLine(lines: string[], at: number): number {
  let indent = /^\s*/.exec(lines[at - 1]!)![0].length;
  for (let line = at - 1; line >= 1; line--) {
    const text = lines[line - 1]!;
    if (text.trim() === "") continue;
    const own = /^\s*/.exec(text)![0].length;
    if (own >= indent) continue;
    indent = own;
    if (/\bfunction\b[^(]*\([^)]*\)\s*$/.test(text)) return line;
  }
  throw new Error(`no function encloses line ${at}`);
}

describe("source-line comments in lua-out", () => {
  it("one-line and empty functions get the comment and still do the same", () => {
    const source = [
      "declare function print(this: void, ...args: unknown[]): void;",
      "const double = (x: number) => x * 2;",
      "const nothing = () => {};",
      "class Box { constructor(public v: number) {} get(): number { return this.v; } }",
      "print(double(21), nothing(), new Box(7).get(), [3, 1, 2].sort((a, b) => a - b).join(','));",
    ].join("\n");
    const result = tstl.transpileString(source, {
      luaTarget: tstl.LuaTarget.LuaJIT,
      luaLibImport: tstl.LuaLibImportKind.Inline,
      noHeader: true,
      strict: true,
      target: ts.ScriptTarget.ESNext,
      luaPlugins: [{ name: join(REPO_ROOT, "scripts/tstl-source-lines-plugin.cjs") }],
    });
    const lua = result.file!.lua!;
    const ours = lua.slice(lua.indexOf("-- End of Lua Library inline imports"));
    // double (2), nothing (3), Box's constructor and get (4), the sort comparator (5).
    expect([...ours.matchAll(/-- main\.ts:(\d+)$/gm)].map((m) => m[1])).toEqual(["2", "3", "4", "4", "5"]);
    expect(execFileSync("luajit", ["-e", lua], { encoding: "utf8" })).toBe("42\tnil\t7\t1,2,3\n");
  }, 120_000);

  it("every function's first line names the TypeScript function it was compiled from", () => {
    let functions = 0;
    const wrong: string[] = [];
    for (const file of SHIPPED) {
      const lines = readFileSync(file, "utf8").split("\n");
      for (const line of functionLines(file)) {
        functions++;
        const origin = originAt(lines, line);
        const where = `${relative(REPO_ROOT, file)}:${line}`;
        if (origin === undefined) wrong.push(`${where}: no source comment under \`${lines[line - 1]!.trim()}\``);
        else if (!declaresSameFunction(origin)) wrong.push(`${where}: \`${origin.luaHeader.trim()}\` but ${origin.tsFile}:${origin.tsLine} is \`${origin.tsText.trim()}\``);
      }
    }
    expect(functions).toBeGreaterThan(500);
    expect(wrong).toEqual([]);
    // One LuaJIT listing per file: generous for a loaded machine.
  }, 120_000);

  // Request-path code of three plugins, called with a nil where a table belongs: the
  // error names a lua-out line, and the function around it points at its TypeScript.
  const failures: { name: string; call: string; tsFunction: string }[] = [
    { name: "tier-limit planAt", call: `require("tollgate.tier_limit.decide").planAt({ tiers = {} }, nil, 0)`, tsFunction: "prepare" },
    { name: "entitlement-check planSubscription", call: `require("tollgate.entitlement_check.decide").planSubscription({}, nil)`, tsFunction: "planSubscription" },
    { name: "kafka-usage buildUsageEvent", call: `require("tollgate.kafka_usage.event").buildUsageEvent({}, nil, "node")`, tsFunction: "subjectOf" },
  ];
  for (const failure of failures) {
    it(`an error in ${failure.name} leads from the Lua line to the TypeScript function`, () => {
      const script = `package.path = "lua-out/?.lua;" .. package.path\nlocal ok, err = pcall(function() ${failure.call} end)\nio.write(tostring(err))`;
      const message = execFileSync("luajit", ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
      const at = /^(lua-out\/\S+\.lua):(\d+): /.exec(message);
      expect(at, message).not.toBeNull();
      const lines = readFileSync(join(REPO_ROOT, at![1]!), "utf8").split("\n");
      const origin = originAt(lines, enclosingFunctionLine(lines, Number(at![2])))!;
      expect(origin, message).toBeDefined();
      expect(origin.tsText).toMatch(new RegExp(`function ${failure.tsFunction}\\(`));
    }, 120_000);
  }
});
