/**
 * A test server answering OpenMeter's entitlement value API in its documented shape
 * (openmeterio/openmeter api/openapi.yaml, getEntitlementValue):
 *
 *   GET /api/v1/subjects/{subjectIdOrKey}/entitlements/{entitlementIdOrFeatureKey}/value
 *   200 {"hasAccess": true, "balance": 40, "usage": 60, "overage": 0}   (EntitlementValue)
 *   404 application/problem+json                                         (no such entitlement)
 *
 * on 127.0.0.1 (ephemeral port), with the calls and bearer tokens seen. Test infrastructure only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface OpenMeterValue {
  hasAccess: boolean;
  balance?: number;
  usage?: number;
  overage?: number;
  config?: string;
}

export interface OpenMeterServer {
  /** The base URL (service.url): http://127.0.0.1:<port> */
  url: string;
  /** Values by "<subject>/<feature>"; absent: 404. */
  values: Map<string, OpenMeterValue>;
  /** Paths asked, in order. */
  calls: string[];
  authHeaders: string[];
  stop(): Promise<void>;
}

const VALUE_PATH = /^\/api\/v1\/subjects\/([^/]+)\/entitlements\/([^/]+)\/value$/;

export async function startOpenMeter(): Promise<OpenMeterServer> {
  const om: OpenMeterServer = { url: "", values: new Map(), calls: [], authHeaders: [], stop: async () => undefined };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    om.calls.push(path);
    if (typeof req.headers["authorization"] === "string") om.authHeaders.push(req.headers["authorization"]);
    const match = VALUE_PATH.exec(path);
    const value = match === null ? undefined : om.values.get(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`);
    if (req.method !== "GET" || value === undefined) {
      res.writeHead(404, { "content-type": "application/problem+json" }).end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404, detail: "entitlement not found" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  om.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  om.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return om;
}
