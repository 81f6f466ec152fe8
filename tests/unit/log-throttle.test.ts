import { expect, it } from "vitest";
import { LogThrottle } from "../../plugins/core/log-throttle.ts";

it("reports the first failure, then one line per interval that counts the swallowed ones", () => {
  const throttle = new LogThrottle(60);
  expect(throttle.occurrence(1000)).toBe(1);
  expect(throttle.occurrence(1001)).toBe(0);
  expect(throttle.occurrence(1059.9)).toBe(0);
  // The next report covers itself and the two swallowed since the last one.
  expect(throttle.occurrence(1060)).toBe(3);
  expect(throttle.occurrence(1200)).toBe(1);
});
