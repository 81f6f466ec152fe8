/**
 * Kong Admin API extension of kafka-usage: `kong.plugins.kafka-usage.api`.
 *
 *   GET /kafka-usage/status[?dict=<lua_shared_dict>]
 *
 * answers this node's counters: `total` (summed over the workers) and `workers` (each
 * worker's own), with the names of delivery.ts (queued, sent, retried, dropped, …) and
 * each worker's queue depth. The Admin API runs in the same nginx as the proxy, so it
 * reads the same shared dict.
 */
import type { AdminApiRequest, AdminApiRoutes } from "../../hosts/kong/admin-api";
import { nodeStatus } from "../lua/publisher";

function getStatus(this: void, self: AdminApiRequest): void {
  const dict = typeof self.params.dict === "string" ? self.params.dict : "tollgate_usage";
  const status = nodeStatus(dict);
  if (status === undefined) return kong.response.exit(404, { message: `no lua_shared_dict '${dict}'` });
  return kong.response.exit(200, status);
}

// Methods directly under the path: see plugins/hosts/kong/admin-api.ts.
export = {
  "/kafka-usage/status": { GET: getStatus },
} satisfies AdminApiRoutes;
