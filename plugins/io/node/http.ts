/**
 * HTTP GET for the Kong JS plugin server side (Node), over undici: one keepalive pool
 * per origin, a connect timeout, one deadline for the whole answer, a bounded body.
 * The twin of io/lua/http.ts.
 */
import { Agent, request } from "undici";

export interface NodeHttpGetOptions {
  /** Full URL. */
  url: string;
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
  body: string;
}

const agents = new Map<string, Agent>();

function agentFor(options: NodeHttpGetOptions): Agent {
  const key = `${options.connectTimeoutMs}:${options.poolSize}:${options.keepaliveMs}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    agent = new Agent({
      connect: { timeout: options.connectTimeoutMs },
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
  return { status: response.statusCode, body: Buffer.concat(chunks).toString("utf8") };
}
