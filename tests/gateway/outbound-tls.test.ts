/**
 * TLS to the services the plugins call, through real nginx on both hosts:
 * entitlement-check's entitlement service and feature-toggle's Unleash server (Node
 * https servers) and tier-limit's Redis (redis-server on a tls-port), each with a
 * certificate from a throwaway CA (tests/runtime/tls.ts) — or with a self-signed one
 * that the gateway does not trust. The gateways trust the system's CAs plus the test
 * CA, as an operator configures Kong's lua_ssl_trusted_certificate or APISIX's
 * apisix.ssl.ssl_trusted_certificate.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService, type EntitlementService } from "../runtime/entitlement-service.ts";
import { redisCli, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "../runtime/redis.ts";
import { createTestPki, type ServerCertificate, type TestPki } from "../runtime/tls.ts";
import { describeGateway, echoed, errorLogOnceMatching, HOSTS, request, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const PLANS = { free: { features: ["basic"] }, premium: { includes: ["free"], features: ["reports"] } };
const SECRET = "Bearer tls-secret";

/** An Unleash client API stand-in over https: one flag, `beta`, on for everyone. */
interface UnleashStub {
  url: string;
  /** Polls that reached the HTTP layer (after a completed handshake). */
  polls: number;
  stop(): Promise<void>;
}

async function startUnleashStub(certificate: ServerCertificate): Promise<UnleashStub> {
  const features = { version: 2, features: [{ name: "beta", enabled: true, strategies: [{ name: "default", parameters: {} }] }] };
  const stub: UnleashStub = { url: "", polls: 0, stop: async () => {} };
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    stub.polls++;
    if (req.url !== "/api/client/features") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json", etag: '"v1"' }).end(JSON.stringify(features));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stub.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  stub.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return stub;
}

/** The route paths, what each one's plugin is pointed at, and how. */
function routes(
  mutualService: string,
  trusted: string,
  rogue: string,
  unleashTrusted: string,
  unleashRogue: string,
  redisTrusted: RedisServer,
  redisRogue: RedisServer,
  cluster: RedisCluster,
  redisMutual: RedisServer,
  clientCert: ServerCertificate,
): { path: string; plugin: string; conf: Record<string, unknown> }[] {
  const entitlement = (url: string, tls: Record<string, unknown>) => ({
    plans: PLANS,
    subscription_sources: ["service"],
    service: { url, auth_header: "Authorization", auth_value: SECRET, connect_timeout_ms: 500, timeout_ms: 1000, ...tls },
    required_features: ["reports"],
  });
  const toggle = (url: string, tls: Record<string, unknown>) => ({ require: ["beta"], unleash: { url, api_token: "client-token", poll_interval: 1, ...tls } });
  // Three GETs a minute, counted in Redis; a failing Redis answers 503.
  const limit = (redis: RedisServer | RedisCluster, tls: Record<string, unknown>) => ({
    tiers: { gold: { limits: { GET: { minute: 3 } } } },
    default_tier: "gold",
    policy: "nodes" in redis ? "redis-cluster" : "redis",
    fault_tolerant: false,
    redis: {
      ...("nodes" in redis ? { cluster_nodes: redis.nodes.map((n) => `${n.host}:${n.port}`) } : { host: redis.host, port: redis.port }),
      ssl: true,
      timeout_ms: 1000,
      ...tls,
    },
  });
  return [
    // The URL names an IP address and the certificate names localhost: server_name says which name to check.
    { path: "/verified", plugin: "entitlement-check", conf: entitlement(trusted, { server_name: "localhost" }) },
    { path: "/wrong-name", plugin: "entitlement-check", conf: entitlement(trusted, { server_name: "billing.example.com" }) },
    { path: "/untrusted", plugin: "entitlement-check", conf: entitlement(rogue, { server_name: "localhost" }) },
    { path: "/unverified", plugin: "entitlement-check", conf: entitlement(rogue, { ssl_verify: false }) },
    // A service that requires a client certificate from the test CA: with one, and without.
    { path: "/mutual-service", plugin: "entitlement-check", conf: entitlement(mutualService, { server_name: "localhost", client_cert: clientCert.cert, client_key: clientCert.key }) },
    { path: "/mutual-service-no-cert", plugin: "entitlement-check", conf: entitlement(mutualService, { server_name: "localhost" }) },
    { path: "/flags-verified", plugin: "feature-toggle", conf: toggle(unleashTrusted, { server_name: "localhost" }) },
    { path: "/flags-untrusted", plugin: "feature-toggle", conf: toggle(unleashRogue, { server_name: "localhost" }) },
    { path: "/limit-verified", plugin: "tier-limit", conf: limit(redisTrusted, { server_name: "localhost" }) },
    { path: "/limit-untrusted", plugin: "tier-limit", conf: limit(redisRogue, { server_name: "localhost" }) },
    { path: "/limit-unverified", plugin: "tier-limit", conf: limit(redisRogue, { ssl_verify: false }) },
    { path: "/limit-cluster", plugin: "tier-limit", conf: limit(cluster, { server_name: "localhost" }) },
    // A Redis that wants a client certificate (tls-auth-clients yes): with one, and without.
    { path: "/limit-mutual", plugin: "tier-limit", conf: limit(redisMutual, { server_name: "localhost", client_cert: clientCert.cert, client_key: clientCert.key }) },
    { path: "/limit-no-client-cert", plugin: "tier-limit", conf: limit(redisMutual, { server_name: "localhost" }) },
  ];
}

async function startHost(kind: HostKind, upstreamUrl: string, pki: TestPki, specs: ReturnType<typeof routes>): Promise<RunningGateway> {
  if (kind === "kong") {
    const config = {
      _format_version: "3.0",
      services: [{ name: "svc", url: "http://127.0.0.1:9000", routes: specs.map((r, i) => ({ name: `r${i}`, paths: [r.path], plugins: [{ name: r.plugin, config: r.conf }] })) }],
      consumers: CONSUMERS.map((name) => ({ username: name, keyauth_credentials: [{ key: `k-${name}` }] })),
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
    };
    return startGateway(kind, config, upstreamUrl, { trustedCaFiles: [pki.caFile] });
  }
  const config = {
    routes: specs.map((r, i) => ({ id: `r${i}`, uri: r.path, upstream_id: "up", plugins: { "key-auth": {}, [r.plugin]: r.conf } })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: CONSUMERS.map((name) => ({ username: name, plugins: { "key-auth": { key: `k-${name}` } } })),
  };
  return startGateway(kind, config, upstreamUrl, { trustedCaFiles: [pki.caFile] });
}

/**
 * One consumer per entitlement route: configs that reach the same service with the same
 * TLS settings share cached answers, and each case must reach the service itself.
 */
const CONSUMERS = ["alice", "bob", "carol", "dave", "erin", "frank"];
const as = (name: string): { headers: Record<string, string> } => ({ headers: { apikey: `k-${name}` } });
const ALICE = as("alice");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let pki: TestPki;
let upstream: EchoUpstream;
let trusted: EntitlementService;
let rogue: EntitlementService;
let mutualService: EntitlementService;
let unleashTrusted: UnleashStub;
let unleashRogue: UnleashStub;
let redisTrusted: RedisServer;
let redisRogue: RedisServer;
let cluster: RedisCluster;
let redisMutual: RedisServer;

beforeAll(async () => {
  pki = createTestPki();
  upstream = await startEchoUpstream();
  trusted = await startEntitlementService("/entitlements", pki.server);
  rogue = await startEntitlementService("/entitlements", pki.untrusted);
  mutualService = await startEntitlementService("/entitlements", pki.server, pki.caFile);
  for (const service of [trusted, rogue, mutualService]) for (const name of CONSUMERS) service.answers.set(name, { plan: "premium", status: "active" });
  unleashTrusted = await startUnleashStub(pki.server);
  unleashRogue = await startUnleashStub(pki.untrusted);
  redisTrusted = await startRedis({ tls: pki.server });
  redisRogue = await startRedis({ tls: pki.untrusted });
  cluster = await startRedisCluster(3, { certificate: pki.server, caFile: pki.caFile });
  // The client certificate is the server one: the test CA signed it for client use too.
  redisMutual = await startRedis({ tls: pki.server, clientCa: { caFile: pki.caFile, cliCertificate: pki.server } });
});

afterAll(async () => {
  await redisMutual?.stop();
  await cluster?.stop();
  await redisRogue?.stop();
  await redisTrusted?.stop();
  await unleashRogue?.stop();
  await unleashTrusted?.stop();
  await mutualService?.stop();
  await rogue?.stop();
  await trusted?.stop();
  await upstream?.stop();
  pki?.remove();
});

describeGateway.each(HOSTS)("https:// services on the %s-shaped host", (kind) => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startHost(kind, upstream.url, pki, routes(mutualService.url, trusted.url, rogue.url, unleashTrusted.url, unleashRogue.url, redisTrusted, redisRogue, cluster, redisMutual, pki.server));
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("entitlement-check: a service whose certificate chains to a trusted CA and names server_name is asked over TLS", async () => {
    trusted.reset();
    const reply = await request(`${gateway.url}/verified`, ALICE);
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
    expect(trusted.calls.get("alice")).toBe(1);
    expect(trusted.authHeaders).toEqual([SECRET]);
  });

  it("entitlement-check: a certificate for another name, or from an untrusted CA, is refused before anything is sent (503 JSON)", async () => {
    rogue.reset();
    trusted.reset();
    for (const [path, consumer] of [["/wrong-name", "bob"], ["/untrusted", "carol"]] as const) {
      const reply = await request(`${gateway.url}${path}`, as(consumer));
      expect(reply.status, path).toBe(503);
      expect(reply.body, path).toMatchObject({ error: "entitlement_unavailable" });
    }
    // The handshake failed: the request (and its Authorization secret) never reached either server.
    expect(trusted.totalCalls()).toBe(0);
    expect(rogue.totalCalls()).toBe(0);
    expect(rogue.authHeaders).toEqual([]);
    const log = gateway.errorLog();
    expect(log).toMatch(/entitlement service failed .*TLS handshake: .*certificate/);
  });

  it("entitlement-check: ssl_verify false talks TLS to a server it cannot authenticate", async () => {
    rogue.reset();
    const reply = await request(`${gateway.url}/unverified`, as("dave"));
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
    expect(rogue.authHeaders).toEqual([SECRET]);
  });

  it("entitlement-check: a service that requires a client certificate answers with one (mutual TLS); without one: 503 JSON", async () => {
    mutualService.reset();
    const reply = await request(`${gateway.url}/mutual-service`, as("erin"));
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-plan"]).toBe("premium");
    const refused = await request(`${gateway.url}/mutual-service-no-cert`, as("frank"));
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: "entitlement_unavailable" });
    expect(mutualService.calls.get("erin")).toBe(1);
    expect(mutualService.calls.get("frank")).toBeUndefined();
    // The config without a certificate failed for frank; the one with a certificate reaches
    // the service in its own right, not with that failure.
    const withCert = await request(`${gateway.url}/mutual-service`, as("frank"));
    expect(withCert.status).toBe(200);
    expect(mutualService.calls.get("frank")).toBe(1);
  });

  it("feature-toggle: flags polled from an https:// Unleash take effect; an untrusted one is never read (the last flags stay)", async () => {
    // Before the first poll the route's flag is unknown: 403. The poll runs at start-up and every second.
    let verified = 0;
    for (let i = 0; i < 40 && verified !== 200; i++) {
      verified = (await request(`${gateway.url}/flags-verified`, ALICE)).status;
      if (verified !== 200) await sleep(100);
    }
    expect(verified).toBe(200);
    expect(unleashTrusted.polls).toBeGreaterThan(0);
    // The first request starts that config's poller; after a second it has tried twice.
    expect((await request(`${gateway.url}/flags-untrusted`, ALICE)).status).toBe(403);
    await sleep(1500);
    expect((await request(`${gateway.url}/flags-untrusted`, ALICE)).status).toBe(403);
    expect(unleashRogue.polls).toBe(0);
    const refused = /Unleash poll of https:\/\/127\.0\.0\.1:\d+\/api failed \(keeping the last flags\): TLS handshake: .*certificate/;
    expect(await errorLogOnceMatching(gateway, [refused], 10_000)).toMatch(refused);
  });

  it("tier-limit: counts in a Redis on a tls-port whose certificate is trusted and names server_name", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${gateway.url}/limit-verified`, ALICE)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const keys = await redisCli({ port: redisTrusted.port, tls: true }, "--scan", "--pattern", "tl:*");
    expect(keys.split("\n").filter(Boolean).length).toBeGreaterThan(0);
  });

  it("tier-limit: counts in a Redis Cluster whose nodes all speak TLS (slot map and script over TLS)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${gateway.url}/limit-cluster`, ALICE)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("tier-limit: a Redis that asks for a client certificate counts with one (mutual TLS), and refuses a client without one (503 as configured)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${gateway.url}/limit-mutual`, ALICE)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await request(`${gateway.url}/limit-no-client-cert`, ALICE);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: "rate_limit_unavailable" });
  });

  it("tier-limit: an untrusted Redis certificate is a store failure (503 JSON as configured); ssl_verify false counts there", async () => {
    const refused = await request(`${gateway.url}/limit-untrusted`, ALICE);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: "rate_limit_unavailable" });
    expect(gateway.errorLog()).toMatch(/counter store \(policy redis\) failed .*TLS handshake: .*certificate/);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${gateway.url}/limit-unverified`, ALICE)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
