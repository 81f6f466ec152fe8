/**
 * entitlement-check's fleet-wide invalidation (invalidation: redis), through real nginx:
 * three gateways of 2 workers each sharing one real Redis, on both hosts. An
 * invalidation on one node (Kong Admin API, APISIX plugin API) reaches all three within
 * a second (the delays are measured and printed); a Redis restart makes every node drop
 * its cache when it reconnects; without Redis an invalidation stays on its node.
 */
import { createHmac } from "node:crypto";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { startRedis, type RedisServer } from "../runtime/redis.ts";
import { describeGateway, errorLogOnceMatching, HOSTS, kongAdminUrl, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const PLANS = { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } };
const CONSUMERS = ["alice", "bob", "carol", "dave", "erin", "frank"];
const HOOK_SECRET = "fleet-webhook-secret";
/** The bound issue 21 sets for an invalidation to reach every node. */
const BOUND_MS = 1000;

let upstream: EchoUpstream;
let service: EntitlementService;
let redis: RedisServer;

beforeAll(async () => {
  [upstream, service, redis] = await Promise.all([startEchoUpstream(), startEntitlementService(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), service?.stop(), redis?.stop()]);
});

/** One route /reports needing "reports", answers from the service, cached 60 s; consumers by key "<name>-key". */
function config(kind: HostKind, conf: Record<string, unknown>): Record<string, unknown> {
  const plugin = {
    plans: PLANS,
    subscription_sources: ["service"],
    service: { url: service.url, connect_timeout_ms: 500, timeout_ms: 1000 },
    cache: { ttl: 60, negative_ttl: 60, stale_ttl: 0 },
    required_features: ["reports"],
    ...conf,
  };
  // The billing webhook route (tollgate's own contract), with the same service and cache.
  const hook = { ...plugin, required_features: undefined, webhook: { provider: "tollgate", secret: HOOK_SECRET } };
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: [
            { name: "reports", paths: ["/reports"], plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }, { name: "entitlement-check", config: plugin }] },
            { name: "hooks", paths: ["/hooks"], plugins: [{ name: "entitlement-check", config: hook }] },
          ],
        },
      ],
      consumers: CONSUMERS.map((name) => ({ username: name, keyauth_credentials: [{ key: `${name}-key` }] })),
    };
  }
  return {
    routes: [
      { id: "reports", uri: "/reports*", upstream_id: "up", plugins: { "key-auth": {}, "entitlement-check": plugin } },
      { id: "hooks", uri: "/hooks", upstream_id: "up", plugins: { "entitlement-check": hook } },
      { id: "invalidate", uri: "/apisix/plugin/entitlement-check/cache/*", plugins: { "public-api": {} } },
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: CONSUMERS.map((name) => ({ username: name, plugins: { "key-auth": { key: `${name}-key` } } })),
  };
}

function invalidateUrl(kind: HostKind, gateway: RunningGateway, subject: string): string {
  const base = kind === "kong" ? `${kongAdminUrl(gateway)}/entitlement-check/cache/` : `${gateway.url}/apisix/plugin/entitlement-check/cache/`;
  return `${base}${encodeURIComponent(subject)}`;
}

/** Statuses of `count` parallel requests by `consumer` (new connections: both workers answer some). */
async function statuses(gateway: RunningGateway, consumer: string, count: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const reply = await fetch(`${gateway.url}/reports/x`, { headers: { apikey: `${consumer}-key`, connection: "close" } });
      await reply.arrayBuffer();
      return reply.status;
    }),
  );
}

/** Milliseconds from `since` until `gateway` answers `status` to `consumer` (polled every 10 ms), or Infinity after `limitMs`. */
async function until(gateway: RunningGateway, consumer: string, status: number, since: number, limitMs: number): Promise<number> {
  while (performance.now() - since < limitMs) {
    const [seen] = await statuses(gateway, consumer, 1);
    if (seen === status) return performance.now() - since;
    await new Promise((r) => setTimeout(r, 10));
  }
  return Infinity;
}

const same = (n: number, status: number): number[] => new Array(n).fill(status);

/** A TCP proxy to Redis that can cut a gateway off (closing its connections, refusing new ones) and let it back. */
interface Cable {
  port: number;
  cut(): void;
  mend(): void;
  stop(): Promise<void>;
}

async function cable(target: number): Promise<Cable> {
  const open = new Set<Socket>();
  let cutOff = false;
  const server: Server = createServer((client) => {
    if (cutOff) return client.destroy();
    const upstream = createConnection({ host: "127.0.0.1", port: target });
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      open.add(a);
      a.on("close", () => {
        open.delete(a);
        b.destroy();
      });
      a.on("error", () => b.destroy());
      a.pipe(b);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      cutOff = true;
      for (const socket of open) socket.destroy();
    },
    mend: () => {
      cutOff = false;
    },
    stop: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeGateway.each(HOSTS)("fleet-wide invalidation through one Redis, three %s-shaped gateways of 2 workers", (kind) => {
  let nodes: RunningGateway[] = [];
  let solo: RunningGateway[] = [];
  /** A fourth node of the fleet, reaching Redis through `wire`. */
  let remote: RunningGateway;
  let wire: Cable;

  beforeAll(async () => {
    const fleet = config(kind, { invalidation: "redis", redis: { host: redis.host, port: redis.port, timeout_ms: 1000 } });
    const perNode = config(kind, {});
    const options = { workers: 2 };
    wire = await cable(redis.port);
    const wired = config(kind, { invalidation: "redis", redis: { host: redis.host, port: wire.port, timeout_ms: 1000 } });
    [nodes, solo, remote] = await Promise.all([
      Promise.all([0, 1, 2].map(() => startGateway(kind, fleet, upstream.url, options))),
      Promise.all([0, 1].map(() => startGateway(kind, perNode, upstream.url, options))),
      startGateway(kind, wired, upstream.url, options),
    ]);
    // A node's first subscription drops whatever it cached before listening: let it happen first.
    await Promise.all([...nodes, remote].map((node) => errorLogOnceMatching(node, [/fleet invalidation of 'tollgate_cache': subscribed/], 10_000)));
  });
  afterAll(async () => {
    await wire?.stop();
    await Promise.all([...nodes, ...solo, remote].filter(Boolean).map((g) => g.stop()));
  });

  it("an invalidation on one node drops the answer on all three, every worker, within 1 s", async () => {
    service.answers.set("alice", { plan: "premium", status: "active" });
    service.reset();
    for (const node of nodes) expect(await statuses(node, "alice", 20)).toEqual(same(20, 200));
    expect(service.calls.get("alice")).toBe(3);

    // Billing cancels; nobody asks before the invalidation: every node still admits.
    service.answers.set("alice", { plan: "premium", status: "canceled" });
    for (const node of nodes) expect(await statuses(node, "alice", 4)).toEqual(same(4, 200));

    const sent = performance.now();
    const reply = await fetch(invalidateUrl(kind, nodes[0]!, "alice"), { method: "DELETE" });
    expect(reply.status).toBe(204);
    const delays = await Promise.all(nodes.map((node) => until(node, "alice", 402, sent, 5 * BOUND_MS)));
    console.log(`[fleet invalidation, ${kind}] DELETE sent -> first 402 on nodes A (where invalidated), B, C: ${delays.map((d) => `${d.toFixed(1)} ms`).join(", ")}`);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(BOUND_MS);
    // Every worker of every node: nothing admits any more, and each node asked once.
    for (const node of nodes) expect(await statuses(node, "alice", 20)).toEqual(same(20, 402));
    expect(service.calls.get("alice")).toBe(6);
  });

  it("an invalidation of another subject leaves cached answers alone", async () => {
    service.answers.set("carol", { plan: "premium", status: "active" });
    service.reset();
    for (const node of nodes) expect(await statuses(node, "carol", 4)).toEqual(same(4, 200));
    expect((await fetch(invalidateUrl(kind, nodes[1]!, "nobody"), { method: "DELETE" })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    for (const node of nodes) expect(await statuses(node, "carol", 20)).toEqual(same(20, 200));
    expect(service.calls.get("carol")).toBe(3);
  });

  it("Redis restarted: each node drops its whole cache when it reconnects", async () => {
    service.answers.set("bob", { plan: "premium", status: "active" });
    service.reset();
    for (const node of nodes) expect(await statuses(node, "bob", 4)).toEqual(same(4, 200));
    // A change no invalidation announces: only dropping the cache shows it.
    service.answers.set("bob", { plan: "premium", status: "canceled" });
    await redis.restart();
    const restarted = performance.now();
    const delays = await Promise.all(nodes.map((node) => until(node, "bob", 402, restarted, 10_000)));
    console.log(`[fleet invalidation, ${kind}] Redis restarted -> first 402 on A, B, C: ${delays.map((d) => `${d.toFixed(0)} ms`).join(", ")}`);
    for (const delay of delays) expect(delay).toBeLessThan(10_000);
    for (const node of nodes) {
      expect(await statuses(node, "bob", 20)).toEqual(same(20, 402));
      expect(node.errorLog()).toMatch(/fleet invalidation of 'tollgate_cache': subscribed at version 0 \(last applied \d+\) of another Redis generation: dropped this node's cache/);
    }
    // Once to warm up, once after the drop, per node.
    expect(service.calls.get("bob")).toBe(6);
    // And invalidations flow again after the restart.
    service.answers.set("bob", { plan: "premium", status: "active" });
    const sent = performance.now();
    expect((await fetch(invalidateUrl(kind, nodes[2]!, "bob"), { method: "DELETE" })).status).toBe(204);
    const again = await Promise.all(nodes.map((node) => until(node, "bob", 200, sent, 5 * BOUND_MS)));
    console.log(`[fleet invalidation, ${kind}] after the restart, DELETE on C -> first 200 on A, B, C: ${again.map((d) => `${d.toFixed(1)} ms`).join(", ")}`);
    for (const delay of again) expect(delay).toBeLessThanOrEqual(BOUND_MS);
  });

  it("a signed webhook on one node reaches every node; the answer it carries stays on the node that received it", async () => {
    service.answers.set("frank", { plan: "free", status: "active" });
    service.reset();
    for (const node of nodes) expect(await statuses(node, "frank", 4)).toEqual(same(4, 403));
    // Billing upgrades frank and says so, with the answer, to node A only.
    service.answers.set("frank", { plan: "premium", status: "active" });
    const body = JSON.stringify({ id: `fleet-${kind}-${process.pid}`, subjects: ["frank"], answer: { plan: "premium", status: "active" } });
    const t = Math.floor(Date.now() / 1000);
    const signature = `t=${t},v1=${createHmac("sha256", HOOK_SECRET).update(`${t}.${body}`).digest("hex")}`;
    const sent = performance.now();
    const hook = await fetch(`${nodes[0]!.url}/hooks`, { method: "POST", body, headers: { "content-type": "application/json", "tollgate-signature": signature } });
    expect(hook.status).toBe(200);
    const delays = await Promise.all(nodes.map((node) => until(node, "frank", 200, sent, 5 * BOUND_MS)));
    console.log(`[fleet invalidation, ${kind}] webhook on A -> first 200 on A, B, C: ${delays.map((d) => `${d.toFixed(1)} ms`).join(", ")}`);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(BOUND_MS);
    // A's own message came back through Redis meanwhile: A keeps the signed answer (no
    // fetch), B and C asked the service once each.
    await new Promise((r) => setTimeout(r, 300));
    for (const node of nodes) expect(await statuses(node, "frank", 20)).toEqual(same(20, 200));
    expect(service.calls.get("frank")).toBe(5);
  });

  it("a node cut off from Redis while another publishes drops its cache when it reconnects; the others keep theirs", async () => {
    service.answers.set("dave", { plan: "premium", status: "active" });
    for (const node of [nodes[0]!, remote]) expect(await statuses(node, "dave", 4)).toEqual(same(4, 200));
    service.answers.set("dave", { plan: "premium", status: "canceled" });
    wire.cut();
    // An invalidation of someone else while the remote node cannot hear it.
    expect((await fetch(invalidateUrl(kind, nodes[0]!, "nobody-else"), { method: "DELETE" })).status).toBe(204);
    await new Promise((r) => setTimeout(r, 300));
    expect(await statuses(remote, "dave", 4)).toEqual(same(4, 200));
    wire.mend();
    const mended = performance.now();
    const delay = await until(remote, "dave", 402, mended, 10_000);
    console.log(`[fleet invalidation, ${kind}] reconnected after missing an invalidation -> cache dropped after ${delay.toFixed(0)} ms`);
    expect(delay).toBeLessThan(10_000);
    expect(remote.errorLog()).toMatch(/subscribed at version (\d+) \(last applied \d+\): dropped this node's cache/);
    // A node that heard the message dropped "nobody-else" only: dave is still cached there.
    expect(await statuses(nodes[0]!, "dave", 20)).toEqual(same(20, 200));
  });

  it("the listening worker dies: another worker of its node takes over, and invalidations reach the node again", async () => {
    const node = nodes[1]!;
    const listeners = (): number[] => [...node.errorLog().matchAll(/(\d+)#\d+: \*\d+ \[lua\] fleet_invalidation\.lua:\d+: subscribed\(\)/g)].map((m) => Number(m[1]));
    const leader = listeners().at(-1)!;
    process.kill(leader, "SIGKILL");
    const killed = performance.now();
    while (performance.now() - killed < 15_000 && !listeners().some((pid) => pid !== leader)) await new Promise((r) => setTimeout(r, 50));
    const takeover = performance.now() - killed;
    console.log(`[fleet invalidation, ${kind}] listening worker killed -> another worker subscribed after ${takeover.toFixed(0)} ms`);
    expect(listeners().some((pid) => pid !== leader)).toBe(true);

    service.answers.set("erin", { plan: "premium", status: "active" });
    expect(await statuses(node, "erin", 4)).toEqual(same(4, 200));
    service.answers.set("erin", { plan: "premium", status: "canceled" });
    const sent = performance.now();
    expect((await fetch(invalidateUrl(kind, nodes[0]!, "erin"), { method: "DELETE" })).status).toBe(204);
    expect(await until(node, "erin", 402, sent, 5 * BOUND_MS)).toBeLessThanOrEqual(BOUND_MS);
  });

  it("invalidation node (no Redis): an invalidation stays on the node that received it", async () => {
    const [here, there] = solo as [RunningGateway, RunningGateway];
    service.answers.set("carol", { plan: "premium", status: "active" });
    for (const node of solo) expect(await statuses(node, "carol", 4)).toEqual(same(4, 200));
    service.answers.set("carol", { plan: "premium", status: "canceled" });
    expect((await fetch(invalidateUrl(kind, here, "carol"), { method: "DELETE" })).status).toBe(204);
    expect(await statuses(here, "carol", 20)).toEqual(same(20, 402));
    await new Promise((r) => setTimeout(r, 500));
    expect(await statuses(there, "carol", 20)).toEqual(same(20, 200));
  });
});
