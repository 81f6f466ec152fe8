/**
 * error_log_interval is per node: a gateway with 2 workers and several configs of the same
 * plugin meeting the same failure writes one error-log line per interval, not one per
 * worker and config (core/log-throttle.ts: a gate in the plugin's lua_shared_dict, an
 * atomic add). tier-limit with Redis down (fault_tolerant) and entitlement-check with the
 * service down (fail_open), both hosts, real nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { freePort } from "../runtime/nginx.ts";
import { describeGateway, HOSTS, startGateway, type HostKind, type RunningGateway } from "./harness.ts";
import { rawGet } from "./raw-http.ts";

/** Configs per plugin: each route has its own, as separate plugin instances would. */
const CONFIGS = 4;
const KEY = "throttle-key";

function tierLimit(deadPort: number, i: number): Record<string, unknown> {
  return {
    tiers: { free: { limits: { GET: { minute: 1000 + i } } } },
    anonymous_tier: "free",
    policy: "redis",
    redis: { host: "127.0.0.1", port: deadPort, timeout_ms: 200 },
    fault_tolerant: true,
    error_log_interval: 3600,
  };
}

function entitlement(deadPort: number, i: number): Record<string, unknown> {
  return {
    plans: { pro: { features: [`reports-${i}`] } },
    subscription_sources: ["service"],
    service: { url: `http://127.0.0.1:${deadPort}/entitlements`, connect_timeout_ms: 200, timeout_ms: 200 },
    fail_open: true,
    error_log_interval: 3600,
  };
}

function gatewayConfig(kind: HostKind, deadPort: number): Record<string, unknown> {
  const indexes = Array.from({ length: CONFIGS }, (_, i) => i);
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [
        {
          name: "svc",
          url: "http://127.0.0.1:9000",
          routes: [
            ...indexes.map((i) => ({ name: `t${i}`, paths: [`/t${i}`], plugins: [{ name: "tier-limit", config: tierLimit(deadPort, i) }] })),
            ...indexes.map((i) => ({
              name: `e${i}`,
              paths: [`/e${i}`],
              plugins: [
                { name: "key-auth", config: { key_names: ["apikey"] } },
                { name: "entitlement-check", config: entitlement(deadPort, i) },
              ],
            })),
          ],
        },
      ],
      consumers: [{ username: "throttled", keyauth_credentials: [{ key: KEY }] }],
    };
  }
  return {
    routes: [
      ...indexes.map((i) => ({ id: `t${i}`, uri: `/t${i}*`, upstream_id: "up", plugins: { "tier-limit": tierLimit(deadPort, i) } })),
      ...indexes.map((i) => ({ id: `e${i}`, uri: `/e${i}*`, upstream_id: "up", plugins: { "key-auth": {}, "entitlement-check": entitlement(deadPort, i) } })),
    ],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: [{ username: "throttled", plugins: { "key-auth": { key: KEY } } }],
  };
}

/** Sends `count` requests, each on its own connection (so both workers take some), spread over the routes `prefix`0 … . */
async function spread(base: string, prefix: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        statuses.push((await rawGet(base, `/${prefix}${i % CONFIGS}/x`, { apikey: KEY })).status);
      }
    }),
  );
  return statuses;
}

/** The error-log lines matching `pattern`, and the worker pids that wrote them. */
function linesOf(log: string, pattern: RegExp): { lines: string[]; pids: Set<string> } {
  const lines = log.split("\n").filter((line) => pattern.test(line));
  return { lines, pids: new Set(lines.map((line) => /\] (\d+)#/.exec(line)?.[1] ?? "?")) };
}

let upstream: EchoUpstream;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.stop();
});

describeGateway.each(HOSTS)("error_log_interval per node, %s-shaped host with 2 workers", (kind) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    // A port nothing listens on: Redis and the entitlement service refuse every connection.
    const deadPort = await freePort();
    gateway = await startGateway(kind, gatewayConfig(kind, deadPort), upstream.url, { workers: 2 });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it(`tier-limit, Redis down, ${CONFIGS} configs: one line in the interval`, async () => {
    const statuses = await spread(gateway.url, "t", 64);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const { lines } = linesOf(gateway.errorLog(), /counter store \(policy redis\) failed/);
    expect(lines, lines.join("\n")).toHaveLength(1);
    expect(lines[0]).toMatch(/failed 1 time\(s\) since the last report/);
  });

  it(`entitlement-check, service down, ${CONFIGS} configs: one line in the interval`, async () => {
    const statuses = await spread(gateway.url, "e", 64);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const { lines } = linesOf(gateway.errorLog(), /entitlement service failed/);
    expect(lines, lines.join("\n")).toHaveLength(1);
  });
});
