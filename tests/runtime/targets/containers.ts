/**
 * The stock `kong` and `apache/apisix` images, run through testcontainers.
 *
 * A container is configured exactly as the installed target configures a local gateway:
 * Kong by the same kong.conf properties given as KONG_* variables (Kong reads a property
 * `x_y` from KONG_X_Y, kong/conf_loader), APISIX by the same config.yaml and apisix.yaml
 * copied into /usr/local/apisix/conf. The staging directory (lua-out's copy, test plugins,
 * CAs, the declarative config) is mounted read-only at its own path, so every path in
 * those settings holds inside too.
 *
 * Containers share the host's network (Linux Docker engines only, as on GitHub's ubuntu
 * runners): the suites start the echo upstream, Redis, Kafka and entitlement services on
 * the host's 127.0.0.1 and put those addresses into plugin configs, which a container on
 * a bridge network could not reach; the gateway's own listeners are 127.0.0.1 ports
 * chosen free on the host.
 */
import { rmSync } from "node:fs";
import type { Readable } from "node:stream";
import { stringify } from "yaml";
import type { DeclarativeConfig } from "../kong-host.ts";
import type { ApisixStandaloneConfig } from "../apisix-host.ts";
import { NginxStartError } from "../nginx.ts";
import { apisixConfigYaml, refusedAtLoad, stageApisix, type ApisixSettings } from "./apisix-installed.ts";
import { kongProperties, stageKong, type KongSettings } from "./kong-installed.ts";
import { waitForPort } from "./staging.ts";
import type { GatewayOptions, RunningGateway } from "./target.ts";

/** Default images (overridden by TOLLGATE_KONG_IMAGE / TOLLGATE_APISIX_IMAGE). */
export const DEFAULT_IMAGES = { kong: "kong:3.9", apisix: "apache/apisix:3.18.0-debian" } as const;

/** Where APISIX's image keeps its config (its APISIX home). */
const APISIX_IMAGE_CONF = "/usr/local/apisix/conf";

/** Everything a container of the suites is started with. */
export interface ContainerSpec {
  image: string;
  env: Record<string, string>;
  /** Host paths mounted read-only at the same path (settings' paths hold inside). */
  bindMounts: { source: string; target: string; mode: "ro" }[];
  /** Files copied into the container before it starts. */
  files: { content: string; target: string }[];
  networkMode: "host";
  /** The proxy port (on 127.0.0.1, host network). */
  port: number;
  /** The command, run inside, that stops the gateway gracefully (nginx SIGQUIT). */
  quit: string[];
}

/** The image for `kind`: TOLLGATE_KONG_IMAGE / TOLLGATE_APISIX_IMAGE, else the default. */
export function containerImage(kind: "kong" | "apisix", env: NodeJS.ProcessEnv = process.env): string {
  const chosen = kind === "kong" ? env.TOLLGATE_KONG_IMAGE : env.TOLLGATE_APISIX_IMAGE;
  return chosen !== undefined && chosen !== "" ? chosen : DEFAULT_IMAGES[kind];
}

function mounts(stagingDir: string): ContainerSpec["bindMounts"] {
  return [{ source: stagingDir, target: stagingDir, mode: "ro" }];
}

/** The Kong container for `settings` (see kong-installed.ts), with `env` for the plugins. */
export function kongContainerSpec(settings: KongSettings, stagingDir: string, image: string, env: Record<string, string> = {}): ContainerSpec {
  const properties = kongProperties(settings);
  const kongEnv = Object.fromEntries(Object.entries(properties).map(([name, value]) => [`KONG_${name.toUpperCase()}`, value]));
  return {
    image,
    // The image logs to stderr (its KONG_PROXY_ERROR_LOG); said here so errorLog() never depends on it.
    env: { ...env, ...kongEnv, KONG_PROXY_ERROR_LOG: "/dev/stderr" },
    bindMounts: mounts(stagingDir),
    files: [],
    networkMode: "host",
    port: settings.proxyPort,
    quit: ["kong", "quit"],
  };
}

/** The APISIX container for `settings` and the standalone `apisix.yaml` text. */
export function apisixContainerSpec(
  settings: ApisixSettings,
  stagingDir: string,
  standalone: string,
  image: string,
  env: Record<string, string> = {},
): ContainerSpec {
  return {
    image,
    // The image's entrypoint keeps the given config.yaml in standalone mode.
    env: { ...env, APISIX_STAND_ALONE: "true" },
    bindMounts: mounts(stagingDir),
    files: [
      { content: stringify(apisixConfigYaml(settings)), target: `${APISIX_IMAGE_CONF}/config.yaml` },
      { content: standalone, target: `${APISIX_IMAGE_CONF}/apisix.yaml` },
    ],
    networkMode: "host",
    port: settings.port,
    quit: ["apisix", "quit"],
  };
}

/**
 * Why containers cannot run here (no container engine answers), or undefined when they
 * can. testcontainers tries DOCKER_HOST, ~/.testcontainers.properties and the usual sockets.
 */
export async function containersUnavailable(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient } = await import("testcontainers");
    await getContainerRuntimeClient();
    return undefined;
  } catch (error) {
    return `no container engine answers (${(error as Error).message.split("\n")[0]})`;
  }
}

/** Starts a container from `spec`; rejects with NginxStartError (the container's log) when the gateway does not come up. */
async function startContainer(spec: ContainerSpec, stagingDir: string, checkLoaded?: (url: string, log: () => string) => Promise<boolean>): Promise<RunningGateway> {
  const { GenericContainer } = await import("testcontainers");
  const container = await new GenericContainer(spec.image)
    .withNetworkMode(spec.networkMode)
    .withEnvironment(spec.env)
    .withBindMounts(spec.bindMounts)
    .withCopyContentToContainer(spec.files)
    .start();
  let log = "";
  const stream: Readable = await container.logs();
  stream.on("data", (chunk: Buffer | string) => (log += chunk.toString()));
  const errorLog = (): string => log;
  const url = `http://127.0.0.1:${spec.port}`;
  const stop = async (): Promise<void> => {
    await container.exec(spec.quit).catch(() => undefined);
    await container.stop({ timeout: 15_000 });
    if (!process.env.TOLLGATE_KEEP_PREFIX) rmSync(stagingDir, { recursive: true, force: true });
  };

  let ready = await waitForPort(spec.port, 60_000).then(() => true, () => false);
  if (ready && checkLoaded !== undefined) ready = !(await checkLoaded(url, errorLog));
  if (!ready) {
    const output = log;
    await stop();
    throw new NginxStartError(`${spec.image}: the gateway did not come up`, output);
  }
  return { url, errorLog, stop };
}

export async function startKongContainer(config: string | DeclarativeConfig, upstreamUrl: string, options: GatewayOptions = {}): Promise<RunningGateway> {
  const { settings, stagingDir } = await stageKong(config, upstreamUrl, options);
  const gateway = await startContainer(kongContainerSpec(settings, stagingDir, containerImage("kong"), options.env), stagingDir);
  // The host's network: Kong's admin_listen is on the host's loopback too.
  return { ...gateway, adminUrl: `http://127.0.0.1:${settings.adminPort}` };
}

export async function startApisixContainer(config: string | ApisixStandaloneConfig, upstreamUrl: string, options: GatewayOptions = {}): Promise<RunningGateway> {
  const { settings, standalone, stagingDir } = await stageApisix(config, upstreamUrl, options);
  const spec = apisixContainerSpec(settings, stagingDir, standalone, containerImage("apisix"), options.env);
  const gateway = await startContainer(spec, stagingDir, refusedAtLoad);
  // The host's network: the control API listens on the host's loopback too.
  return { ...gateway, controlUrl: `http://127.0.0.1:${settings.controlPort}` };
}
