/**
 * What entitlement-check tells the node's period store (io/billing-periods.ts) for
 * tier-limit's anchor source entitlement: the period a fetched or webhook-set answer
 * carries, a Stripe subscription event's period, and that a subject without a
 * subscription (404) has none. Host-agnostic: each host installs its store.
 */
import { recordPeriod } from "../io/billing-periods";
import { subscriptionPeriod, type Lookup } from "./subscription";
import type { WebhookResult } from "./webhook";

/** After a fetch: the answer's period (tollgate contract with current_period_start), or none for a 404. */
export function recordAnswerPeriod(dict: string, subject: string, lookup: Lookup): void {
  if (lookup.kind === "none") {
    recordPeriod(dict, subject, false, false);
    return;
  }
  const period = subscriptionPeriod(lookup);
  if (period !== undefined) recordPeriod(dict, subject, period, false);
}

/** After a webhook was applied: its period for each subject, when it carried one. False when the store refused. */
export function recordWebhookPeriods(dict: string, result: WebhookResult): boolean {
  const period = result.period;
  if (period === undefined) return true;
  for (const subject of result.subjects) if (!recordPeriod(dict, subject, period, result.forwardOnly === true)) return false;
  return true;
}
