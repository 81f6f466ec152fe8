/**
 * Proof that the Lua vector runner really executes the compiled Lua: a vector with a
 * deliberately wrong expectation must make busted fail, and its report must show the
 * value LuaJIT computed.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

it("busted fails on a wrong expectation and reports the value the Lua computed", () => {
  const run = spawnSync("busted", ["-o", "TAP", "tests/lua/vectors_spec.lua"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TOLLGATE_VECTORS_DIR: "tests/lua/selftest-vectors" },
  });
  expect(run.status).not.toBe(0);
  expect(run.stdout).toMatch(/^not ok 1 - .*1970-01-02 is day 1, not day 2/m);
  // luassert prints what was passed in (the Lua result) and what was expected.
  expect(run.stdout).toMatch(/Passed in:\s*\n#\s*\(number\) 1/);
  expect(run.stdout).toMatch(/Expected:\s*\n#\s*\(number\) 2/);
  // busted starts LuaJIT and loads the compiled modules: well under a second idle, several
  // seconds with both cores busy (vitest's default 5 s is not a budget for a child process).
}, 60_000);
