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
import { nodeStatus } from "../lua/publisher";

interface AdminRequest {
  params: { dict?: string };
}

function getStatus(this: void, self: AdminRequest): void {
  const dict = self.params.dict ?? "tollgate_usage";
  const status = nodeStatus(dict);
  if (status === undefined) return kong.response.exit(404, { message: `no lua_shared_dict '${dict}'` });
  return kong.response.exit(200, status);
}

export = {
  "/kafka-usage/status": {
    methods: { GET: getStatus },
  },
};
