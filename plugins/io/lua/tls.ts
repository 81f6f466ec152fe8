/**
 * TLS on a cosocket, as both Lua clients use it (./http.ts, ./redis.ts): the handshake
 * runs on a fresh connection only (a pooled one is already secured), and the TLS
 * settings are part of the pool's name, so that a connection secured for one name, or
 * not verified, never serves a call that wants another name verified.
 */

/** How a connection is secured: the name checked (and sent as SNI), and whether the certificate is checked at all. */
export interface TlsSettings {
  serverName: string;
  verify: boolean;
}

/** The part of a pool name that says how its connections are secured. */
export function poolSecurity(tls: { serverName?: string; verify: boolean } | undefined): string {
  return tls === undefined ? "plain" : `tls:${tls.serverName ?? ""}:${tls.verify ? "verified" : "unverified"}`;
}

/**
 * The TLS handshake on a connection just taken from connect() (nothing when it came
 * from the pool). With `verify`, nginx checks the chain against lua_ssl_trusted_certificate
 * and the certificate's DNS names against `serverName`. Returns an error, or undefined.
 */
export function secure(sock: TcpSocket, tls: TlsSettings): string | undefined {
  const [reused] = sock.getreusedtimes();
  if (reused !== 0) return undefined;
  // false: no session object back (sessions are resumed through the pool instead).
  const [secured, err] = sock.sslhandshake(false, tls.serverName, tls.verify);
  if (secured === undefined || secured === false) return `TLS handshake: ${err}`;
  // ngx_lua 0.10.23 reports a handshake that completes at once as done even when the
  // certificate check then fails: it has closed the socket (and logged "lua ssl
  // certificate …"). Nothing was sent; say why here rather than "closed" at the first send.
  const [open] = sock.getreusedtimes();
  return open === undefined ? "TLS handshake: the certificate was refused (nginx logged why: 'lua ssl certificate …')" : undefined;
}
