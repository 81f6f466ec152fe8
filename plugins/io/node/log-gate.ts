/**
 * The node-wide store of core/log-throttle.ts on Kong's JS plugin server: the server is one
 * Node process per Kong node, serving all of Kong's workers, so a map in that process is
 * already shared by them; keyed by message kind, it is shared by every config too.
 */
import type { ThrottleStore } from "../../core/log-throttle";

const gates = new Map<string, number>();
const counts = new Map<string, number>();

/** A throttle store over this process's maps (`now` in seconds). */
export function processLogGate(now: () => number): ThrottleStore {
  return {
    add: (key, ttl) => {
      const until = gates.get(key);
      const at = now();
      if (until !== undefined && at < until) return false;
      gates.set(key, at + ttl);
      return true;
    },
    incr: (key, by) => {
      const value = (counts.get(key) ?? 0) + by;
      counts.set(key, value);
      return value;
    },
  };
}

/** The one every plugin of this process uses. */
export const PROCESS_LOG_GATE = processLogGate(() => Date.now() / 1000);
