/**
 * The Redis side of tier-limit: one Lua script per request, run atomically by
 * Redis, that checks every window and applies the cost only when all allow it —
 * so counters shared by many gateway nodes are exact, with no refund step.
 * Shared by the Lua plugin (io/lua/redis.ts) and the kong-pdk plugin (ioredis).
 *
 * KEYS: current_1, previous_1, current_2, previous_2, …
 * ARGV: cost, then per window: limit (a soft window's admit bound), weight in millionths (an integer), ttl
 * Reply: { allowed (1|0), { current_i … }, { previous_i … } } where current_i
 * includes the cost whether or not it was applied, as decide.ts's Counts expects.
 * The comparison is decide.ts's: previous * weight + current + cost <= limit.
 */
import { counterTtl } from "../io/counter";
import { previousWeight, type CounterCheck, type Counts } from "./decide";

export const TIER_LIMIT_SCRIPT = `-- tollgate tier-limit: check all windows, then apply the cost to all or none
local cost = tonumber(ARGV[1])
local windows = #KEYS / 2
local current, previous = {}, {}
local allowed = 1
for i = 1, windows do
  local limit, weight = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i]) / 1000000
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

/**
 * KEYS and ARGV of the script for a plan's checks at `now` (the plan's). Written by
 * index, and the weight as an integer: tstl's multi-item push and toFixed are
 * runtime-library loops LuaJIT does not compile, on every request. The weight is a
 * whole number of millionths already (decide.ts rounds it down to 6 decimals), so both
 * sides compare the same number.
 */
export function scriptKeysAndArgs(checks: readonly CounterCheck[], cost: number, now: number): { keys: string[]; args: (string | number)[] } {
  const keys: string[] = [];
  const args: (string | number)[] = [cost];
  for (let i = 0; i < checks.length; i++) {
    const entry = checks[i]!;
    keys[2 * i] = entry.key;
    keys[2 * i + 1] = entry.previousKey;
    // A soft window (overage.ts) admits up to limit + max_overage.
    args[3 * i + 1] = entry.spec.overage?.admit ?? entry.spec.limit;
    args[3 * i + 2] = Math.round(previousWeight(entry, now) * 1e6);
    args[3 * i + 3] = counterTtl(entry, now);
  }
  return { keys, args };
}

/** A number of the script's reply (an integer; 0 when missing). */
function replyNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(value ?? 0);
}

/** The script's reply as Counts, or undefined when it is not the shape the script returns. */
export function countsFromReply(reply: unknown, windows: number): Counts | undefined {
  if (typeof reply !== "object" || reply === null) return undefined;
  const parts = reply as unknown[];
  const current = parts[1] as unknown[] | undefined;
  const previous = parts[2] as unknown[] | undefined;
  if (typeof current !== "object" || typeof previous !== "object") return undefined;
  const counts: Counts = { allowed: parts[0] === 1, current: [], previous: [] };
  for (let i = 0; i < windows; i++) {
    counts.current[i] = replyNumber(current[i]);
    counts.previous[i] = replyNumber(previous[i]);
  }
  return counts;
}
