/**
 * How both hosts call the remote entitlement service (`GET <url>/<subject>`), built
 * the same way for the Lua client (lua/access.ts) and the Kong JS plugin server
 * (kong-js.ts) from the `service` part of the config.
 */
import { parseHttpUrl, tlsSettings, type HttpTarget } from "../core/http-url";
import type { EntitlementCheckConfig } from "./schema";

type ServiceConf = EntitlementCheckConfig["service"];

/** Fits both clients' options (io/lua/http.ts HttpGetOptions; io/node/http.ts with `url` added). */
export interface ServiceRequest {
  target: HttpTarget;
  host: string;
  port: number;
  tls?: ReturnType<typeof tlsSettings>;
  headers: { [name: string]: string };
  connectTimeoutMs: number;
  timeoutMs: number;
  poolSize: number;
  keepaliveMs: number;
  maxBodyBytes: number;
}

/** The request settings for `s`; undefined when its URL is not http(s) (the schema refuses that when the service source is on). */
export function serviceRequest(s: ServiceConf): ServiceRequest | undefined {
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

