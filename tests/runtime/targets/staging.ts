/**
 * What the stock-gateway targets share: a world-readable staging directory holding what a
 * gateway's workers must read, the plugins found on extra Lua paths, the shared dicts and
 * the readiness and shutdown waits. Stock Kong and APISIX started as root drop their
 * workers to another user (Kong `nginx_user = kong kong`, APISIX `nobody`), and the
 * official images run as a non-root user, so the test's own 0700 temp directories would be
 * unreadable to them.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import waitOn from "wait-on";
import { LUA_OUT } from "../nginx.ts";
import type { GatewayOptions } from "./target.ts";

/** Where a target's gateway reads its inputs: every path below is absolute. */
export interface Staging {
  dir: string;
  /** A copy of lua-out's kong/, apisix/ and tollgate/ (what README.md's "Install" copies). */
  luaOut: string;
  /** Copies of GatewayOptions.luaPath, in order. */
  luaPath: string[];
  /** The trusted CA files in one PEM (the gateway adds `system` before it), or undefined when none were given. */
  trustedCaFile?: string;
}

/** Makes every directory a+rx and every file a+r under `path`. */
function openUp(path: string): void {
  const stat = statSync(path);
  chmodSync(path, stat.isDirectory() ? 0o755 : 0o644);
  if (stat.isDirectory()) for (const entry of readdirSync(path)) openUp(join(path, entry));
}

/** lua-out's directories a gateway loads (kong-js/ is for Kong's JS plugin server). */
const INSTALLED_DIRS = ["kong", "apisix", "tollgate"];

/** A fresh world-readable directory with copies of lua-out, the options' Lua dirs and CA files. */
export function stage(name: string, options: GatewayOptions): Staging {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
  // A copy rather than the checkout's own: the checkout may sit where the gateway's
  // workers (or a container's user) cannot read, e.g. under a 0750 home directory.
  const luaOut = join(dir, "lua-out");
  for (const sub of INSTALLED_DIRS) cpSync(join(LUA_OUT, sub), join(luaOut, sub), { recursive: true });
  const luaPath = (options.luaPath ?? []).map((source, index) => {
    const copy = join(dir, "lua", String(index));
    mkdirSync(copy, { recursive: true });
    cpSync(source, copy, { recursive: true });
    return copy;
  });
  let trustedCaFile: string | undefined;
  if ((options.trustedCaFiles ?? []).length > 0) {
    trustedCaFile = join(dir, "trusted-ca.pem");
    writeFileSync(trustedCaFile, (options.trustedCaFiles ?? []).map((file) => readFileSync(file, "utf8")).join("\n"));
  }
  openUp(dir);
  return { dir, luaOut, luaPath, trustedCaFile };
}

/** Writes a file into the staging directory, readable by all; returns its path. */
export function stageFile(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o644 });
  chmodSync(path, 0o644);
  return path;
}

/**
 * Names of the plugins found under `luaDirs` in a gateway's layout: `kong/plugins/<name>/`
 * (Kong) or `apisix/plugins/<name>.lua` (APISIX). A stock gateway loads only plugins it
 * is told about, while the test hosts load whatever a config names.
 */
export function pluginsOnPath(luaDirs: readonly string[], kind: "kong" | "apisix"): string[] {
  const names: string[] = [];
  for (const dir of luaDirs) {
    const plugins = join(dir, kind, "plugins");
    if (!existsSync(plugins)) continue;
    for (const entry of readdirSync(plugins).sort()) {
      if (kind === "kong" && statSync(join(plugins, entry)).isDirectory()) names.push(entry);
      if (kind === "apisix" && entry.endsWith(".lua")) names.push(entry.slice(0, -".lua".length));
    }
  }
  return names;
}


/** Resolves once 127.0.0.1:`port` accepts connections; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  await waitOn({ resources: [`tcp:127.0.0.1:${port}`], timeout: timeoutMs, interval: 100 });
}

/** Whether process `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in an nginx pid file, or undefined when there is none. */
export function pidIn(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** pids whose parent is `pid` (an nginx master's workers), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The 4th field of /proc/<pid>/stat, after the parenthesised command name, is the parent.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/**
 * Waits up to `timeoutMs` for the nginx master `pid` to exit after its gateway's stop
 * command; then kills its workers and it, so no worker keeps serving a reused port.
 */
export async function awaitExit(pid: number | undefined, timeoutMs: number): Promise<void> {
  if (pid === undefined) return;
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!alive(pid)) return;
  // Stopped first, the master cannot start a worker in place of one killed here.
  process.kill(pid, "SIGSTOP");
  for (const child of childrenOf(pid)) process.kill(child, "SIGKILL");
  process.kill(pid, "SIGKILL");
}
