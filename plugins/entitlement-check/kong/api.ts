/**
 * Kong Admin API extension of entitlement-check: `kong.plugins.entitlement-check.api`.
 *
 *   DELETE /entitlement-check/cache/{subject}[?dict=<lua_shared_dict>]
 *
 * forgets every cached entitlement answer about `subject` (the consumer's username,
 * custom_id or id, as `service.subject` says; percent-encoded in the path) in this Kong
 * node — all workers — so the next request asks the entitlement service. Answers 204.
 * With invalidation: redis every node sharing that Redis drops it too (500 when the
 * publish failed: then it reached this node only); else call it on every node (or rely
 * on cache.ttl). The Admin API runs in the same nginx as the proxy.
 */
import type { AdminApiRequest, AdminApiRoutes } from "../../hosts/kong/admin-api";
import { invalidateSubject } from "../../io/lua/cache";

function deleteSubject(this: void, self: AdminApiRequest): void {
  // lapis hands the capture over as it was in the request line; Kong's own routes
  // unescape theirs too (kong/api/endpoints.lua, unescape_uri).
  const raw = self.params.subject;
  const subject = typeof raw === "string" ? ngx.unescape_uri(raw) : "";
  if (subject === "") return kong.response.exit(400, { message: "subject is required" });
  const dict = typeof self.params.dict === "string" ? self.params.dict : "tollgate_cache";
  const [ok, err] = invalidateSubject(dict, subject);
  if (!ok) return kong.response.exit(500, { message: err });
  return kong.response.exit(204);
}

// Methods directly under the path: see plugins/hosts/kong/admin-api.ts.
export = {
  "/entitlement-check/cache/:subject": { DELETE: deleteSubject },
} satisfies AdminApiRoutes;
