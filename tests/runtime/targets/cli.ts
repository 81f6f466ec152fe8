/**
 * Runs a stock gateway's CLI (`kong start`, `apisix stop`, …) and keeps track of the nginx
 * masters it leaves running, so a test process that dies still takes them down.
 */
import { spawn, spawnSync } from "node:child_process";
import { alive } from "./staging.ts";

export interface CliResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
}

/** Runs `command args` to its end; never rejects for a non-zero exit (the caller decides). */
export function runCli(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Commands found runnable already: a suite starts many gateways, the CLI is probed once. */
const found = new Set<string>();

/**
 * Why `command` cannot be run, or undefined when it can: the clear first line a user sees
 * when KONG_BIN or APISIX_HOME points nowhere. `variable` names the setting to fix.
 */
export function missingCommand(command: string, variable: string): string | undefined {
  if (found.has(command)) return undefined;
  const probe = spawnSync(command, ["version"], { stdio: "ignore", timeout: 60_000 });
  if (probe.error && (probe.error as NodeJS.ErrnoException).code === "ENOENT") {
    return `TOLLGATE_GATEWAY=installed: ${command} was not found; set ${variable}`;
  }
  found.add(command);
  return undefined;
}

const masters = new Set<number>();

/** Remembers an nginx master started by a CLI until `forget`. */
export function remember(pid: number | undefined): void {
  if (pid !== undefined) masters.add(pid);
}

export function forget(pid: number | undefined): void {
  if (pid !== undefined) masters.delete(pid);
}

process.on("exit", () => {
  // SIGQUIT would let workers finish; at exit there is no time to wait, and a daemonised
  // master is not in this process's group, so each is signalled by pid.
  for (const pid of masters) if (alive(pid)) process.kill(pid, "SIGTERM");
});
