/**
 * Kong (Lua PDK) adapter: reads request facts from the PDK and applies an
 * AccessOutcome back through it. Shared by every plugin's Kong handler.
 */
import type { ConsumerFacts, RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";

export function kongConsumer(): ConsumerFacts | undefined {
  const consumer = kong.client.get_consumer();
  if (consumer === undefined) return undefined;
  return { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id, tags: consumer.tags };
}

/** Fields Kong adds to every plugin config it hands to a handler. */
export interface KongConfigIdentity {
  route_id?: string;
  service_id?: string;
}

/** The entity a plugin config is attached to: counters and caches are kept per config. */
export function kongConfigScope(conf: KongConfigIdentity): string {
  if (conf.route_id !== undefined) return `route:${conf.route_id}`;
  if (conf.service_id !== undefined) return `service:${conf.service_id}`;
  return "global";
}

export function kongRequestFacts(conf: KongConfigIdentity): RequestFacts {
  return { method: kong.request.get_method(), consumer: kongConsumer(), configScope: kongConfigScope(conf) };
}

/** Applies an outcome in the access phase; a rejection ends the request. */
export function applyKongOutcome(outcome: AccessOutcome): void {
  if (outcome.warning !== undefined) kong.log.warn(outcome.warning);
  if (outcome.clearUpstream !== undefined) {
    for (const name of outcome.clearUpstream) kong.service.request.clear_header(name);
  }
  const rejection = outcome.rejection;
  if (rejection !== undefined) {
    return kong.response.exit(rejection.status, rejection.body, rejection.headers);
  }
  if (outcome.upstream !== undefined) {
    for (const name in outcome.upstream) kong.service.request.set_header(name, outcome.upstream[name]!);
  }
  if (outcome.response !== undefined) {
    for (const name in outcome.response) kong.response.set_header(name, outcome.response[name]!);
  }
}
