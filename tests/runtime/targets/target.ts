/**
 * Which gateways the gateway suites run against, read in this one place:
 *
 *   TOLLGATE_GATEWAY=hosts       (default) tollgate's Kong-shaped and APISIX-shaped test hosts
 *   TOLLGATE_GATEWAY=installed   a stock Kong (KONG_BIN) and a stock APISIX (APISIX_HOME),
 *                                started and stopped with their own CLIs
 *   TOLLGATE_GATEWAY=containers  the stock `kong` and `apache/apisix` images (TOLLGATE_KONG_IMAGE,
 *                                TOLLGATE_APISIX_IMAGE) through testcontainers
 *
 * and TOLLGATE_GATEWAY_KINDS=kong,apisix (default both) which of the two gateways run.
 * docs/TESTING-GATEWAYS.md describes each.
 */

export type GatewayTarget = "hosts" | "installed" | "containers";
export const GATEWAY_TARGETS: readonly GatewayTarget[] = ["hosts", "installed", "containers"];

/** The target named by `value` (TOLLGATE_GATEWAY); unset or empty means the test hosts. */
export function parseGatewayTarget(value: string | undefined): GatewayTarget {
  if (value === undefined || value === "") return "hosts";
  if ((GATEWAY_TARGETS as readonly string[]).includes(value)) return value as GatewayTarget;
  throw new Error(`TOLLGATE_GATEWAY=${value}: expected one of ${GATEWAY_TARGETS.join(", ")}`);
}

/** The target of this test run. */
export const GATEWAY_TARGET: GatewayTarget = parseGatewayTarget(process.env.TOLLGATE_GATEWAY);

export type GatewayKind = "kong" | "apisix";
const KINDS: readonly GatewayKind[] = ["kong", "apisix"];

/** The gateways named by `value` (TOLLGATE_GATEWAY_KINDS, comma-separated); unset or empty means both. */
export function parseGatewayKinds(value: string | undefined): GatewayKind[] {
  if (value === undefined || value.trim() === "") return [...KINDS];
  const names = value.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!(KINDS as readonly string[]).includes(name)) throw new Error(`TOLLGATE_GATEWAY_KINDS=${value}: ${name} is not one of ${KINDS.join(", ")}`);
  }
  return KINDS.filter((kind) => names.includes(kind));
}

/** The gateways of this test run (e.g. only Kong where only Kong is installed). */
export const GATEWAY_KINDS: GatewayKind[] = parseGatewayKinds(process.env.TOLLGATE_GATEWAY_KINDS);

/**
 * What a suite may ask of any gateway, whichever target runs it. Each is something a
 * user configures on a stock gateway too (see README.md "Install"), so every target can
 * honour it.
 */
export interface GatewayOptions {
  /** nginx worker processes (Kong nginx_worker_processes, APISIX nginx_config.worker_processes); default 1. */
  workers?: number;
  /** Extra directories put first on the Lua path (e.g. test-only plugins written by writeTestPlugin). */
  luaPath?: string[];
  /** lua_shared_dict name -> size, merged over DEFAULT_SHARED_DICTS. */
  sharedDicts?: Record<string, string>;
  /** Environment for the gateway, each name declared with `env` so plugins can os.getenv it. */
  env?: Record<string, string>;
  /** CA files trusted for outbound TLS besides the system's. */
  trustedCaFiles?: string[];
}

/** The running gateway, whatever started it. */
export interface RunningGateway {
  /** `http://127.0.0.1:<proxy port>` */
  url: string;
  stop(): Promise<void>;
  /** The gateway's error log so far. */
  errorLog(): string;
  /** Kong's Admin API (`http://127.0.0.1:<admin port>`), where the target serves one. */
  adminUrl?: string;
  /** APISIX's control API (`http://127.0.0.1:<control port>`, apisix.enable_control), where the target serves one. */
  controlUrl?: string;
}

/** tollgate's plugins, as README.md's "Install" sections enable them. */
export const TOLLGATE_PLUGINS = ["tier-limit", "entitlement-check", "feature-toggle", "kafka-usage"] as const;
