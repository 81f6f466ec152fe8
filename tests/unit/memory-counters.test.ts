import { expect, it } from "vitest";
import { MemoryCounters } from "../../plugins/io/node/memory-counters.ts";

// A sliding minute window's counters: the current one lives through the next window, plus 1 s.
const minute = (start: number) => ({ key: `k:${start}`, previousKey: `k:${start - 60}`, sliding: true, keepUntil: start + 121 });

it("adds the cost, reads the previous window, and forgets counters when their TTL ends", () => {
  const counters = new MemoryCounters();
  expect(counters.increment([minute(60)], 1, 70)).toEqual({ current: [1], previous: [0] });
  expect(counters.increment([minute(60)], 2, 80)).toEqual({ current: [3], previous: [0] });
  // One window later the old counter is the previous one.
  expect(counters.increment([minute(120)], 1, 130)).toEqual({ current: [1], previous: [3] });
  counters.refund([minute(120)], 1);
  expect(counters.increment([minute(120)], 1, 131)).toEqual({ current: [1], previous: [3] });
  // After 181 (60 + 121) the first counter is gone.
  expect(counters.increment([minute(180)], 1, 192)).toEqual({ current: [1], previous: [1] });
  expect(counters.size).toBe(2);
});
