/**
 * How both hosts call the remote entitlement service (`GET <url>/<subject>`), built
 * the same way for the Lua client (lua/access.ts) and the Kong JS plugin server
 * (kong-js.ts) from the `service` part of the config.
 */
import { parseHttpUrl, tlsSettings, type HttpCall } from "../core/http-url";
import type { EntitlementCheckConfig } from "./schema";

type ServiceConf = EntitlementCheckConfig["service"];

/** The request settings for `s`; undefined when its URL is not http(s) (the schema refuses that when the service source is on). */
export function serviceRequest(s: ServiceConf): HttpCall | undefined {
  const target = parseHttpUrl(s.url ?? "");
  if (target === undefined) return undefined;
  const headers: { [name: string]: string } = {};
  if (s.auth_header !== undefined && s.auth_value !== undefined) headers[s.auth_header] = s.auth_value;
  return {
    target,
    host: target.host,
    port: target.port,
    tls: tlsSettings(target, s),
    headers,
    connectTimeoutMs: s.connect_timeout_ms,
    timeoutMs: s.timeout_ms,
    poolSize: s.pool_size,
    keepaliveMs: s.keepalive_ms,
    maxBodyBytes: s.max_body_bytes,
  };
}

