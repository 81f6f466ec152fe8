/**
 * Starts and stops real Debian `redis-server` processes (single node or a Redis
 * Cluster) for tests.
 *
 * Test infrastructure only. Every server listens on 127.0.0.1 with ports chosen by
 * the kernel (`freePort()`), keeps its files in its own temp directory, runs without
 * persistence (`--save "" --appendonly no`) as a child of this process, and is killed
 * by `stop()` or when this process exits.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./nginx.ts";
import type { ServerCertificate } from "./tls.ts";

export interface RedisServer {
  host: "127.0.0.1";
  port: number;
  /** The password given with `requirepass`, if any. */
  password?: string;
  /** The server speaks TLS only (its certificate from RedisOptions.tls). */
  tls: boolean;
  /** With RedisOptions.clientCa: the PEM files redis-cli presents. */
  cliCert?: { certFile: string; keyFile: string };
  /** The redis-server pid while it runs. */
  pid(): number | undefined;
  /** Stops the server (idempotent); start() or restart() brings it back on the same port. */
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port, with empty data (no-op while it runs). */
  start(): Promise<void>;
  /** Stops the server and starts it again on the same port, with empty data. */
  restart(): Promise<void>;
}

export interface RedisNode {
  host: string;
  port: number;
  tls?: boolean;
}

export interface RedisCluster {
  nodes: RedisNode[];
  stop(): Promise<void>;
}

export interface RedisOptions {
  /** Sets `requirepass`: clients must AUTH with this password. */
  password?: string;
  /** More `redis-server` arguments, e.g. `["--maxclients", "50"]`. */
  args?: string[];
  /** TLS only, with this certificate (the port is a tls-port; clients need no certificate). */
  tls?: ServerCertificate;
  /** With tls: clients must present a certificate from this CA (PEM file); redis-cli here presents `cliCertificate`. */
  clientCa?: { caFile: string; cliCertificate: ServerCertificate };
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Runs `redis-cli` against one node and returns its stdout (RESP decoded by redis-cli, no quoting). */
export async function redisCli(
  node: { port: number; host?: string; password?: string; tls?: boolean; cliCert?: { certFile: string; keyFile: string } },
  ...args: string[]
): Promise<string> {
  const auth = node.password === undefined ? [] : ["-a", node.password, "--no-auth-warning"];
  // The tests' servers use throwaway certificates: redis-cli does not check them.
  if (node.tls === true) auth.push("--tls", "--insecure");
  if (node.cliCert !== undefined) auth.push("--cert", node.cliCert.certFile, "--key", node.cliCert.keyFile);
  return new Promise((resolveOut, reject) => {
    execFile(
      "redis-cli",
      ["-h", node.host ?? "127.0.0.1", "-p", String(node.port), ...auth, ...args],
      { timeout: 10_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`redis-cli -p ${node.port} ${args.join(" ")}: ${err.message}\n${stderr}`));
        else resolveOut(stdout.trimEnd());
      },
    );
  });
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

interface Process {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

function spawnRedis(args: string[]): Process {
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((res) =>
    child.on("exit", () => {
      running.delete(child);
      res();
    }),
  );
  return { child, exited, output: () => output };
}

/** Waits until the server answers PING (it loads no data, so this is quick). */
async function waitReady(proc: Process, port: number, password: string | undefined, tls = false, cliCert?: { certFile: string; keyFile: string }): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`redis-server on port ${port} exited during start-up:\n${proc.output()}`);
    }
    try {
      const reply = await redisCli({ port, password, tls, cliCert }, "PING");
      if (reply === "PONG") return;
      last = reply;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(50);
  }
  await killProcess(proc);
  throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms (${last}):\n${proc.output()}`);
}

async function killProcess(proc: Process): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  // SIGTERM: redis shuts down cleanly (nothing to save with `--save ""`).
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await proc.exited;
  clearTimeout(timer);
}

function baseArgs(port: number, dir: string, opts: RedisOptions): string[] {
  const listen = opts.tls === undefined
    ? ["--port", String(port)]
    : [
        "--port", "0", "--tls-port", String(port), "--tls-cert-file", join(dir, "tls.pem"), "--tls-key-file", join(dir, "tls.key"),
        ...(opts.clientCa === undefined ? ["--tls-auth-clients", "no"] : ["--tls-auth-clients", "yes", "--tls-ca-cert-file", opts.clientCa.caFile]),
      ];
  return [
    "--bind", "127.0.0.1",
    ...listen,
    "--dir", dir,
    "--save", "",
    "--appendonly", "no",
    "--daemonize", "no",
    "--protected-mode", "no",
    "--logfile", "",
    ...(opts.password === undefined ? [] : ["--requirepass", opts.password]),
    ...(opts.args ?? []),
  ];
}

/** Starts one `redis-server` on a free loopback port. */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-redis-"));
  const args = baseArgs(port, dir, opts);
  const tls = opts.tls;
  // The certificate files live in the server's directory, which stop() removes.
  const cliCert = opts.clientCa === undefined ? undefined : { certFile: join(dir, "cli.pem"), keyFile: join(dir, "cli.key") };
  const writeCertificate = (): void => {
    if (tls === undefined) return;
    writeFileSync(join(dir, "tls.pem"), tls.cert);
    writeFileSync(join(dir, "tls.key"), tls.key, { mode: 0o600 });
    if (cliCert === undefined || opts.clientCa === undefined) return;
    writeFileSync(cliCert.certFile, opts.clientCa.cliCertificate.cert);
    writeFileSync(cliCert.keyFile, opts.clientCa.cliCertificate.key, { mode: 0o600 });
  };
  writeCertificate();
  let proc: Process | undefined = spawnRedis(args);
  try {
    await waitReady(proc, port, opts.password, tls !== undefined, cliCert);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async (): Promise<void> => {
    if (proc !== undefined) await killProcess(proc);
    proc = undefined;
    rmSync(dir, { recursive: true, force: true });
  };
  const start = async (): Promise<void> => {
    if (proc !== undefined) return;
    mkdirSync(dir, { recursive: true }); // stop() removed it
    writeCertificate();
    const next = spawnRedis(args);
    await waitReady(next, port, opts.password, tls !== undefined, cliCert); // kills it if it does not come up
    proc = next;
  };
  return {
    host: "127.0.0.1",
    port,
    password: opts.password,
    tls: tls !== undefined,
    cliCert,
    pid: () => proc?.child.pid,
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
  };
}

/** TLS for a cluster: every node serves `certificate`, and nodes check each other's against `caFile`. */
export interface ClusterTls {
  certificate: ServerCertificate;
  caFile: string;
}

/**
 * Starts `masters` cluster-enabled nodes, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` (slots split evenly),
 * and waits until every node reports `cluster_state:ok` and the full slot map.
 * With `tls`, clients and the cluster bus speak TLS only (CLUSTER SLOTS then names the
 * TLS ports).
 */
export async function startRedisCluster(masters = 3, tls?: ClusterTls): Promise<RedisCluster> {
  if (masters < 3) throw new Error("a Redis Cluster needs at least 3 masters (redis-cli --cluster create refuses fewer)");
  try {
    return await startClusterOnce(masters, tls);
  } catch (err) {
    // A port probed free can be taken by another test's server before a node binds it
    // (each node needs two): one more try, on new ports.
    if (!/Address already in use/.test((err as Error).message)) throw err;
    return startClusterOnce(masters, tls);
  }
}

async function startClusterOnce(masters: number, tls: ClusterTls | undefined): Promise<RedisCluster> {
  const root = mkdtempSync(join(tmpdir(), "tollgate-redis-cluster-"));
  const procs: Process[] = [];
  const nodes: RedisNode[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(procs.map(killProcess));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort();
      // The cluster bus port defaults to port + 10000, which may be taken or > 65535.
      const busPort = await freePort();
      const dir = join(root, `node-${port}`);
      mkdirSync(dir);
      if (tls !== undefined) {
        writeFileSync(join(dir, "tls.pem"), tls.certificate.cert);
        writeFileSync(join(dir, "tls.key"), tls.certificate.key, { mode: 0o600 });
      }
      const clusterArgs = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-port", String(busPort), "--cluster-node-timeout", "5000"];
      if (tls !== undefined) clusterArgs.push("--tls-cluster", "yes", "--tls-ca-cert-file", tls.caFile);
      procs.push(spawnRedis(baseArgs(port, dir, { args: clusterArgs, tls: tls?.certificate })));
      nodes.push({ host: "127.0.0.1", port, tls: tls !== undefined });
    }
    await Promise.all(procs.map((proc, i) => waitReady(proc, (nodes[i] as RedisNode).port, undefined, tls !== undefined)));
    await new Promise<void>((resolveCreate, reject) => {
      execFile(
        "redis-cli",
        [...(tls === undefined ? [] : ["--tls", "--insecure"]), "--cluster", "create", ...nodes.map((n) => `${n.host}:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"],
        { timeout: 30_000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`redis-cli --cluster create failed: ${err.message}\n${stdout}\n${stderr}`));
          else resolveCreate();
        },
      );
    });
    await waitClusterOk(nodes);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}

/** Waits until every node says cluster_state:ok and knows all 16384 slots with `masters` owners. */
async function waitClusterOk(nodes: RedisNode[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    let ok = true;
    for (const node of nodes) {
      const info = await redisCli(node, "CLUSTER", "INFO");
      const state = /cluster_state:(\w+)/.exec(info)?.[1];
      const assigned = /cluster_slots_assigned:(\d+)/.exec(info)?.[1];
      const known = /cluster_known_nodes:(\d+)/.exec(info)?.[1];
      if (state !== "ok" || assigned !== "16384" || known !== String(nodes.length)) {
        ok = false;
        last = `${node.port}: state=${state} assigned=${assigned} known=${known}`;
        break;
      }
    }
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`Redis Cluster did not reach cluster_state:ok within 30 s (${last})`);
}
