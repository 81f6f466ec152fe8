/**
 * tier-limit through real nginx + ngx_lua, on the Kong-shaped and the APISIX-shaped
 * host, with each host's example config from this repository (kong.yml,
 * apisix/apisix.yaml), proxying to the echo upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import {
  burst,
  countOf,
  echoed,
  exampleConfig,
  describeGateway,
  HOSTS,
  request,
  roomInThisMinute,
  startGateway,
  type RunningGateway,
} from "./harness.ts";

const FREE = { apikey: "demo-free-key" };
const PREMIUM = { apikey: "demo-premium-key" };
const ENTERPRISE = { apikey: "demo-enterprise-key" };

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

describeGateway.each(HOSTS)("tier-limit on the %s-shaped host", (host) => {
  let gateway: RunningGateway;

  beforeAll(async () => {
    gateway = await startGateway(host, exampleConfig(host), upstream.url);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("answers 401 without an API key (the auth plugin runs first)", async () => {
    const reply = await request(`${gateway.url}/orders`);
    expect(reply.status).toBe(401);
  });

  it("forwards the resolved tier upstream, replacing a client-sent X-API-Tier", async () => {
    const reply = await request(`${gateway.url}/orders/42`, { headers: { ...PREMIUM, "X-API-Tier": "enterprise" } });
    expect(reply.status).toBe(200);
    expect(echoed(reply).headers["x-api-tier"]).toBe("premium");
  });

  it("limits free GET at 500 per minute: the 501st gets 429 JSON with Retry-After, premium still passes", async () => {
    await roomInThisMinute(20);
    const statuses = await burst(500, `${gateway.url}/orders`, { headers: FREE });
    expect(countOf(statuses, 200)).toBe(500);

    const limited = await request(`${gateway.url}/orders`, { headers: FREE });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("content-type")).toMatch(/application\/json/);
    expect(limited.body).toMatchObject({ error: "rate_limited", tier: "free", window: "minute", limit: 500 });
    expect(limited.headers.get("x-ratelimit-remaining-minute")).toBe("0");

    const premium = await request(`${gateway.url}/orders`, { headers: PREMIUM });
    expect(premium.status).toBe(200);
    expect(premium.headers.get("x-ratelimit-limit-minute")).toBe("5000");
  });

  it("counts POST separately from GET: free POST is limited at 100 per minute", async () => {
    await roomInThisMinute(10);
    const statuses = await burst(101, `${gateway.url}/orders`, { method: "POST", headers: PREMIUM });
    expect(countOf(statuses, 200)).toBe(101);
    const free = await burst(101, `${gateway.url}/orders`, { method: "POST", headers: { apikey: "demo-free-key" } });
    // The free consumer's GET window may already be full from the test above; POST has its own 100.
    expect(countOf(free, 200)).toBe(100);
    expect(countOf(free, 429)).toBe(1);
  });

  it("never limits enterprise and sends it no rate-limit headers", async () => {
    const statuses = await burst(600, `${gateway.url}/orders`, { headers: ENTERPRISE });
    expect(countOf(statuses, 200)).toBe(600);
    const reply = await request(`${gateway.url}/orders`, { headers: ENTERPRISE });
    expect(reply.headers.get("ratelimit-limit")).toBeNull();
    expect(echoed(reply).headers["x-api-tier"]).toBe("enterprise");
  });

  it("sends RateLimit-* headers for the tightest window", async () => {
    const reply = await request(`${gateway.url}/sandbox`, { headers: PREMIUM });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("ratelimit-limit")).toBe("10");
    expect(Number(reply.headers.get("ratelimit-remaining"))).toBeLessThanOrEqual(9);
    const reset = Number(reply.headers.get("ratelimit-reset"));
    expect(reset).toBeGreaterThanOrEqual(1);
    expect(reset).toBeLessThanOrEqual(60);
  });
});

describeGateway.each(HOSTS)("tier-limit config checked at start-up on the %s-shaped host", (host) => {
  function withFreeGetLimit(value: unknown): Record<string, unknown> {
    const config = exampleConfig(host);
    if (host === "kong") {
      const plugins = config["plugins"] as { name: string; config: { tiers: Record<string, { limits: Record<string, unknown> }> } }[];
      plugins.find((p) => p.name === "tier-limit")!.config.tiers["free"]!.limits["GET"] = { minute: value };
    } else {
      const routes = config["routes"] as { plugins: Record<string, { tiers: Record<string, { limits: Record<string, unknown> }> }> }[];
      routes[0]!.plugins["tier-limit"]!.tiers["free"]!.limits["GET"] = { minute: value };
    }
    return config;
  }

  it("refuses to start with a negative limit, naming the field", async () => {
    const attempt = startGateway(host, withFreeGetLimit(-1), upstream.url);
    await expect(attempt).rejects.toBeInstanceOf(NginxStartError);
    await expect(attempt).rejects.toThrow(/tiers\.free\.limits\.GET\.minute/);
  });

  it("refuses to start with an unknown window, naming the field", async () => {
    const config = withFreeGetLimit(1);
    const text = JSON.stringify(config).replace('"GET":{"minute":1}', '"GET":{"fortnight":1}');
    const attempt = startGateway(host, JSON.parse(text) as Record<string, unknown>, upstream.url);
    await expect(attempt).rejects.toThrow(/fortnight/);
  });
});
