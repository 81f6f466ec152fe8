/**
 * kafka-usage's EventQueue and the delivery rules over it (delivery.ts), step by step,
 * from tests/scenarios/kafka-usage-queue.json; tests/lua/kafka_usage_queue_spec.lua runs
 * the same steps against the compiled Lua.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventsToSend, msUntilDue, newDeliveryState, settleAttempt, splitRefused } from "../../plugins/kafka-usage/delivery.ts";
import { EventQueue, type QueuedEvent } from "../../plugins/kafka-usage/queue.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";

type Step =
  | { op: "offer"; key: string; value: string; now: number; expect: string }
  | { op: "take"; max_events: number; max_bytes: number; expect: string[] }
  | { op: "release"; keys: string[] }
  | { op: "send"; max_events: number; max_bytes: number; expect: string[] }
  | { op: "settle"; delivered: string[]; failed: string[]; refused: string[]; lone?: string; now: number }
  | { op: "due"; max_events: number; max_age_ms: number; now: number; expect?: number }
  | { op: "check"; size: number; bytes: number; waiting: number; oldestAt: number };

interface Scenario {
  name: string;
  queue: { max_events: number; max_bytes: number; max_event_bytes: number };
  steps: Step[];
}

const file = JSON.parse(readFileSync(join(REPO_ROOT, "tests/scenarios/kafka-usage-queue.json"), "utf8")) as { scenarios: Scenario[] };

describe("kafka-usage EventQueue (TypeScript)", () => {
  for (const scenario of file.scenarios) {
    it(scenario.name, () => {
      const q = scenario.queue;
      const queue = new EventQueue(q.max_events, q.max_bytes, q.max_event_bytes);
      const state = newDeliveryState(queue);
      const taken = new Map<string, QueuedEvent>();
      const events = (keys: string[]): QueuedEvent[] => keys.map((key) => taken.get(key)!);
      scenario.steps.forEach((step, i) => {
        const at = `step ${i + 1} (${step.op})`;
        if (step.op === "offer") {
          expect(queue.offer({ key: step.key, value: step.value, timestamp: step.now }, step.now), at).toBe(step.expect);
        } else if (step.op === "take") {
          const events = queue.take(step.max_events, step.max_bytes);
          for (const event of events) taken.set(event.key, event);
          expect(events.map((e) => e.key), at).toEqual(step.expect);
        } else if (step.op === "release") {
          queue.release(events(step.keys));
        } else if (step.op === "send") {
          const sent = eventsToSend(state, { max_events: step.max_events, max_bytes: step.max_bytes });
          for (const event of sent) taken.set(event.key, event);
          expect(sent.map((e) => e.key), at).toEqual(step.expect);
        } else if (step.op === "settle") {
          const lone = step.refused.length > 0 ? splitRefused(state, events(step.refused)) : undefined;
          expect(lone?.key, at).toBe(step.lone);
          settleAttempt(state, events(step.delivered), events(step.failed), { initial_backoff_ms: 100, max_backoff_ms: 1000 }, step.now, 0.5);
        } else if (step.op === "due") {
          expect(msUntilDue(state, { max_events: step.max_events, max_age_ms: step.max_age_ms }, step.now), at).toBe(step.expect);
        } else {
          expect({ size: queue.size(), bytes: queue.bytes(), waiting: queue.waiting(), oldestAt: queue.oldestAt }, at).toEqual({
            size: step.size,
            bytes: step.bytes,
            waiting: step.waiting,
            oldestAt: step.oldestAt,
          });
        }
      });
    });
  }
});
