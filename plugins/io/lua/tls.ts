/**
 * TLS on a cosocket, as both Lua clients use it (./http.ts, ./redis.ts): the handshake
 * runs on a fresh connection only (a pooled one is already secured), and the TLS
 * settings are part of the pool's name, so that a connection secured for one name, or
 * not verified, or with another client certificate, never serves a call that wants
 * something else. A client certificate (mutual TLS) is parsed once per PEM text.
 */
import ssl = require("ngx.ssl");
import type { ClientCertificate } from "../../core/client-cert";
import type { TlsSettings } from "../../core/http-url";

/** The part of a pool name that says how its connections are secured. */
export function poolSecurity(tls: { serverName?: string; verify: boolean; clientCert?: ClientCertificate } | undefined): string {
  if (tls === undefined) return "plain";
  const client = tls.clientCert === undefined ? "" : `:${ngx.md5(tls.clientCert.cert)}`;
  return `tls:${tls.serverName ?? ""}:${tls.verify ? "verified" : "unverified"}${client}`;
}

/** Parsed client certificates and private keys by their PEM text (a config's text is parsed once per worker). */
const parsedPem = new LuaTable<string, FfiCData>();

/** The parsed form of a PEM text (certificate or key), cached; or undefined and the parser's error. */
function parsePem(
  pem: string,
  parse: (this: void, pem: string) => LuaMultiReturn<[FfiCData | undefined, string | undefined]>,
): LuaMultiReturn<[FfiCData | undefined, string | undefined]> {
  const known = parsedPem.get(pem);
  if (known !== undefined) return $multi(known, undefined);
  const [parsed, err] = parse(pem);
  if (parsed !== undefined) parsedPem.set(pem, parsed);
  return $multi(parsed, err);
}

/** Sets the client certificate on `sock` for its handshake; an error, or undefined. */
function presentClientCert(sock: TcpSocket, client: ClientCertificate): string | undefined {
  const [cert, certErr] = parsePem(client.cert, ssl.parse_pem_cert);
  if (cert === undefined) return `client certificate: ${certErr}`;
  const [key, keyErr] = parsePem(client.key, ssl.parse_pem_priv_key);
  if (key === undefined) return `client key: ${keyErr}`;
  const [ok, err] = sock.setclientcert(cert, key);
  return ok === undefined ? `client certificate: ${err}` : undefined;
}

/**
 * The TLS handshake on a connection just taken from connect() (nothing when it came
 * from the pool). With `verify`, nginx checks the chain against lua_ssl_trusted_certificate
 * and the certificate's DNS names against `serverName`. Returns an error, or undefined.
 */
export function secure(sock: TcpSocket, tls: TlsSettings): string | undefined {
  const [reused] = sock.getreusedtimes();
  if (reused !== 0) return undefined;
  if (tls.clientCert !== undefined) {
    const refused = presentClientCert(sock, tls.clientCert);
    if (refused !== undefined) return `TLS handshake: ${refused}`;
  }
  // false: no session object back (sessions are resumed through the pool instead).
  const [secured, err] = sock.sslhandshake(false, tls.serverName, tls.verify);
  if (secured === undefined || secured === false) return `TLS handshake: ${err}`;
  // ngx_lua 0.10.23 reports a handshake that completes at once as done even when the
  // certificate check then fails: it has closed the socket (and logged "lua ssl
  // certificate …"). Nothing was sent; say why here rather than "closed" at the first send.
  const [open] = sock.getreusedtimes();
  return open === undefined ? "TLS handshake: the certificate was refused (nginx logged why: 'lua ssl certificate …')" : undefined;
}
