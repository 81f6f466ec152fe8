/**
 * An HTTPS webhook endpoint for tests: records every POST (body, signature header, the
 * status it answered) and answers what the test's `answer` says — 503 during a
 * simulated outage, 200 otherwise. Test infrastructure only.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { ServerCertificate } from "./tls.ts";

export interface WebhookDelivery {
  body: string;
  /** The signature header's value (lower-case name given to startWebhookReceiver). */
  signature: string | undefined;
  /** What the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  /** `https://127.0.0.1:<port>/hooks` */
  url: string;
  deliveries: WebhookDelivery[];
  stop(): Promise<void>;
}

/**
 * Starts the endpoint with `certificate`. `answer(index)` gives the status for the
 * index-th POST (0-based).
 */
export async function startWebhookReceiver(certificate: ServerCertificate, signatureHeader: string, answer: (index: number) => number): Promise<WebhookReceiver> {
  const deliveries: WebhookDelivery[] = [];
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/hooks") return void res.writeHead(404).end();
      const status = answer(deliveries.length);
      const signature = req.headers[signatureHeader.toLowerCase()];
      deliveries.push({ body: Buffer.concat(chunks).toString("utf8"), signature: typeof signature === "string" ? signature : undefined, status });
      res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? '{"ok":true}' : '{"error":"unavailable"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
