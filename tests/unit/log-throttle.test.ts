import { describe, expect, it } from "vitest";
import { LogThrottle } from "../../plugins/core/log-throttle.ts";
import { processLogGate } from "../../plugins/io/node/log-gate.ts";

describe("LogThrottle", () => {
  it("without a store: reports the first failure, then one line per interval that counts the swallowed ones", () => {
    const throttle = new LogThrottle(60, "store");
    expect(throttle.occurrence(1000)).toBe(1);
    expect(throttle.occurrence(1001)).toBe(0);
    expect(throttle.occurrence(1059.9)).toBe(0);
    // The next report covers itself and the two swallowed since the last one.
    expect(throttle.occurrence(1060)).toBe(3);
    expect(throttle.occurrence(1200)).toBe(1);
  });

  it("with a shared store: one report per interval for every throttle of the same kind, counting all of them", () => {
    let now = 1000;
    const store = processLogGate(() => now);
    // Four configs (or workers) meeting the same failure.
    const throttles = [0, 1, 2, 3].map(() => new LogThrottle(5, "kind-a"));
    const reports = throttles.map((t) => t.occurrence(now, store));
    expect(reports).toEqual([1, 0, 0, 0]);
    now += 4.9;
    expect(throttles.map((t) => t.occurrence(now, store))).toEqual([0, 0, 0, 0]);
    now += 0.1;
    // Whichever comes first after the interval reports the 7 swallowed and itself.
    expect(throttles[2]!.occurrence(now, store)).toBe(8);
    expect(throttles[0]!.occurrence(now, store)).toBe(0);
    // Another kind has its own gate.
    expect(new LogThrottle(5, "kind-b").occurrence(now, store)).toBe(1);
  });

  it("falls back to its own interval when the store fails", () => {
    const broken = { add: () => undefined, incr: () => undefined };
    const throttle = new LogThrottle(60, "store");
    expect(throttle.occurrence(1000, broken)).toBe(1);
    expect(throttle.occurrence(1001, broken)).toBe(0);
  });
});
