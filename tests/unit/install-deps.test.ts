/**
 * scripts/install-deps.sh installs per make target. `make build` must need Node and
 * LuaJIT only (a fresh clone should not apt-get a JVM or a database to compile
 * TypeScript); `make test` must still bring everything the suites start. The script's
 * --dry-run prints each profile's steps, which is what these tests read: Java, Maven or
 * PostgreSQL cannot be uninstalled on a shared machine to prove it the other way.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../runtime/nginx.ts";

function steps(profile: string): string[] {
  const out = execFileSync("bash", [join(REPO_ROOT, "scripts/install-deps.sh"), profile, "--dry-run"], { encoding: "utf8" });
  return out.trim().split("\n");
}

describe("install-deps profiles", () => {
  it("build installs LuaJIT and the npm packages, and no JVM, database, broker or nginx", () => {
    const build = steps("build");
    expect(build).toContain("apt luajit2");
    expect(build).toContain("npm ci");
    for (const step of build) expect(step).not.toMatch(/jdk|jre|java|maven|postgres|redis|kafka|nginx|wrk/i);
  });

  it("demo adds what the playground starts: nginx with ngx_lua, Java and one Kafka broker", () => {
    const demo = steps("demo");
    expect(demo).toEqual(expect.arrayContaining([...steps("build"), "apt libnginx-mod-http-lua", "apt openjdk-17-jre-headless", "kafka 4.3.1"]));
    expect(demo.join("\n")).not.toMatch(/postgres|redis|busted/);
  });

  it("test brings everything the suites use, including luarocks and both Kafka releases", () => {
    const test = steps("test");
    expect(test).toEqual(
      expect.arrayContaining([
        ...steps("demo"),
        "apt lua-busted",
        "apt redis-server",
        "apt postgresql",
        "apt luarocks",
        "apt openssl",
        "kafka 3.9.2",
        "kafka 4.3.1",
      ]),
    );
  });

  it("bench adds wrk to the test profile", () => {
    expect(steps("bench")).toEqual(expect.arrayContaining([...steps("test"), "apt wrk"]));
  });

  it("refuses an unknown profile instead of installing everything", () => {
    expect(() => execFileSync("bash", [join(REPO_ROOT, "scripts/install-deps.sh"), "everything", "--dry-run"], { stdio: "pipe" })).toThrow();
  });
});
