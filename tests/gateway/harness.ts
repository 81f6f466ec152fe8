/**
 * What the gateway suites share: start either host with a config, send requests,
 * read what the echo upstream received.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { startApisixHost } from "../runtime/apisix-host.ts";
import type { EchoReport } from "../runtime/echo-upstream.ts";
import { startKongHost } from "../runtime/kong-host.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";

export type HostKind = "kong" | "apisix";
export const HOSTS: HostKind[] = ["kong", "apisix"];

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
  errorLog(): string;
}

/**
 * The gateway's error log once it matches every pattern, polled every 100 ms for at most
 * `timeoutMs` (then as it is, for the test's own assertion to report). For lines written
 * by background work (timers, retries) whose timing a busy machine stretches.
 */
export async function errorLogOnceMatching(gateway: RunningGateway, patterns: RegExp[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = gateway.errorLog();
    if (patterns.every((pattern) => pattern.test(log)) || Date.now() >= deadline) return log;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The repository's own example config of a host, parsed (kong.yml or apisix/apisix.yaml). */
export function exampleConfig(kind: HostKind): Record<string, unknown> {
  const file = kind === "kong" ? "kong.yml" : "apisix/apisix.yaml";
  return parse(readFileSync(join(REPO_ROOT, file), "utf8")) as Record<string, unknown>;
}

export async function startGateway(
  kind: HostKind,
  config: string | Record<string, unknown>,
  upstreamUrl: string,
  workers = 1,
): Promise<RunningGateway> {
  if (kind === "kong") return startKongHost({ config: config as never, upstreamUrl, workers });
  return startApisixHost({ config: config as never, upstreamUrl, workers });
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function request(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const response = await fetch(url, { method: options.method ?? "GET", headers: options.headers });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body };
}

/** The echo upstream's report of what it received. */
export function echoed(reply: Reply): EchoReport {
  return reply.body as EchoReport;
}

/** Sends `count` identical requests, `parallel` at a time; returns their statuses in order. */
export async function burst(
  count: number,
  url: string,
  options: { method?: string; headers?: Record<string, string>; parallel?: number } = {},
): Promise<number[]> {
  const statuses: number[] = new Array<number>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const response = await fetch(url, { method: options.method ?? "GET", headers: options.headers });
      await response.arrayBuffer();
      statuses[index] = response.status;
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 8 }, worker));
  return statuses;
}

export function countOf(statuses: number[], status: number): number {
  return statuses.filter((s) => s === status).length;
}

/**
 * Waits, if needed, until at least `seconds` remain in the current UTC minute, so a
 * test that fills a per-minute window is not split by the window's end.
 */
export async function roomInThisMinute(seconds: number): Promise<void> {
  const intoMinute = (Date.now() / 1000) % 60;
  if (60 - intoMinute < seconds) await new Promise((r) => setTimeout(r, (60 - intoMinute + 0.25) * 1000));
}

export const DEMO_KEYS = { free: "demo-free-key", premium: "demo-premium-key", enterprise: "demo-enterprise-key" } as const;

/**
 * A minimal config for one host: one route /limited to the upstream, key-auth, the
 * three demo consumers (tier by Kong tag / APISIX label), and tier-limit with `conf`.
 */
export function tierLimitConfig(kind: HostKind, conf: Record<string, unknown>): Record<string, unknown> {
  const tiers = Object.keys(DEMO_KEYS) as (keyof typeof DEMO_KEYS)[];
  if (kind === "kong") {
    return {
      _format_version: "3.0",
      services: [{ name: "svc", url: "http://127.0.0.1:9000", routes: [{ name: "limited", paths: ["/limited"] }] }],
      consumers: tiers.map((tier) => ({
        username: `${tier}-user`,
        tags: [`tier:${tier}`],
        keyauth_credentials: [{ key: DEMO_KEYS[tier] }],
      })),
      plugins: [
        { name: "key-auth", config: { key_names: ["apikey"] } },
        { name: "tier-limit", config: conf },
      ],
    };
  }
  return {
    routes: [{ id: "limited", uri: "/limited*", upstream_id: "up", plugins: { "key-auth": {}, "tier-limit": conf } }],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: tiers.map((tier) => ({
      username: `${tier}_user`,
      labels: { tier },
      plugins: { "key-auth": { key: DEMO_KEYS[tier] } },
    })),
  };
}

/**
 * Writes a test-only plugin for both hosts into a fresh directory (give it to a host as
 * `luaPath`): kong/plugins/<name>/handler.lua with a schema without fields, and
 * apisix/plugins/<name>.lua. Suites use these to reach what the test hosts do not serve
 * themselves (Admin API extensions, plugin APIs, per-worker figures).
 */
export function writeTestPlugin(name: string, kongHandler: string, apisixModule: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
  mkdirSync(join(dir, "kong/plugins", name), { recursive: true });
  mkdirSync(join(dir, "apisix/plugins"), { recursive: true });
  writeFileSync(join(dir, "kong/plugins", name, "handler.lua"), kongHandler);
  writeFileSync(
    join(dir, "kong/plugins", name, "schema.lua"),
    `local typedefs = require("kong.db.schema.typedefs")
return { name = "${name}", fields = { { protocols = typedefs.protocols_http }, { config = { type = "record", fields = {} } } } }
`,
  );
  writeFileSync(join(dir, "apisix/plugins", `${name}.lua`), apisixModule);
  return dir;
}
