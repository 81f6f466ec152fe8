/**
 * A real Unleash server (npm `unleash-server`) on a real PostgreSQL (Debian
 * `postgresql`), for tests: both on ephemeral loopback ports, all files under one
 * temporary directory, removed by stop().
 *
 * PostgreSQL refuses to run as root; when the tests run as root, initdb and postgres
 * run as the `postgres` system user (runuser), in a directory that user owns.
 *
 * Test infrastructure only.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort, REPO_ROOT } from "./nginx.ts";

const PG_BIN = "/usr/lib/postgresql/15/bin";

/** Tokens the server is started with (INIT_*_API_TOKENS): admin for the test, client for the gateway. */
export const UNLEASH_ADMIN_TOKEN = "*:*.tollgate-test-admin-token";
export const UNLEASH_CLIENT_TOKEN = "default:development.tollgate-test-client-token";

export interface Postgres {
  port: number;
  url: string;
  stop(): Promise<void>;
}

export interface UnleashServer {
  url: string;
  adminToken: string;
  clientToken: string;
  /** Stops Unleash only (PostgreSQL keeps running); start() brings it back on the same port. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** Stops Unleash and PostgreSQL and removes the directory. */
  stop(): Promise<void>;
  /** Calls Unleash's admin API with the admin token; returns the parsed JSON body (or undefined). */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
}

function asPostgresUser(args: string[]): string[] {
  return userInfo().uid === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
}

function run(args: string[]): void {
  const [command, ...rest] = asPostgresUser(args);
  const result = spawnSync(command!, rest, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr || result.stdout}`);
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function startPostgres(dir: string): Promise<Postgres> {
  const data = join(dir, "pgdata");
  if (userInfo().uid === 0) {
    const pg = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(pg.stdout.trim()), Number(gid.stdout.trim()));
  }
  run([join(PG_BIN, "initdb"), "-D", data, "-U", "unleash", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const [command, ...args] = asPostgresUser([
    join(PG_BIN, "postgres"), "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
  ]);
  const child = spawn(command!, args, { stdio: "ignore" });
  await until("PostgreSQL", 30_000, () => spawnSync(join(PG_BIN, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]).status === 0);
  run([join(PG_BIN, "createdb"), "-h", "127.0.0.1", "-p", String(port), "-U", "unleash", "unleash"]);
  return {
    port,
    url: `postgres://unleash@127.0.0.1:${port}/unleash`,
    async stop() {
      // pg_ctl as the owner: signalling runuser would not reach postgres.
      const [command, ...args] = asPostgresUser([join(PG_BIN, "pg_ctl"), "stop", "-D", data, "-m", "fast", "-w"]);
      spawnSync(command!, args, { stdio: "ignore", timeout: 30_000 });
      await Promise.race([exited(child), new Promise((resolve) => setTimeout(resolve, 5000))]);
    },
  };
}

/** The unleash-server package's start script (it creates the schema on first start). */
function unleashEntry(): string {
  // The package's exports map hides package.json, so the file is found from the repository.
  return join(REPO_ROOT, "node_modules", "unleash-server", "dist", "server.js");
}

export async function startUnleash(): Promise<UnleashServer> {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-unleash-"));
  mkdirSync(dir, { recursive: true });
  let postgres: Postgres | undefined;
  let server: ChildProcess | undefined;
  try {
    postgres = await startPostgres(dir);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      DATABASE_URL: postgres.url,
      DATABASE_SSL: "false",
      HTTP_PORT: String(port),
      PORT: String(port),
      HTTP_HOST: "127.0.0.1",
      INIT_ADMIN_API_TOKENS: UNLEASH_ADMIN_TOKEN,
      INIT_CLIENT_API_TOKENS: UNLEASH_CLIENT_TOKEN,
      LOG_LEVEL: "warn",
      UNLEASH_TELEMETRY_DISABLED: "true",
      CHECK_VERSION: "false",
      SEND_TELEMETRY: "false",
    };
    const start = async (): Promise<void> => {
      server = spawn(process.execPath, [unleashEntry()], { env, stdio: ["ignore", "ignore", "pipe"], cwd: dir });
      let stderr = "";
      server.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
      });
      const child = server;
      await until("unleash-server /health", 120_000, async () => {
        if (child.exitCode !== null) throw new Error(`unleash-server exited: ${stderr}`);
        try {
          return (await fetch(`${url}/health`)).ok;
        } catch {
          return false;
        }
      });
    };
    await start();
    const pg = postgres;
    const unleash: UnleashServer = {
      url,
      adminToken: UNLEASH_ADMIN_TOKEN,
      clientToken: UNLEASH_CLIENT_TOKEN,
      async stopServer() {
        if (server !== undefined) {
          server.kill("SIGTERM");
          await exited(server);
          server = undefined;
        }
      },
      startServer: start,
      async stop() {
        await unleash.stopServer();
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
      async admin(method, path, body) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: { Authorization: UNLEASH_ADMIN_TOKEN, "Content-Type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
        return text === "" ? undefined : (JSON.parse(text) as unknown);
      },
    };
    return unleash;
  } catch (err) {
    server?.kill("SIGKILL");
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
