/**
 * What the gateway suites share: start a Kong or an APISIX gateway with a config, send
 * requests, read what the echo upstream received.
 *
 * Which gateways run is TOLLGATE_GATEWAY (tests/runtime/targets/target.ts): tollgate's
 * Kong-shaped and APISIX-shaped test hosts by default, or stock gateways, installed or in
 * containers (docs/TESTING-GATEWAYS.md). A test that needs the test hosts themselves says
 * so with `hostsOnly`; every other test runs unchanged on each target.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { startApisixHost } from "../runtime/apisix-host.ts";
import type { EchoReport } from "../runtime/echo-upstream.ts";
import { startKongHost } from "../runtime/kong-host.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";
import { startInstalledApisix } from "../runtime/targets/apisix-installed.ts";
import { startApisixContainer, startKongContainer } from "../runtime/targets/containers.ts";
import { startInstalledKong } from "../runtime/targets/kong-installed.ts";
import { GATEWAY_KINDS, GATEWAY_TARGET, type GatewayKind, type GatewayOptions, type RunningGateway } from "../runtime/targets/target.ts";

export type { GatewayOptions, RunningGateway };
export { GATEWAY_TARGET };
export { describeGateway, hostsOnly } from "../runtime/targets/suites.ts";

export type HostKind = GatewayKind;
/** The gateways the suites run on: both unless TOLLGATE_GATEWAY_KINDS names one. */
export const HOSTS: HostKind[] = GATEWAY_KINDS;

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

/**
 * Starts a `kind` gateway of this run's target with `config` (a Kong declarative config or
 * an APISIX standalone config, path or object), every service/upstream pointed at
 * `upstreamUrl`. `options` is a worker count or GatewayOptions. Rejects with
 * NginxStartError when the gateway refuses the config.
 */
export async function startGateway(
  kind: HostKind,
  config: string | Record<string, unknown>,
  upstreamUrl: string,
  options: number | GatewayOptions = 1,
): Promise<RunningGateway> {
  const opts: GatewayOptions = typeof options === "number" ? { workers: options } : options;
  switch (GATEWAY_TARGET) {
    case "hosts":
      return kind === "kong" ? startKongHost({ ...opts, config: config as never, upstreamUrl }) : startApisixHost({ ...opts, config: config as never, upstreamUrl });
    case "installed":
      return kind === "kong" ? startInstalledKong(config as never, upstreamUrl, opts) : startInstalledApisix(config as never, upstreamUrl, opts);
    case "containers":
      return kind === "kong" ? startKongContainer(config as never, upstreamUrl, opts) : startApisixContainer(config as never, upstreamUrl, opts);
  }
}

/** A Kong gateway's Admin API, for the suites that call tollgate's Admin API extensions. */
export function kongAdminUrl(gateway: RunningGateway): string {
  if (gateway.adminUrl === undefined) throw new Error(`this gateway target (${GATEWAY_TARGET}) serves no Kong Admin API`);
  return gateway.adminUrl;
}

/** An APISIX gateway's control API (apisix.enable_control), for plugins' control_api() routes. */
export function apisixControlUrl(gateway: RunningGateway): string {
  if (gateway.controlUrl === undefined) throw new Error(`this gateway target (${GATEWAY_TARGET}) serves no APISIX control API`);
  return gateway.controlUrl;
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
