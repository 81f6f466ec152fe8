/**
 * APISIX's `_meta` on tollgate's plugins (APISIX-shaped host; needs its internals: the
 * `_meta` handling is the host's emulation of apisix/plugin.lua 3.18.0). APISIX injects
 * `_meta` into every plugin's schema and interprets it itself; tollgate's check_schema
 * must let it through (it refused "config._meta: unknown field").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApisixHost, type ApisixHost } from "../runtime/apisix-host.ts";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { hostsOnly, request, roomInThisMinute } from "./harness.ts";

const onHosts = hostsOnly("starts the APISIX-shaped host directly");

const KEY = "meta-free-key";
const ONE_PER_MINUTE = { tiers: { free: { limits: { GET: { minute: 1 } } } } };
// entitlement-check (APISIX priority 1005) refuses every request here: the free plan lacks "reports".
const NO_REPORTS = { plans: { free: { features: ["orders"] } }, required_features: ["reports"] };

function route(id: string, plugins: Record<string, unknown>): Record<string, unknown> {
  return { id, uri: `/${id}`, upstream_id: "up", plugins: { "key-auth": {}, ...plugins } };
}

const CONFIG = {
  routes: [
    route("error-response", { "tier-limit": { ...ONE_PER_MINUTE, _meta: { disable: false, error_response: { message: "slow down" } } } }),
    route("disabled", { "tier-limit": { ...ONE_PER_MINUTE, _meta: { disable: true } } }),
    // tier-limit (1010) before entitlement-check: it counts, then the next request is a 429.
    route("default-order", { "tier-limit": ONE_PER_MINUTE, "entitlement-check": NO_REPORTS }),
    // _meta.priority puts tier-limit after entitlement-check, which ends every request first.
    route("reordered", { "tier-limit": { ...ONE_PER_MINUTE, _meta: { priority: 1 } }, "entitlement-check": NO_REPORTS }),
  ],
  upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
  consumers: [{ username: "free_user", labels: { tier: "free", plan: "free" }, plugins: { "key-auth": { key: KEY } } }],
};

let upstream: EchoUpstream;
let host: ApisixHost;

beforeAll(async () => {
  upstream = await startEchoUpstream();
  host = await startApisixHost({ config: CONFIG, upstreamUrl: upstream.url });
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await upstream?.stop();
});

async function statuses(path: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await request(`${host.url}${path}`, { headers: { apikey: KEY } })).status);
  return out;
}

onHosts("APISIX-shaped host: _meta on tollgate's plugins", () => {
  it("a config with _meta loads, and _meta.error_response replaces the body of a 429", async () => {
    await roomInThisMinute(10);
    expect((await request(`${host.url}/error-response`, { headers: { apikey: KEY } })).status).toBe(200);
    const limited = await request(`${host.url}/error-response`, { headers: { apikey: KEY } });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ message: "slow down" });
  });

  it("_meta.disable: true leaves the plugin out", async () => {
    expect(await statuses("/disabled", 3)).toEqual([200, 200, 200]);
  });

  it("_meta.priority reorders the plugins of a phase", async () => {
    await roomInThisMinute(10);
    expect(await statuses("/default-order", 2)).toEqual([403, 429]);
    expect(await statuses("/reordered", 2)).toEqual([403, 403]);
  });

  it("a wrong _meta is refused by APISIX's injected schema", async () => {
    const bad = { ...CONFIG, routes: [route("bad", { "tier-limit": { ...ONE_PER_MINUTE, _meta: { priority: "high" } } })] };
    // Stopped again should it start after all (the test then fails).
    const started = startApisixHost({ config: bad, upstreamUrl: upstream.url }).then(async (h) => {
      await h.stop();
      return h;
    });
    await expect(started).rejects.toThrow(NginxStartError);
    await expect(started).rejects.toThrow(/failed to check the configuration of plugin tier-limit err: property "_meta" validation failed/);
  }, 30_000);
});
