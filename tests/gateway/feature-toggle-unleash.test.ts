/**
 * feature-toggle driven live by a real Unleash server (npm unleash-server 7.5.1 on a
 * real PostgreSQL, tests/runtime/unleash.ts), through real nginx on both hosts: a
 * flag created and toggled through Unleash's admin API changes the gateway's answer
 * within the poll interval, and with Unleash stopped the gateway keeps the last flags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startUnleash, type UnleashServer } from "../runtime/unleash.ts";
import { describeGateway, errorLogOnceMatching, HOSTS, request, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const POLL_INTERVAL = 1;
/** Unleash's own client-API cache may add a moment to the poll interval. */
const PROPAGATION_BOUND_S = POLL_INTERVAL + 4;
const KEY = "unleash-test-key";

function config(kind: HostKind, flag: string, unleash: UnleashServer): Record<string, unknown> {
  const conf = {
    require: [flag],
    unleash: { url: `${unleash.url}/api`, api_token: unleash.clientToken, poll_interval: POLL_INTERVAL },
  };
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [{ name: "svc", url: "http://127.0.0.1:9000", routes: [{ name: "u", paths: ["/u"] }] }],
      consumers: [{ username: "premium_user", tags: ["tier:premium"], keyauth_credentials: [{ key: KEY }] }],
      plugins: [
        { name: "key-auth", config: { key_names: ["apikey"] } },
        { name: "feature-toggle", config: conf },
      ],
    };
  }
  return {
    routes: [{ id: "u", uri: "/u", upstream_id: "up", plugins: { "key-auth": {}, "feature-toggle": conf } }],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: [{ username: "premium_user", labels: { tier: "premium" }, plugins: { "key-auth": { key: KEY } } }],
  };
}

/** Seconds until GET /u answers `status` (polling every 100 ms), or Infinity after `limit` seconds. */
async function secondsUntil(url: string, status: number, limit: number): Promise<number> {
  const started = Date.now();
  while ((Date.now() - started) / 1000 < limit) {
    if ((await request(`${url}/u`, { headers: { apikey: KEY } })).status === status) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Infinity;
}

let upstream: EchoUpstream;
let unleash: UnleashServer;
beforeAll(async () => {
  upstream = await startEchoUpstream();
  unleash = await startUnleash();
}, 180_000);
afterAll(async () => {
  await unleash?.stop();
  await upstream?.stop();
});

describeGateway.each(HOSTS)("feature-toggle polling Unleash on the %s-shaped host", (host) => {
  const flag = `gateway-${host}`;
  const toggle = (on: boolean) =>
    unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/${on ? "on" : "off"}`);
  let gateway: RunningGateway;

  beforeAll(async () => {
    await unleash.admin("POST", "/api/admin/projects/default/features", { name: flag });
    await unleash.admin("POST", `/api/admin/projects/default/features/${flag}/environments/development/strategies`, {
      name: "default",
      constraints: [],
      parameters: {},
    });
    const conf = config(host, flag, unleash) as never;
    gateway = await startGateway(host, conf, upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("follows a flag toggled through Unleash's admin API within the poll interval", async () => {
    // The flag exists in Unleash and is off: once polled, the gateway says "disabled", not "not_found".
    const deadline = Date.now() + 10_000;
    let body: unknown;
    while (Date.now() < deadline) {
      body = (await request(`${gateway.url}/u`, { headers: { apikey: KEY } })).body;
      if ((body as { reason?: string }).reason === "disabled") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(body).toMatchObject({ error: "feature_not_enabled", feature: flag, reason: "disabled" });

    await toggle(true);
    expect(await secondsUntil(gateway.url, 200, 15)).toBeLessThanOrEqual(PROPAGATION_BOUND_S);
    await toggle(false);
    expect(await secondsUntil(gateway.url, 403, 15)).toBeLessThanOrEqual(PROPAGATION_BOUND_S);
    await toggle(true);
    expect(await secondsUntil(gateway.url, 200, 15)).toBeLessThanOrEqual(PROPAGATION_BOUND_S);
  });

  it("keeps the last known flags while Unleash is down", async () => {
    expect((await request(`${gateway.url}/u`, { headers: { apikey: KEY } })).status).toBe(200);
    await unleash.stopServer();
    try {
      await new Promise((resolve) => setTimeout(resolve, (POLL_INTERVAL * 3 + 1) * 1000));
      for (let i = 0; i < 5; i++) expect((await request(`${gateway.url}/u`, { headers: { apikey: KEY } })).status).toBe(200);
      const kept = /Unleash poll of .* failed \(keeping the last flags\)/;
      expect(await errorLogOnceMatching(gateway, [kept], 10_000)).toMatch(kept);
    } finally {
      await unleash.startServer();
    }
  });
});
