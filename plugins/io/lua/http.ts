/**
 * A small HTTP/1.1 client over ngx_lua cosockets, for the Lua hosts (Kong, APISIX):
 * GET (and POST of a JSON body) with headers, over plain TCP or TLS, a connect timeout and one deadline for
 * sending and reading, keepalive pooling, Content-Length and chunked bodies, and a
 * bound on the body size.
 *
 * TLS: the handshake runs once per new connection (a pooled one is already secured),
 * with SNI and, when `tls.verify` is on, nginx checking the certificate chain against
 * `lua_ssl_trusted_certificate` (Kong: lua_ssl_trusted_certificate, "system" by default
 * in 3.x; APISIX: apisix.ssl.ssl_trusted_certificate) and the name against `serverName`.
 *
 * Written here rather than depending on lua-resty-http: Kong and APISIX ship that
 * library, but Debian does not package it, and a GET with a JSON answer needs little.
 *
 * Cosockets only: call from rewrite, access or content (or a timer), never from init,
 * init_worker, header_filter, body_filter or log.
 */
import { hostHeader } from "../../core/http-url";
import type { TlsSettings } from "../../core/http-url";
import { poolSecurity, secure } from "./tls";

export interface HttpGetOptions {
  host: string;
  port: number;
  /** Speak TLS: the certificate must name `serverName` and chain to a trusted CA, unless `verify` is off. */
  tls?: TlsSettings;
  /** Extra request headers (Host, Accept, User-Agent and Connection are set here). */
  headers?: { readonly [name: string]: string };
  connectTimeoutMs: number;
  /** The longest the request may take after connecting: sending and reading the whole answer. */
  timeoutMs: number;
  /** Idle connections kept per worker in this target's pool. */
  poolSize: number;
  keepaliveMs: number;
  /** A larger body is an error (the connection is closed, not reused). */
  maxBodyBytes: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: { [name: string]: string };
  body: string;
}

type Result = LuaMultiReturn<[HttpResponse | undefined, string | undefined]>;

/** Pool options per "host:port" and pool size, built once per worker. */
const connectOptions = new LuaTable<string, { pool: string; pool_size: number }>();

/**
 * The connection pool of a target. TLS settings are part of it: a connection secured for
 * one name, or not verified, must never serve a call that wants another name verified.
 */
function poolName(options: HttpGetOptions): string {
  return `tollgate-http:${options.host}:${options.port}:${poolSecurity(options.tls)}`;
}

function fail(sock: TcpSocket, err: string): Result {
  sock.close();
  return $multi(undefined, err);
}

/** Milliseconds left before `deadline` (seconds), at least 1. */
function remainingMs(deadline: number): number {
  const left = math.floor((deadline - ngx.now()) * 1000);
  return left < 1 ? 1 : left;
}

function receive(sock: TcpSocket, deadline: number, pattern: number | "*l"): LuaMultiReturn<[string | undefined, string | undefined, string | undefined]> {
  if (ngx.now() >= deadline) return $multi(undefined, "timeout", undefined);
  sock.settimeout(remainingMs(deadline));
  return sock.receive(pattern);
}

/** Reads a chunked body; returns it, or undefined and an error. */
function readChunked(sock: TcpSocket, deadline: number, max: number): LuaMultiReturn<[string | undefined, string | undefined]> {
  const parts: string[] = [];
  let total = 0;
  for (;;) {
    const [line, err] = receive(sock, deadline, "*l");
    if (line === undefined) return $multi(undefined, `reading chunk size: ${err}`);
    const [hex] = string.match(line, "^%s*(%x+)");
    const size = hex === undefined ? undefined : tonumber(hex, 16);
    if (size === undefined) return $multi(undefined, "bad chunk size");
    if (size === 0) {
      // Trailer section, up to the empty line.
      for (;;) {
        const [trailer, trailerErr] = receive(sock, deadline, "*l");
        if (trailer === undefined) return $multi(undefined, `reading trailer: ${trailerErr}`);
        if (trailer === "") return $multi(table.concat(parts), undefined);
      }
    }
    total += size;
    if (total > max) return $multi(undefined, `body larger than ${max} bytes`);
    const [data, dataErr] = receive(sock, deadline, size);
    if (data === undefined) return $multi(undefined, `reading chunk: ${dataErr}`);
    parts.push(data);
    const [crlf, crlfErr] = receive(sock, deadline, "*l");
    if (crlf === undefined) return $multi(undefined, `reading chunk: ${crlfErr}`);
  }
}

/**
 * GET `path` (with query, starting with "/") from `options.host:port`. `options` may be
 * shared by concurrent calls: it is only read. Returns the response, or undefined and
 * an error ("connect: connection refused", "timeout", "body larger than …").
 * A 4xx/5xx answer is a response, not an error.
 */
export function httpGet(options: HttpGetOptions, path: string): Result {
  return httpRequest(options, "GET", path);
}

/**
 * httpGet for any method, with an optional JSON `payload` (sent with Content-Type and
 * Content-Length) and headers of this call only (`callHeaders`, e.g. a signature).
 */
export function httpRequest(options: HttpGetOptions, method: string, path: string, payload?: string, callHeaders?: { readonly [name: string]: string }): Result {
  const sock = ngx.socket.tcp();
  const deadline = ngx.now() + (options.connectTimeoutMs + options.timeoutMs) / 1000;
  sock.settimeouts(options.connectTimeoutMs, options.timeoutMs, options.timeoutMs);
  const pool = poolName(options);
  const poolKey = `${pool}:${options.poolSize}`;
  let connectOpts = connectOptions.get(poolKey);
  if (connectOpts === undefined) {
    connectOpts = { pool, pool_size: options.poolSize };
    connectOptions.set(poolKey, connectOpts);
  }
  const [ok, connectErr] = sock.connect(options.host, options.port, connectOpts);
  if (ok === undefined) return fail(sock, `connect: ${connectErr}`);
  const tls = options.tls;
  if (tls !== undefined) {
    const insecure = secure(sock, tls);
    if (insecure !== undefined) return fail(sock, insecure);
  }

  const request: string[] = [
    method, " ", path, " HTTP/1.1\r\nHost: ", hostHeader({ tls: tls !== undefined, host: options.host, port: options.port }),
    "\r\nAccept: application/json\r\nUser-Agent: tollgate\r\nConnection: keep-alive\r\n",
  ];
  if (options.headers !== undefined) {
    for (const name in options.headers) request.push(name, ": ", options.headers[name]!, "\r\n");
  }
  if (callHeaders !== undefined) {
    for (const name in callHeaders) request.push(name, ": ", callHeaders[name]!, "\r\n");
  }
  if (payload !== undefined) request.push("Content-Type: application/json\r\nContent-Length: ", `${payload.length}`, "\r\n\r\n", payload);
  else request.push("\r\n");
  sock.settimeout(remainingMs(deadline));
  const [sent, sendErr] = sock.send(request);
  if (sent === undefined) return fail(sock, `send: ${sendErr}`);

  const [statusLine, statusErr] = receive(sock, deadline, "*l");
  if (statusLine === undefined) return fail(sock, `reading status: ${statusErr}`);
  const [code] = string.match(statusLine, "^HTTP/1%.[01] (%d%d%d)");
  if (code === undefined) return fail(sock, "not an HTTP/1.x response");
  const status = tonumber(code)!;

  const headers: { [name: string]: string } = {};
  for (;;) {
    const [line, err] = receive(sock, deadline, "*l");
    if (line === undefined) return fail(sock, `reading headers: ${err}`);
    if (line === "") break;
    const [name, value] = string.match(line, "^([^:]+):%s*(.-)%s*$");
    if (name !== undefined && value !== undefined) headers[string.lower(name)] = value;
  }

  const max = options.maxBodyBytes;
  let body: string;
  let reusable = string.lower(headers["connection"] ?? "") !== "close";
  const encoding = headers["transfer-encoding"];
  const length = headers["content-length"];
  let chunked = false;
  if (encoding !== undefined) {
    const [at] = string.find(string.lower(encoding), "chunked", 1, true);
    chunked = at !== undefined;
  }
  if (chunked) {
    const [chunked, err] = readChunked(sock, deadline, max);
    if (chunked === undefined) return fail(sock, err!);
    body = chunked;
  } else if (length !== undefined) {
    const size = tonumber(length);
    if (size === undefined || size < 0) return fail(sock, "bad Content-Length");
    if (size > max) return fail(sock, `body larger than ${max} bytes`);
    if (size === 0) body = "";
    else {
      const [data, err] = receive(sock, deadline, size);
      if (data === undefined) return fail(sock, `reading body: ${err}`);
      body = data;
    }
  } else if (status === 204 || status === 304) {
    body = "";
  } else {
    // Body delimited by the end of the connection: read at most max + 1 bytes.
    const [data, err, partial] = receive(sock, deadline, max + 1);
    if (data !== undefined) return fail(sock, `body larger than ${max} bytes`);
    if (err !== "closed") return fail(sock, `reading body: ${err}`);
    body = partial ?? "";
    reusable = false;
  }

  if (reusable) sock.setkeepalive(options.keepaliveMs, options.poolSize);
  else sock.close();
  return $multi({ status, headers, body }, undefined);
}
