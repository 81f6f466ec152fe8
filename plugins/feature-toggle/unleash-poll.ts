/**
 * The request both hosts send to poll an Unleash server's client API
 * (`GET <url>/client/features`), built the same way for the Lua poller
 * (lua/unleash.ts) and the Kong JS plugin server (kong-js.ts).
 */
import { parseHttpUrl, tlsSettings, type HttpCall } from "../core/http-url";
import type { FeatureToggleConfig } from "./schema";

type UnleashConf = NonNullable<FeatureToggleConfig["unleash"]>;

/** The poll: a GET of `path` under the target's base path. */
export interface UnleashPoll extends HttpCall {
  path: string;
}

/** The poll request for `u`, with the ETag of the last answer; undefined when the URL is not http(s) (the schema refuses it). */
export function unleashPoll(u: UnleashConf, appName: string, etag: string | undefined): UnleashPoll | undefined {
  const target = parseHttpUrl(u.url);
  if (target === undefined) return undefined;
  const headers: { [name: string]: string } = {
    Authorization: u.api_token,
    "Unleash-AppName": appName,
    "Unleash-Client-Spec": "5.2.0",
    Accept: "application/json",
  };
  if (etag !== undefined && etag !== "") headers["If-None-Match"] = etag;
  return {
    target,
    path: "/client/features",
    host: target.host,
    port: target.port,
    tls: tlsSettings(target, u),
    headers,
    connectTimeoutMs: u.timeout_ms,
    timeoutMs: u.timeout_ms,
    // One poll at a time per source and worker (process): a small pool suffices.
    poolSize: 2,
    keepaliveMs: 60_000,
    // A larger feature list is refused (the last flags stay).
    maxBodyBytes: 16 * 1024 * 1024,
  };
}
