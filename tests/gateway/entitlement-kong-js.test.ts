/**
 * entitlement-check under Kong's JS plugin server (npm kong-pdk), driven over the
 * plugin server's msgpack-RPC socket the way Kong drives it, against the real HTTP
 * entitlement service of tests/runtime/entitlement-service.ts.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder, Encoder } from "@msgpack/msgpack";
import waitOn from "wait-on";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";

const SERVER_BIN = join(REPO_ROOT, "node_modules/.bin/kong-js-pluginserver");
const PLUGINS_DIR = join(REPO_ROOT, "lua-out/kong-js");

type Call = { Method: string; Args: unknown[] };
type StepReply = { Data: Call | "ret"; EventId: number };

/** msgpack-RPC over the plugin server's unix socket: [0, id, method, [args]] -> [1, id, error, result]. */
class Rpc {
  #id = 0;
  #waiting = new Map<number, (reply: [string | null, unknown]) => void>();
  #buffer = Buffer.alloc(0);
  readonly #encoder = new Encoder();

  constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (;;) {
        const decoder = new Decoder();
        let message: [number, number, string | null, unknown];
        try {
          message = decoder.decode(this.#buffer) as typeof message;
        } catch {
          return; // incomplete
        }
        this.#buffer = Buffer.alloc(0);
        this.#waiting.get(message[1])?.([message[2], message[3]]);
        this.#waiting.delete(message[1]);
        return;
      }
    });
  }

  async call(method: string, arg: unknown): Promise<unknown> {
    const id = ++this.#id;
    const reply = new Promise<[string | null, unknown]>((resolve) => this.#waiting.set(id, resolve));
    this.socket.write(this.#encoder.encode([0, id, method, [arg]]));
    const [error, result] = await reply;
    if (error) throw new Error(error);
    return result;
  }
}

interface Outcome {
  exit?: { status: number; body: Record<string, unknown> };
  upstream: Record<string, string | null>;
}

/** One access phase for a consumer, answering the plugin's PDK calls as Kong would. */
async function access(rpc: Rpc, instance: number, consumer: { id: string; username: string; tags: string[] }): Promise<Outcome> {
  const outcome: Outcome = { upstream: {} };
  let reply = (await rpc.call("plugin.HandleEvent", { InstanceId: instance, EventName: "access" })) as StepReply;
  for (let steps = 0; reply.Data !== "ret"; steps++) {
    if (steps > 30) throw new Error("too many PDK calls");
    const call: Call = reply.Data;
    let data: unknown = null;
    switch (call.Method) {
      case "kong.request.get_method":
        data = "GET";
        break;
      case "kong.client.get_consumer":
        data = consumer;
        break;
      case "kong.service.request.clear_header":
        outcome.upstream[String(call.Args[0])] = null;
        break;
      case "kong.service.request.set_header":
        outcome.upstream[String(call.Args[0])] = String(call.Args[1]);
        break;
      case "kong.response.exit":
        outcome.exit = { status: call.Args[0] as number, body: call.Args[1] as Record<string, unknown> };
        break;
    }
    reply = (await rpc.call("plugin.Step", { Data: data, EventId: reply.EventId })) as StepReply;
  }
  return outcome;
}

describe("entitlement-check on Kong's JS plugin server (kong-pdk)", () => {
  let server: ChildProcess;
  let prefix: string;
  let socket: Socket;
  let rpc: Rpc;
  let service: EntitlementService;

  beforeAll(async () => {
    service = await startEntitlementService();
    service.answers.set("remote_premium", { plan: "premium", status: "active" });
    service.answers.set("remote_canceled", { plan: "premium", status: "canceled" });
    prefix = mkdtempSync(join(tmpdir(), "tollgate-kongjs-ec-"));
    server = spawn(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--kong-prefix", prefix, "--sock-name", "js.sock"], { stdio: "ignore" });
    const socketPath = join(prefix, "js.sock");
    await waitOn({ resources: [`file:${socketPath}`], timeout: 15_000 });
    socket = connect(socketPath);
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    rpc = new Rpc(socket);
  });

  afterAll(async () => {
    socket?.destroy();
    server?.kill("SIGKILL");
    if (prefix) rmSync(prefix, { recursive: true, force: true });
    await service?.stop();
  });

  it("--dump-all-plugins lists entitlement-check with its priority and schema", () => {
    const dump = spawnSync(SERVER_BIN, ["--plugins-directory", PLUGINS_DIR, "--dump-all-plugins"], { encoding: "utf8" });
    expect(dump.status).toBe(0);
    const plugins = JSON.parse(dump.stdout) as { Name: string; Priority: number; Phases: string[]; Schema: unknown }[];
    const plugin = plugins.find((p) => p.Name === "entitlement-check");
    expect(plugin).toBeDefined();
    expect(plugin!.Priority).toBe(905);
    expect(plugin!.Phases).toEqual(["access"]);
    expect(JSON.stringify(plugin!.Schema)).toContain('"plans"');
  });

  it("gives the same answers as the Lua plugin: pass with headers, 403 and 402 JSON; the service is asked once per subject", async () => {
    const config = {
      plans: { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } },
      subscription_sources: ["consumer", "service"],
      service: { url: service.url, timeout_ms: 300 },
      required_features: ["reports"],
      upgrade_url: "https://billing.example.com/upgrade",
    };
    const started = (await rpc.call("plugin.StartInstance", { Name: "entitlement-check", Config: JSON.stringify(config) })) as { Id: number };

    for (let i = 0; i < 3; i++) {
      const premium = await access(rpc, started.Id, { id: "c1", username: "remote_premium", tags: [] });
      expect(premium.exit).toBeUndefined();
      expect(premium.upstream["X-Plan"]).toBe("premium");
      expect(premium.upstream["X-Entitlements"]).toBe("basic,reports");
    }
    expect(service.calls.get("remote_premium")).toBe(1);

    const free = await access(rpc, started.Id, { id: "c2", username: "free_user", tags: ["plan:free"] });
    expect(free.exit).toEqual({
      status: 403,
      body: {
        error: "not_entitled",
        message: "Your plan does not include the feature 'reports'",
        feature: "reports",
        plan: "free",
        required_plans: ["premium"],
        upgrade_url: "https://billing.example.com/upgrade",
      },
    });

    const canceled = await access(rpc, started.Id, { id: "c3", username: "remote_canceled", tags: [] });
    expect(canceled.exit?.status).toBe(402);
    expect(canceled.exit?.body).toMatchObject({ error: "payment_required", status: "canceled", plan: "premium" });
  });
});
