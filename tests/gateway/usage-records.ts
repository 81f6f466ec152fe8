/**
 * What every kafka-usage record must be, whichever host published it (the Lua plugin in
 * either test host, or the kong-pdk twin): shared by the kafka-usage suites.
 */
import { CloudEvent } from "cloudevents";
import { expect } from "vitest";
import { partitionForKey } from "../../plugins/io/kafka/murmur2.ts";
import type { UsageEvent } from "../../plugins/kafka-usage/event.ts";
import type { ReadRecord } from "../runtime/kafka.ts";

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Checks one record and returns its event: no `secrets` in any byte (key, value,
 * headers), the CloudEvents content type, a value that is valid UTF-8 and JSON, an
 * upstream latency no greater than the request's, a CloudEvent the SDK's strict
 * validation accepts, the subject as the key, on the partition the Java client picks
 * among `partitions`.
 */
export function checkUsageRecord(record: ReadRecord, partitions: number, secrets: readonly string[]): UsageEvent {
  const raw = Buffer.concat([record.key ?? Buffer.alloc(0), record.value ?? Buffer.alloc(0), ...Object.values(record.headers).map((h) => Buffer.from(String(h)))]).toString("latin1");
  for (const secret of secrets) expect(raw, `a record carries '${secret}'`).not.toContain(secret);
  expect(record.headers["content-type"]?.toString()).toBe("application/cloudevents+json");
  // Strict readers (Jackson, Python) refuse invalid UTF-8: so does this decoder, where
  // Buffer#toString would quietly substitute U+FFFD.
  const json = JSON.parse(STRICT_UTF8.decode(record.value!)) as Record<string, unknown>;
  // The SDK's strict validation: spec version, id, source, type, time, subject…
  const event = new CloudEvent(json as never, true);
  expect(event.validate()).toBe(true);
  expect(event.datacontenttype).toBe("application/json");
  const body = json as unknown as UsageEvent;
  // The upstream's share of a request is never more than the request.
  const upstreamMs = body.data.upstream_latency_ms;
  if (upstreamMs !== undefined) expect(upstreamMs, `upstream_latency_ms of ${body.id}`).toBeLessThanOrEqual(body.data.latency_ms);
  const key = record.key!.toString("utf8");
  expect(body.subject).toBe(key);
  expect(record.partition, key).toBe(partitionForKey(Buffer.from(key).toString("latin1"), partitions));
  return body;
}
