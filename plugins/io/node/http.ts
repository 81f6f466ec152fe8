/**
 * HTTP GET for the Kong JS plugin server side (Node), over undici: one keepalive pool
 * per origin, a connect timeout, one deadline for the whole answer, a bounded body,
 * and for https:// the certificate checked against Node's CAs (plus NODE_EXTRA_CA_CERTS)
 * unless `tls.verify` is off. The twin of io/lua/http.ts.
 */
import { Agent, request } from "undici";
import type { TlsSettings } from "../../core/http-url";

export interface NodeHttpGetOptions {
  /** Full URL, http:// or https://. */
  url: string;
  /** For an https:// URL: the name the certificate must carry (sent as SNI), whether it is checked at all, and a client certificate (PEM). */
  tls?: TlsSettings;
  headers?: Record<string, string>;
  connectTimeoutMs: number;
  /** The longest the answer may take after connecting. */
  timeoutMs: number;
  poolSize: number;
  keepaliveMs: number;
  maxBodyBytes: number;
}

export interface NodeHttpResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

const agents = new Map<string, Agent>();

function agentFor(options: NodeHttpGetOptions): Agent {
  const tls = options.tls;
  // TLS settings are part of the pool's key: a connection checked for one name, or not
  // checked, must never serve a call that wants another name checked.
  const security = tls === undefined ? "plain" : `${tls.serverName}:${tls.verify}:${tls.clientCert?.cert ?? ""}`;
  const key = `${options.connectTimeoutMs}:${options.poolSize}:${options.keepaliveMs}:${security}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = new Agent({
      connect:
        tls === undefined
          ? { timeout: options.connectTimeoutMs }
          : { timeout: options.connectTimeoutMs, servername: tls.serverName, rejectUnauthorized: tls.verify, cert: tls.clientCert?.cert, key: tls.clientCert?.key },
      connections: options.poolSize,
      keepAliveTimeout: options.keepaliveMs,
    });
    agents.set(key, agent);
  }
  return agent;
}

/** GETs a URL; rejects on connection errors, timeouts and oversized bodies (4xx/5xx resolve). */
export async function nodeHttpGet(options: NodeHttpGetOptions): Promise<NodeHttpResponse> {
  const signal = AbortSignal.timeout(options.connectTimeoutMs + options.timeoutMs);
  const response = await request(options.url, {
    method: "GET",
    headers: { accept: "application/json", "user-agent": "tollgate", ...options.headers },
    dispatcher: agentFor(options),
    signal,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > options.maxBodyBytes) {
      response.body.destroy();
      throw new Error(`body larger than ${options.maxBodyBytes} bytes`);
    }
    chunks.push(buffer);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value[value.length - 1]! : value;
  }
  return { status: response.statusCode, headers, body: Buffer.concat(chunks).toString("utf8") };
}
