/**
 * How a suite says which targets it runs on (the target is TOLLGATE_GATEWAY, ./target.ts):
 * `describeGateway` for suites that start gateways through the harness, `hostsOnly` for
 * suites that need tollgate's test hosts themselves.
 */
import { describe } from "vitest";
import { containersUnavailable } from "./containers.ts";
import { GATEWAY_TARGET } from "./target.ts";

/** vitest's `describe`, as `describe.skipIf` returns it (with `.each`). */
type Describe = ReturnType<typeof describe.skipIf>;

/**
 * Why this run's gateways cannot be started at all, or undefined: only the containers
 * target can be absent (no container engine), and its suites are then skipped.
 */
const UNAVAILABLE: string | undefined = GATEWAY_TARGET === "containers" ? await containersUnavailable() : undefined;
if (UNAVAILABLE !== undefined) console.warn(`[tollgate] TOLLGATE_GATEWAY=containers: gateway suites skipped: ${UNAVAILABLE}`);

/**
 * `describe` for suites that start gateways: skipped, with the reason printed once per file,
 * when the target's gateways cannot run here (containers without a container engine).
 */
export const describeGateway: Describe = describe.skipIf(UNAVAILABLE !== undefined);

/**
 * `describe` for suites that need tollgate's test hosts themselves (options or log lines
 * only they have, a process layout they control, no gateway at all): run on the default
 * target, skipped elsewhere with `reason` printed once.
 */
export function hostsOnly(reason: string): Describe {
  if (GATEWAY_TARGET !== "hosts") console.warn(`[tollgate] TOLLGATE_GATEWAY=${GATEWAY_TARGET}: skipped, runs on the test hosts only: ${reason}`);
  return describe.skipIf(GATEWAY_TARGET !== "hosts");
}
