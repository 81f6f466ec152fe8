/**
 * `make demo` as a newcomer uses it: start the playground, run the curl commands it
 * prints, see them behave as printed, stop it with Ctrl-C (SIGINT).
 */
import { spawn, execSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../runtime/nginx.ts";
import { hostsOnly, roomInThisMinute } from "./harness.ts";

const onHosts = hostsOnly("runs `make demo`, the playground on the Kong-shaped host");

let demo: ChildProcess;
let printed = "";
let startSeconds = 0;

function commandsAfter(heading: RegExp): string[] {
  const lines = printed.split("\n");
  const at = lines.findIndex((l) => heading.test(l));
  const out: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith("  ")) break;
    out.push(line.trim());
  }
  return out;
}

function sh(command: string): string {
  return execSync(command, { encoding: "utf8", shell: "/bin/bash" });
}

beforeAll(async () => {
  const started = Date.now();
  // Its own process group, so SIGINT reaches npx, tsx and node together, as Ctrl-C does.
  demo = spawn("npx", ["--no-install", "tsx", "scripts/demo.ts"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  demo.stdout?.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start within 60 s:\n${printed}`)), 60_000);
    const poll = setInterval(() => {
      if (printed.includes("Ctrl-C stops")) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 50);
  });
  startSeconds = (Date.now() - started) / 1000;
});

afterAll(() => {
  try {
    if (demo.pid !== undefined) process.kill(-demo.pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
});

onHosts("make demo", () => {
  it("starts in under a minute", () => {
    expect(startSeconds).toBeLessThan(60);
  });

  it("answers the printed no-key curl with 401", () => {
    const [command] = commandsAfter(/^No key/);
    expect(sh(`${command!} -s -o /dev/null -w '%{http_code}'`)).toBe("401");
  });

  it("forwards the consumer's tier, not the one the client sent", () => {
    const [free, premium, enterprise] = commandsAfter(/^Each tier's key/);
    expect(JSON.parse(sh(free!)).headers["x-api-tier"]).toBe("free");
    expect(JSON.parse(sh(premium!)).headers["x-api-tier"]).toBe("premium");
    expect(JSON.parse(sh(enterprise!)).headers["x-api-tier"]).toBe("enterprise");
  });

  it("shows rate-limit headers", () => {
    const [command] = commandsAfter(/^Rate-limit headers/);
    expect(sh(command!)).toMatch(/X-RateLimit-Limit-Minute: 500/i);
  });

  it("gives 429 with Retry-After on the 4th sandbox call, while premium passes", async () => {
    await roomInThisMinute(5);
    const [loop, verbose] = commandsAfter(/^The sandbox route/);
    expect(sh(loop!).trim().split("\n")).toEqual(["200", "200", "200", "429"]);
    const reply = sh(verbose!);
    expect(reply).toMatch(/^HTTP\/1\.1 429/);
    expect(reply).toMatch(/Retry-After: \d+/i);
    expect(reply).toMatch(/"error":"rate_limited"/);
    const [premium] = commandsAfter(/^Premium still passes/);
    expect(sh(premium!).trim()).toBe("200");
  });

  it("gates /reports by plan: 403 with the upgrade for free, premium passes with its plan upstream", () => {
    const [free, premium] = commandsAfter(/^Plans \(entitlement-check/);
    const refused = JSON.parse(sh(free!)) as Record<string, unknown>;
    expect(refused).toMatchObject({ error: "not_entitled", feature: "reports", plan: "free", required_plans: ["premium", "enterprise"], upgrade_url: "https://example.com/pricing" });
    expect(JSON.parse(sh(premium!)).headers["x-plan"]).toBe("premium");
  });

  it("gates /beta by flag: 403 for free, enterprise passes with its flags and variant upstream, not the client's", () => {
    const [free, enterprise] = commandsAfter(/^Feature flags \(feature-toggle/);
    expect(JSON.parse(sh(free!))).toMatchObject({ feature: "beta-search" });
    expect(JSON.parse(sh(enterprise!)).headers["x-features"]).toMatch(/^beta-search,new-checkout=(blue|green)$/);
  });

  it("prints the usage event of each request as Kafka delivers it", async () => {
    const [, premium] = commandsAfter(/^Each tier's key/);
    sh(premium!);
    // The premium call's event (subject = username, as kong.yml says), read back from Kafka.
    const deadline = Date.now() + 10_000;
    while (!/usage event .*subject=premium-user {2}GET \/orders → 200/.test(printed) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(printed).toMatch(/usage event .*subject=premium-user {2}GET \/orders → 200 {2}tier=\S+ {2}id=[0-9a-f]{16}-\d+/);
  });

  it("stops everything on Ctrl-C", async () => {
    const ports = [...printed.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
    const exited = new Promise<void>((resolve) => demo.once("exit", () => resolve()));
    process.kill(-demo.pid!, "SIGINT");
    await exited;
    // The gateway, the upstream nginx and Kafka shut down gracefully, which a busy machine
    // stretches: each port is asked until it stops answering, for up to 15 s.
    const answers = (port: string): boolean => {
      try {
        sh(`curl -s --max-time 2 http://127.0.0.1:${port}/`);
        return true;
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 15_000;
    for (const port of new Set(ports)) {
      while (answers(port!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(() => sh(`curl -s --max-time 2 http://127.0.0.1:${port}/`)).toThrow();
    }
  });
});
