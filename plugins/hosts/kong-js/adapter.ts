/**
 * Kong JS plugin server (kong-pdk) adapter: the async twin of ../kong/adapter.ts.
 * Reads request facts through the RPC PDK and applies an AccessOutcome back.
 */
import type { ConsumerFacts, RequestFacts } from "../../core/facts";
import type { AccessOutcome } from "../../core/outcome";
import type { RecordSpec } from "../../core/schema";
import { validateConfig } from "../../core/validate";
import type { KongJsPdk } from "./pdk";

export async function kongJsRequestFacts(kong: KongJsPdk): Promise<RequestFacts> {
  // One PDK call at a time: each is a round trip on the event's single RPC channel.
  const method = await kong.request.getMethod();
  const consumer = await kong.client.getConsumer();
  let facts: ConsumerFacts | undefined;
  if (consumer !== undefined && consumer !== null && typeof consumer.id === "string") {
    facts = { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id, tags: consumer.tags };
  }
  return { method, consumer: facts };
}

export async function applyKongJsOutcome(kong: KongJsPdk, outcome: AccessOutcome): Promise<void> {
  if (outcome.warning !== undefined) await kong.log.warn(outcome.warning);
  for (const name of outcome.clearUpstream ?? []) await kong.service.request.clearHeader(name);
  const rejection = outcome.rejection;
  if (rejection !== undefined) {
    await kong.response.exit(rejection.status, rejection.body, rejection.headers);
    return;
  }
  for (const [name, value] of Object.entries(outcome.upstream ?? {})) {
    await kong.service.request.setHeader(name, value);
  }
  if (outcome.response !== undefined && Object.keys(outcome.response).length > 0) {
    await kong.response.setHeaders(outcome.response);
  }
}

/**
 * Validates a config the plugin server received (Kong has already checked it
 * against the exported Schema; this adds tollgate's cross-field rules and defaults).
 */
export function validatedKongJsConfig<T>(spec: RecordSpec, config: unknown): T {
  const problem = validateConfig(spec, config);
  if (problem !== undefined) throw new Error(`invalid configuration: ${problem}`);
  return config as T;
}
