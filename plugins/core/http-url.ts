/**
 * The base URL of a service tollgate calls (the entitlement service, an Unleash
 * server), split once per config for the HTTP clients of both sides
 * (io/lua/http.ts, io/node/http.ts): `http[s]://host[:port][/path]`; and the config
 * fields of its TLS.
 */
import { CLIENT_CERT_FIELDS, clientCertificate, type ClientCertificate } from "./client-cert";
import { boolean, string } from "./schema";

export interface HttpTarget {
  /** https: the connection is TLS (see io/lua/http.ts for how the certificate is checked). */
  tls: boolean;
  /** Host name or IP address; an IPv6 literal without its brackets. */
  host: string;
  port: number;
  /** Base path without a trailing "/" ("" for none); callers append "/<something>". */
  basePath: string;
}

const SCHEMES: { [prefix: string]: { tls: boolean; port: number } } = {
  "http://": { tls: false, port: 80 },
  "https://": { tls: true, port: 443 },
};

/** The URL's parts, or undefined when it is not an http:// or https:// URL with a host and a valid port. */
export function parseHttpUrl(url: string): HttpTarget | undefined {
  const separator = url.indexOf("://");
  if (separator < 0) return undefined;
  const scheme = SCHEMES[url.substring(0, separator + 3).toLowerCase()];
  if (scheme === undefined) return undefined;
  const rest = url.substring(separator + 3);
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.substring(0, slash);
  let basePath = slash < 0 ? "" : rest.substring(slash);
  while (basePath.length > 0 && basePath.substring(basePath.length - 1) === "/") basePath = basePath.substring(0, basePath.length - 1);
  if (authority === "") return undefined;
  let host = authority;
  let port = scheme.port;
  // The port follows the last ":" unless that ":" is inside an IPv6 literal's brackets.
  const bracket = authority.indexOf("]");
  let colon = -1;
  for (let i = authority.length - 1; i >= 0 && colon < 0; i--) if (authority.charCodeAt(i) === 58) colon = i;
  if (colon > bracket) {
    host = authority.substring(0, colon);
    const digits = authority.substring(colon + 1);
    const parsed = Number(digits);
    if (digits === "" || !(parsed >= 1 && parsed <= 65535) || Math.floor(parsed) !== parsed) return undefined;
    port = parsed;
  }
  if (host.substring(0, 1) === "[" && host.substring(host.length - 1) === "]") host = host.substring(1, host.length - 1);
  if (host === "") return undefined;
  return { tls: scheme.tls, host, port, basePath };
}

/** The Host header's value for a target: the port only when it is not the scheme's default. */
export function hostHeader(target: { tls: boolean; host: string; port: number }): string {
  const host = target.host.indexOf(":") >= 0 ? `[${target.host}]` : target.host;
  return target.port === (target.tls ? 443 : 80) ? host : `${host}:${target.port}`;
}

/** The full URL of `path` (starting with "/") under the target's base path. */
export function targetUrl(target: HttpTarget, path: string): string {
  return `${target.tls ? "https" : "http"}://${hostHeader(target)}${target.basePath}${path}`;
}

/** Config fields of an https:// target's certificate check (entitlement service, Unleash server). */
export const TLS_FIELDS = {
  ssl_verify: boolean({
    description:
      "For an https:// URL: check the server's certificate — a chain to a CA the gateway trusts (Kong: lua_ssl_trusted_certificate; APISIX: apisix.ssl.ssl_trusted_certificate) and the server_name. Off: encrypted but not authenticated.",
    default: true,
  }),
  server_name: string({
    description:
      "For an https:// URL: the name sent as SNI and that the certificate must carry (default: the URL's host). Set it when the URL names an IP address: nginx checks the certificate's DNS names only.",
    minLength: 1,
  }),
  ...CLIENT_CERT_FIELDS,
};

/** How a connection is secured: the name checked (and sent as SNI), and whether the certificate is checked at all. */
export interface TlsSettings {
  serverName: string;
  verify: boolean;
  /** Mutual TLS: the certificate (chain) and private key this client presents, PEM. */
  clientCert?: ClientCertificate;
}

/**
 * A GET to a service, as both sides' clients take it (io/lua/http.ts HttpGetOptions;
 * io/node/http.ts with the `url` made from `target` and a path).
 */
export interface HttpCall {
  target: HttpTarget;
  host: string;
  port: number;
  tls?: TlsSettings;
  headers: { [name: string]: string };
  connectTimeoutMs: number;
  /** The longest the answer may take after connecting. */
  timeoutMs: number;
  /** Idle connections kept per worker (process) for this target. */
  poolSize: number;
  keepaliveMs: number;
  /** A larger body is an error. */
  maxBodyBytes: number;
}

/** What a client needs for TLS to `target` (undefined for http://). */
export function tlsSettings(
  target: HttpTarget,
  conf: { ssl_verify: boolean; server_name?: string; client_cert?: string; client_key?: string },
): TlsSettings | undefined {
  if (!target.tls) return undefined;
  return { serverName: conf.server_name ?? target.host, verify: conf.ssl_verify, clientCert: clientCertificate(conf) };
}
