/**
 * feature-toggle under Kong's JS plugin server (npm kong-pdk): the real plugin
 * server loads lua-out/kong-js/feature-toggle.cjs, and this test plays Kong's side of
 * the msgpack-RPC socket protocol (StartInstance, HandleEvent, one Step per PDK call).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder, Encoder } from "@msgpack/msgpack";
import waitOn from "wait-on";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizedValue } from "../../plugins/feature-toggle/murmur3.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";
import { startUnleash } from "../runtime/unleash.ts";

const SERVER_BIN = join(REPO_ROOT, "node_modules/.bin/kong-js-pluginserver");
const PLUGINS_DIR = join(REPO_ROOT, "lua-out/kong-js");

type Call = { Method: string; Args: unknown[] };
type EventReply = { Data: Call | "ret"; EventId: number };

/** msgpack-RPC requests over the plugin server's unix socket, one reply at a time. */
class Rpc {
  #id = 0;
  #waiting = new Map<number, [(value: unknown) => void, (error: Error) => void]>();
  #bytes = Buffer.alloc(0);
  #encoder = new Encoder();

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
}

interface Seen {
  exit?: { status: number; body: Record<string, unknown> };
  upstream: Map<string, string | null>;
}

/** Plays one access phase for a consumer; returns what the plugin asked Kong to do. */
async function access(rpc: Rpc, instance: number, consumer: { id: string; username: string; tags: string[] }): Promise<Seen> {
  const seen: Seen = { upstream: new Map() };
  let reply = (await rpc.call("plugin.HandleEvent", { InstanceId: instance, EventName: "access" })) as EventReply;
  for (let steps = 0; reply.Data !== "ret"; steps++) {
    if (steps > 20) throw new Error("more than 20 PDK calls");
    const call: Call = reply.Data;
    let data: unknown = null;
    if (call.Method === "kong.request.get_method") data = "GET";
    if (call.Method === "kong.client.get_consumer") data = consumer;
    if (call.Method === "kong.client.get_forwarded_ip") data = "127.0.0.1";
    if (call.Method === "kong.service.request.clear_header") seen.upstream.set(String(call.Args[0]), null);
    if (call.Method === "kong.service.request.set_header") seen.upstream.set(String(call.Args[0]), String(call.Args[1]));
    if (call.Method === "kong.response.exit") seen.exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown> };
    reply = (await rpc.call("plugin.Step", { Data: data, EventId: reply.EventId })) as EventReply;
  }
  return seen;
}

const CONFIG = {
  require: ["reports"],
  upgrade: "https://example.com/pricing",
  flags: [
    { name: "reports", strategies: [{ name: "tiers", parameters: { tiers: "premium" } }] },
    { name: "beta", strategies: [{ name: "flexibleRollout", parameters: { rollout: "50", groupId: "beta" } }] },
    { name: "staff", strategies: [{ name: "default", constraints: [{ contextName: "userId", operator: "REGEX", value: "(?i)^PREM" }] }] },
  ],
};

describe("feature-toggle on Kong's JS plugin server (kong-pdk)", () => {
  let server: ChildProcess;
  let prefix: string;
  let socket: Socket;
  let rpc: Rpc;

  beforeAll(async () => {
    prefix = mkdtempSync(join(tmpdir(), "tollgate-ft-kongjs-"));
    server = spawn(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--kong-prefix", prefix, "--sock-name", "js.sock"], { stdio: "ignore" });
    await waitOn({ resources: [`file:${join(prefix, "js.sock")}`], timeout: 15_000 });
    socket = connect(join(prefix, "js.sock"));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    rpc = new Rpc(socket);
  });

  afterAll(() => {
    socket?.destroy();
    server?.kill("SIGKILL");
    if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
  });

  it("--dump-all-plugins lists feature-toggle with priority 911 and its schema", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugins = JSON.parse(dump.stdout) as { Name: string; Priority: number; Phases: string[]; Schema: { fields: { config: { fields: object[] } }[] } };
    const plugin = (plugins as unknown as (typeof plugins)[]).find((p) => p.Name === "feature-toggle");
    expect(plugin?.Priority).toBe(911);
    expect(plugin?.Phases).toEqual(["access"]);
    const fields = Object.assign({}, ...plugin!.Schema.fields[0]!.config.fields) as Record<string, { type: string }>;
    expect(fields["flags"]).toMatchObject({ type: "array" });
  });

  it("refuses the premium-only feature to free with 403 JSON, forwards features for premium, same buckets as Lua", async () => {
    const started = (await rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(CONFIG) })) as { Id: number };
    const free = await access(rpc, started.Id, { id: "1", username: "free_user", tags: ["tier:free"] });
    expect(free.exit).toEqual({ status: 403, body: { error: "feature_not_enabled", feature: "reports", reason: "not_targeted", upgrade: "https://example.com/pricing" } });

    const premium = await access(rpc, started.Id, { id: "2", username: "premium_user", tags: ["tier:premium"] });
    expect(premium.exit).toBeUndefined();
    const inBeta = normalizedValue("premium_user", "beta", 100, 0) <= 50;
    expect(premium.upstream.get("X-Features")).toBe(inBeta ? "reports,beta,staff" : "reports,staff");
  });

  it("follows a flag toggled in a real Unleash server, and keeps it while Unleash is down", async () => {
    const unleash = await startUnleash();
    try {
      const flag = "kong-js-flag";
      await unleash.admin("POST", "/api/admin/projects/default/features", { name: flag });
      await unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/strategies`, { name: "default", constraints: [], parameters: {} });
      const conf = { require: [flag], unleash: { url: `${unleash.url}/api`, api_token: unleash.clientToken, poll_interval: 1 } };
      const started = (await rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(conf) })) as { Id: number };
      const consumer = { id: "2", username: "premium_user", tags: ["tier:premium"] };
      const statusWithin = async (status: number | undefined, seconds: number): Promise<boolean> => {
        const deadline = Date.now() + seconds * 1000;
        while (Date.now() < deadline) {
          if ((await access(rpc, started.Id, consumer)).exit?.status === status) return true;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return false;
      };
      // Before the first answer the flag is unknown (403 not_found), then known and off (403 disabled).
      await expect.poll(async () => (await access(rpc, started.Id, consumer)).exit?.body["reason"], { timeout: 10_000 }).toBe("disabled");
      await unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/on`);
      expect(await statusWithin(undefined, 5)).toBe(true);
      await unleash.stopServer();
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect((await access(rpc, started.Id, consumer)).exit).toBeUndefined();
    } finally {
      await unleash.stop();
    }
  }, 120_000);

  it("refuses an invalid config when Kong starts the instance, naming the field", async () => {
    const bad = { require: ["missing"], flags: [] };
    await expect(rpc.call("plugin.StartInstance", { Name: "feature-toggle", Config: JSON.stringify(bad) })).rejects.toThrow(
      "config.require[1]: 'missing' is not one of the configured flags",
    );
  });
});
