/**
 * The Redis side of tier-limit: one Lua script per request, run atomically by
 * Redis, that checks every window and applies the cost only when all allow it —
 * so counters shared by many gateway nodes are exact, with no refund step.
 * Shared by the Lua plugin (io/lua/redis.ts) and the kong-pdk plugin (ioredis).
 *
 * KEYS: current_1, previous_1, current_2, previous_2, …
 * ARGV: cost, then per window: limit, weight, ttl
 * Reply: { allowed (1|0), { current_i … }, { previous_i … } } where current_i
 * includes the cost whether or not it was applied, as decide.ts's Counts expects.
 * The comparison is decide.ts's: previous * weight + current + cost <= limit.
 */
import type { CounterCheck, Counts } from "./decide";

export const TIER_LIMIT_SCRIPT = `-- tollgate tier-limit: check all windows, then apply the cost to all or none
local cost = tonumber(ARGV[1])
local windows = #KEYS / 2
local current, previous = {}, {}
local allowed = 1
for i = 1, windows do
  local limit, weight = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local count = tonumber(redis.call("GET", KEYS[2 * i - 1]) or "0")
  local before = 0
  if weight > 0 then before = tonumber(redis.call("GET", KEYS[2 * i]) or "0") end
  current[i], previous[i] = count + cost, before
  if before * weight + count + cost > limit then allowed = 0 end
end
if allowed == 1 then
  for i = 1, windows do
    current[i] = redis.call("INCRBY", KEYS[2 * i - 1], cost)
    if current[i] == cost then redis.call("EXPIRE", KEYS[2 * i - 1], ARGV[3 * i + 1]) end
  end
end
return { allowed, current, previous }
`;

/** KEYS and ARGV of the script for a plan's checks. */
export function scriptKeysAndArgs(checks: readonly CounterCheck[], cost: number): { keys: string[]; args: (string | number)[] } {
  const keys: string[] = [];
  const args: (string | number)[] = [cost];
  for (const entry of checks) {
    keys.push(entry.key, entry.previousKey);
    // Weights go as text with enough digits that both sides compare the same number.
    args.push(entry.spec.limit, entry.weight === 0 ? "0" : entry.weight.toFixed(6), entry.ttl);
  }
  return { keys, args };
}

/** The script's reply as Counts, or undefined when it is not the shape the script returns. */
export function countsFromReply(reply: unknown, windows: number): Counts | undefined {
  if (typeof reply !== "object" || reply === null) return undefined;
  const parts = reply as unknown[];
  const current = parts[1] as number[] | undefined;
  const previous = parts[2] as number[] | undefined;
  if (typeof current !== "object" || typeof previous !== "object") return undefined;
  const counts: Counts = { allowed: parts[0] === 1, current: [], previous: [] };
  for (let i = 0; i < windows; i++) {
    counts.current.push(Number(current[i] ?? 0));
    counts.previous.push(Number(previous[i] ?? 0));
  }
  return counts;
}
