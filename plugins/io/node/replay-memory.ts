/**
 * Ids remembered for a while, in the Kong JS plugin server's process (one per Kong
 * node): the replay check of webhooks (entitlement-check/webhook.ts ReplayMemory),
 * as the Lua hosts do with a lua_shared_dict `add`. Bounded: past `maxEntries` the
 * expired ids go, then the oldest.
 */
import type { ReplayMemory } from "../../entitlement-check/webhook";

export function processReplayMemory(maxEntries: number, now: () => number): ReplayMemory {
  const until = new Map<string, number>();
  return {
    remember: (id, ttl) => {
      const at = now();
      const known = until.get(id);
      if (known !== undefined && known > at) return false;
      until.delete(id);
      until.set(id, at + ttl);
      if (until.size > maxEntries) {
        for (const [key, end] of until) if (end <= at) until.delete(key);
        while (until.size > maxEntries) until.delete(until.keys().next().value as string);
      }
      return true;
    },
  };
}
