/**
 * The Redis side of tier-limit's usage API: one script that reads a subject's counters,
 * or resets or credits them, atomically (one caller's keys share a hash tag, so one
 * Redis Cluster slot). Shared by the Lua plugin (io/lua/redis.ts) and kong-pdk (ioredis).
 *
 * KEYS: current_1, previous_1, current_2, previous_2, … (as the tier-limit script's)
 * ARGV: op ("read" | "reset" | "credit"), units, then per window the TTL a new counter gets
 * Reply: { 1, { current_i … }, { previous_i … } } after the operation: the tier-limit
 * script's shape, so redis-script.ts countsFromReply reads it (a fixed window's
 * "previous" is its current counter again, which its weight of 0 ignores).
 *   reset  deletes both counters of each window (the next request starts from 0);
 *   credit INCRBY -units on each current counter, giving a new one the window's TTL.
 */
import { counterTtl } from "../io/counter";
import type { CounterCheck } from "./decide";

export const USAGE_SCRIPT = `-- tollgate tier-limit usage: read, reset or credit one subject's windows
local op, units = ARGV[1], tonumber(ARGV[2])
local current, previous = {}, {}
for i = 1, #KEYS / 2 do
  local key, before = KEYS[2 * i - 1], KEYS[2 * i]
  if op == "reset" then
    redis.call("DEL", key, before)
  elseif op == "credit" then
    local value = redis.call("INCRBY", key, -units)
    if value == -units then redis.call("EXPIRE", key, ARGV[2 + i]) end
  end
  current[i] = tonumber(redis.call("GET", key) or "0")
  previous[i] = tonumber(redis.call("GET", before) or "0")
end
return { 1, current, previous }
`;

export type UsageOp = "read" | "reset" | "credit";

/** KEYS and ARGV of the usage script for `checks` at `now`. */
export function usageKeysAndArgs(checks: readonly CounterCheck[], op: UsageOp, units: number, now: number): { keys: string[]; args: (string | number)[] } {
  const keys: string[] = [];
  const args: (string | number)[] = [op, units];
  for (let i = 0; i < checks.length; i++) {
    const entry = checks[i]!;
    keys[2 * i] = entry.key;
    keys[2 * i + 1] = entry.previousKey;
    args[2 + i] = counterTtl(entry, now);
  }
  return { keys, args };
}
