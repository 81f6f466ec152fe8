/**
 * TLS on a cosocket, as both Lua clients use it (./http.ts, ./redis.ts): the handshake
 * runs on a fresh connection only (a pooled one is already secured), and the TLS
 * settings are part of the pool's name, so that a connection secured for one name, or
 * not verified, or with another client certificate, never serves a call that wants
 * something else. A client certificate (mutual TLS) is parsed once per PEM text.
 */
import ssl = require("ngx.ssl");

/** How a connection is secured: the name checked (and sent as SNI), and whether the certificate is checked at all. */
export interface TlsSettings {
  serverName: string;
  verify: boolean;
  /** Mutual TLS: the certificate (chain) and private key this client presents, PEM. */
  clientCert?: ClientCertificate;
}

export interface ClientCertificate {
  cert: string;
  key: string;
}

/** The part of a pool name that says how its connections are secured. */
export function poolSecurity(tls: { serverName?: string; verify: boolean; clientCert?: ClientCertificate } | undefined): string {
  if (tls === undefined) return "plain";
  const client = tls.clientCert === undefined ? "" : `:${ngx.md5(tls.clientCert.cert)}`;
  return `tls:${tls.serverName ?? ""}:${tls.verify ? "verified" : "unverified"}${client}`;
}

/** Parsed client certificates and keys by their PEM text (a config's text is parsed once per worker). */
const parsedCerts = new LuaTable<string, FfiCData>();
const parsedKeys = new LuaTable<string, FfiCData>();

/** Sets the client certificate on `sock` for its handshake; an error, or undefined. */
function presentClientCert(sock: TcpSocket, client: ClientCertificate): string | undefined {
  let cert = parsedCerts.get(client.cert);
  if (cert === undefined) {
    const [parsed, err] = ssl.parse_pem_cert(client.cert);
    if (parsed === undefined) return `client certificate: ${err}`;
    cert = parsed;
    parsedCerts.set(client.cert, cert);
  }
  let key = parsedKeys.get(client.key);
  if (key === undefined) {
    const [parsed, err] = ssl.parse_pem_priv_key(client.key);
    if (parsed === undefined) return `client key: ${err}`;
    key = parsed;
    parsedKeys.set(client.key, key);
  }
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
