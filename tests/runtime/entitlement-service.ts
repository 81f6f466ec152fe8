/**
 * A real HTTP entitlement service for the entitlement-check suites: a Node http (or,
 * given a certificate, https) server on 127.0.0.1 (ephemeral port) answering `GET <base>/<subject>` with
 * tollgate's JSON contract or Stripe's active-entitlements list, with switches to make
 * it slow, failing (500) or down (not listening), and a count of calls per subject.
 *
 * Test infrastructure only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { ServerCertificate } from "./tls.ts";

export type ServiceMode = "ok" | "slow" | "failing" | "down";

export interface EntitlementService {
  url: string;
  port: number;
  /** Answers by subject: an object is sent as JSON with 200; undefined means 404. */
  answers: Map<string, unknown>;
  /** Calls per subject since the last reset. */
  calls: Map<string, number>;
  /** Authorization header values seen. */
  authHeaders: string[];
  totalCalls(): number;
  reset(): void;
  /** slow: answers after `delayMs`; failing: 500; down: stops listening (connections refused). */
  setMode(mode: ServiceMode, delayMs?: number): Promise<void>;
  /** Called for a subject with no explicit answer (default: 404). */
  fallback?: (subject: string) => unknown;
  stop(): Promise<void>;
}

/**
 * `tls`: serve https with this certificate; `clientCaFile`: and require a client
 * certificate from that CA (mutual TLS).
 */
export async function startEntitlementService(basePath = "/entitlements", tls?: ServerCertificate, clientCaFile?: string): Promise<EntitlementService> {
  let mode: ServiceMode = "ok";
  let delayMs = 0;
  const sockets = new Set<import("node:net").Socket>();
  const service: EntitlementService = {
    url: "",
    port: 0,
    answers: new Map(),
    calls: new Map(),
    authHeaders: [],
    totalCalls: () => [...service.calls.values()].reduce((a, b) => a + b, 0),
    reset: () => {
      service.calls.clear();
      service.authHeaders.length = 0;
    },
    setMode: async (next, delay = 0) => {
      const wasDown = mode === "down";
      mode = next;
      delayMs = delay;
      if (next === "down" && !wasDown) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
      } else if (next !== "down" && wasDown) {
        await new Promise<void>((resolve) => server.listen(service.port, "127.0.0.1", resolve));
      }
    },
    stop: async () => {
      if (mode === "down") return;
      mode = "down";
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (!path.startsWith(`${basePath}/`)) {
      res.writeHead(400).end();
      return;
    }
    const subject = decodeURIComponent(path.substring(basePath.length + 1));
    service.calls.set(subject, (service.calls.get(subject) ?? 0) + 1);
    const auth = req.headers["authorization"];
    if (typeof auth === "string") service.authHeaders.push(auth);
    const answer = (): void => {
      if (res.destroyed) return;
      if (mode === "failing") {
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":"boom"}');
        return;
      }
      const body = service.answers.has(subject) ? service.answers.get(subject) : service.fallback?.(subject);
      if (body === undefined) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no subscription"}');
        return;
      }
      const text = JSON.stringify(body);
      // Alternate framing so both Content-Length and chunked bodies are exercised.
      if (service.totalCalls() % 2 === 0) res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
      else {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(text.substring(0, 5));
        res.end(text.substring(5));
      }
    };
    if (mode === "slow") setTimeout(answer, delayMs);
    else answer();
  };

  const clientAuth = clientCaFile === undefined ? {} : { requestCert: true, rejectUnauthorized: true, ca: readFileSync(clientCaFile) };
  const server: Server = tls === undefined ? createServer(handle) : createTlsServer({ cert: tls.cert, key: tls.key, ...clientAuth }, handle);
  server.keepAliveTimeout = 60_000;
  // For https, "connection" is the TCP socket too: closing it ends the TLS session.
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  service.port = (server.address() as AddressInfo).port;
  service.url = `${tls === undefined ? "http" : "https"}://127.0.0.1:${service.port}${basePath}`;
  return service;
}
