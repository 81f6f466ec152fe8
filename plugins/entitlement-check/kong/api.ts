/**
 * Kong Admin API extension of entitlement-check: `kong.plugins.entitlement-check.api`.
 *
 *   DELETE /entitlement-check/cache/{subject}[?dict=<lua_shared_dict>]
 *
 * forgets every cached entitlement answer about `subject` (the consumer's username,
 * custom_id or id, as `service.subject` says) in this Kong node — all workers — so the
 * next request asks the entitlement service. Answers 204. In a fleet, call it on every
 * node (or rely on cache.ttl); the Admin API runs in the same nginx as the proxy.
 */
import { invalidateSubject } from "../../io/lua/cache";

interface AdminRequest {
  params: { subject?: string; dict?: string };
}

function deleteSubject(this: void, self: AdminRequest): void {
  const subject = self.params.subject;
  if (subject === undefined || subject === "") return kong.response.exit(400, { message: "subject is required" });
  const [ok, err] = invalidateSubject(self.params.dict ?? "tollgate_cache", subject);
  if (!ok) return kong.response.exit(500, { message: err });
  return kong.response.exit(204);
}

export = {
  "/entitlement-check/cache/:subject": {
    methods: { DELETE: deleteSubject },
  },
};
