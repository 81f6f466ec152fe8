/**
 * Kong's side of the JS plugin server's protocol, for the kong-pdk suites: starts the
 * real `kong-js-pluginserver` on lua-out/kong-js and speaks msgpack-RPC to it over its
 * unix socket ([0, id, method, [args]] → [1, id, error, result]), the way Kong does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder, Encoder } from "@msgpack/msgpack";
import waitOn from "wait-on";
import { REPO_ROOT } from "../runtime/nginx.ts";

export const SERVER_BIN = join(REPO_ROOT, "node_modules/.bin/kong-js-pluginserver");
export const PLUGINS_DIR = join(REPO_ROOT, "lua-out/kong-js");

/** A PDK call the plugin makes during an event (kong.request.get_method, …). */
export type PdkCall = { Method: string; Args: unknown[] };
type EventReply = { Data: PdkCall | "ret"; EventId: number };

/** msgpack-RPC requests, one reply at a time (every caller awaits its reply before the next call). */
export class Rpc {
  #id = 0;
  #waiting = new Map<number, [(value: unknown) => void, (error: Error) => void]>();
  #bytes = Buffer.alloc(0);
  readonly #encoder = new Encoder();

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#bytes = Buffer.concat([this.#bytes, chunk]);
      let message: [number, number, string | null, unknown];
      try {
        message = new Decoder().decode(this.#bytes) as typeof message;
      } catch {
        return; // incomplete: wait for more bytes
      }
      this.#bytes = Buffer.alloc(0);
      const waiter = this.#waiting.get(message[1]);
      this.#waiting.delete(message[1]);
      if (message[2]) waiter?.[1](new Error(message[2]));
      else waiter?.[0](message[3]);
    });
  }

  call(method: string, arg: unknown): Promise<unknown> {
    const id = ++this.#id;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, [resolve, reject]);
      this.socket.write(this.#encoder.encode([0, id, method, [arg]]));
    });
  }

  /** Starts a plugin instance for a config; returns its id. */
  async startInstance(name: string, config: unknown): Promise<number> {
    const started = (await this.call("plugin.StartInstance", { Name: name, Config: JSON.stringify(config) })) as { Id: number };
    return started.Id;
  }

  /**
   * Runs one phase of an instance, answering each PDK call with `answer(call)` (what
   * Kong would return; undefined → nil), until the plugin returns.
   */
  async runPhase(instance: number, phase: string, answer: (call: PdkCall) => unknown, maxCalls = 40): Promise<PdkCall[]> {
    const calls: PdkCall[] = [];
    let reply = (await this.call("plugin.HandleEvent", { InstanceId: instance, EventName: phase })) as EventReply;
    while (reply.Data !== "ret") {
      if (calls.length >= maxCalls) throw new Error(`more than ${maxCalls} PDK calls in one ${phase} phase`);
      calls.push(reply.Data);
      const data = answer(reply.Data) ?? null;
      reply = (await this.call("plugin.Step", { Data: data, EventId: reply.EventId })) as EventReply;
    }
    return calls;
  }
}

export interface PluginServer {
  rpc: Rpc;
  /** The server's stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits (up to `timeoutMs`) for the process to exit. */
  signal(signal: NodeJS.Signals, timeoutMs: number): Promise<number | null>;
  /** Kills the server and removes its prefix. Idempotent. */
  stop(): Promise<void>;
}

/** Starts kong-js-pluginserver on lua-out/kong-js with its socket in a new temp prefix (and `env` added to its environment), and connects. */
export async function startPluginServer(label: string, env: Record<string, string> = {}): Promise<PluginServer> {
  const prefix = mkdtempSync(join(tmpdir(), `tollgate-kongjs-${label}-`));
  const child: ChildProcess = spawn(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--kong-prefix", prefix, "--sock-name", "js.sock"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((res) => child.once("exit", (code) => res(code)));
  let socket: Socket | undefined;
  const stop = async (): Promise<void> => {
    socket?.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    const socketPath = join(prefix, "js.sock");
    await waitOn({ resources: [`file:${socketPath}`], timeout: 15_000 });
    const connected = connect(socketPath);
    socket = connected;
    await new Promise<void>((resolve, reject) => {
      connected.once("connect", () => resolve());
      connected.once("error", reject);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    rpc: new Rpc(socket),
    output: () => output,
    signal: async (sig, timeoutMs) => {
      child.kill(sig);
      return Promise.race([exited, new Promise<null>((res) => setTimeout(() => res(null), timeoutMs))]);
    },
    stop,
  };
}
