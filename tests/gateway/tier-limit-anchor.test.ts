/**
 * A monthly quota on a consumer's billing anchor resets at the anchor's instant, not on
 * the 1st: real nginx (2 workers) on both hosts, policies local and redis. The anchor
 * (Kong tag billing_anchor:<RFC 3339>, APISIX label billing_anchor) is set one month
 * before an instant a few seconds after the gateway starts, so the period boundary
 * falls inside the test; the test polls for it with a deadline.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { startRedis, type RedisServer } from "../runtime/redis.ts";
import { describeGateway, HOSTS, request, startGateway, type HostKind, type Reply, type RunningGateway } from "./harness.ts";

const KEY = "anchored-key";
const QUOTA = 3;
/** Seconds from the gateway's start to the period boundary: room to start nginx and fill the quota on a loaded machine. */
const LEAD_SECONDS = 10;

let upstream: EchoUpstream;
let redis: RedisServer;

beforeAll(async () => {
  [upstream, redis] = await Promise.all([startEchoUpstream(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([upstream?.stop(), redis?.stop()]);
});

function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(".000Z", "Z");
}

/**
 * An anchor whose monthly period ends at `boundary`: the same day and time one month
 * earlier (days 29–31 would be clamped, so then the boundary itself: periods run back
 * from an anchor after the request, and the current one ends at it).
 */
function anchorEndingAt(boundary: number): string {
  const at = new Date(boundary * 1000);
  if (at.getUTCDate() > 28) return rfc3339(boundary);
  const before = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds());
  return rfc3339(before / 1000);
}

function config(host: HostKind, anchor: string): Record<string, unknown> {
  // fixed: a quota that resets (a sliding month would still weigh the period before).
  const base = { algorithm: "fixed", fault_tolerant: false, anchor_sources: ["consumer"], tiers: { free: { limits: { GET: { second: 1000, month: QUOTA } } } } };
  const byPolicy: Record<string, Record<string, unknown>> = {
    local: { ...base, policy: "local" },
    redis: { ...base, policy: "redis", redis: { host: redis.host, port: redis.port, timeout_ms: 5000 } },
  };
  if (host === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: Object.keys(byPolicy).map((policy) => ({ name: policy, paths: [`/${policy}`], plugins: [{ name: "tier-limit", config: byPolicy[policy] }] })),
        },
      ],
      consumers: [{ username: "anchored", tags: ["tier:free", `billing_anchor:${anchor}`], keyauth_credentials: [{ key: KEY }] }],
      plugins: [{ name: "key-auth", config: { key_names: ["apikey"] } }],
    };
  }
  return {
    routes: Object.keys(byPolicy).map((policy) => ({ id: policy, uri: `/${policy}*`, upstream_id: "up", plugins: { "key-auth": {}, "tier-limit": byPolicy[policy] } })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: [{ username: "anchored", labels: { tier: "free", billing_anchor: anchor }, plugins: { "key-auth": { key: KEY } } }],
  };
}

describeGateway.each(HOSTS)("monthly quota on a billing anchor, %s-shaped host with 2 workers", (host) => {
  let gateway: RunningGateway;
  let boundary: number;

  beforeAll(async () => {
    boundary = Math.floor(Date.now() / 1000) + LEAD_SECONDS;
    gateway = await startGateway(host, config(host, anchorEndingAt(boundary)), upstream.url, 2);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  const get = (path: string): Promise<Reply> => request(`${gateway.url}${path}`, { headers: { apikey: KEY } });

  /** Fills the quota behind `path`, sees 429, then polls until the boundary admits a request. */
  async function resetsAtAnchor(path: string): Promise<void> {
    for (let i = 0; i < QUOTA; i++) expect((await get(path)).status).toBe(200);
    const refused = await get(path);
    const refusedAt = Date.now() / 1000;
    // If this fails, the machine was too slow to fill the quota before the boundary (not a tier-limit fault).
    expect(refusedAt).toBeLessThan(boundary);
    expect(refused.status).toBe(429);
    // The period ends at the anchor's instant (seconds away), not at the 1st of a month.
    const reset = Number(refused.headers.get("ratelimit-reset"));
    expect(Math.abs(reset - (boundary - refusedAt))).toBeLessThanOrEqual(2);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(LEAD_SECONDS + 1);

    let admitted: Reply | undefined;
    let admittedAt = 0;
    const deadline = boundary + 30;
    while (Date.now() / 1000 < deadline) {
      const reply = await get(path);
      if (reply.status === 200) {
        admitted = reply;
        admittedAt = Date.now() / 1000;
        break;
      }
      expect(reply.status).toBe(429);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(admitted?.status).toBe(200);
    // Refused requests never counted: the new period holds this one request.
    expect(admitted!.headers.get("x-ratelimit-remaining-month")).toBe(`${QUOTA - 1}`);
    // Same clock (one machine): admitted at the boundary, not before it.
    expect(admittedAt).toBeGreaterThanOrEqual(boundary);
  }

  // Both policies at once: they share the one boundary the gateway was configured with.
  it("policies local and redis: full until the anchor's instant, admitted from it", async () => {
    await Promise.all([resetsAtAnchor("/local"), resetsAtAnchor("/redis")]);
  });
});
