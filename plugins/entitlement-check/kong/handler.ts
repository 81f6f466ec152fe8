/**
 * Kong handler of entitlement-check: `kong.plugins.entitlement-check.handler`.
 * Runs in access after the auth plugins (key-auth 1250, jwt 1450) and acl (950)
 * have set the consumer, and after tier-limit (912).
 */
import { applyKongOutcome, kongRequestFacts, type KongConfigIdentity } from "../../hosts/kong/adapter";
import { entitlementAccess, entitlementNeeds, rememberedEntitlement } from "../lua/access";
import { webhookResponse } from "../lua/webhook";
import { ENTITLEMENT_CHECK_PRIORITY, ENTITLEMENT_CHECK_VERSION } from "../meta";
import type { EntitlementCheckConfig } from "../schema";

const EntitlementCheckHandler = {
  PRIORITY: ENTITLEMENT_CHECK_PRIORITY,
  VERSION: ENTITLEMENT_CHECK_VERSION,
  access(this: unknown, conf: EntitlementCheckConfig & KongConfigIdentity): void {
    // A webhook route answers billing events itself (lua/webhook.ts); nothing goes upstream.
    if (conf.webhook !== undefined) {
      const [status, body] = webhookResponse(conf);
      return kong.response.exit(status, body);
    }
    const consumer = kong.client.get_consumer();
    const remembered = rememberedEntitlement(conf, consumer);
    if (remembered !== undefined) return applyKongOutcome(remembered);
    applyKongOutcome(entitlementAccess(conf, kongRequestFacts(conf, entitlementNeeds(conf)), consumer));
  },
};

export = EntitlementCheckHandler;
