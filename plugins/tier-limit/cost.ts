/**
 * tier-limit's `cost_from`: a request's cost as the upstream reports it (a response
 * header, or a number in the JSON / SSE body, read by core/usage-cost.ts).
 *
 * How it is charged (every host that accepts cost_from):
 *   1. access: the request is admitted when its caller has any quota left, and is
 *      counted with `cost` (default 1), its minimum, as without cost_from;
 *   2. when the response says what it cost (header_filter for a header; the body's last
 *      chunk in body_filter), the difference above the minimum is added to the same
 *      counters: `units` = max(reported, cost). Nothing is taken back below the minimum,
 *      and a response that says nothing usable (absent, garbage, negative, over
 *      max_body_bytes, compressed) keeps the minimum; all but "absent" are logged,
 *      throttled per node.
 *   3. the charge is in the counters before the response's last byte leaves the node
 *      (local: the shared dict; redis: a pending amount in the shared dict that this
 *      node's access step adds to what Redis says until the Redis charge, sent by a
 *      0-second timer, has landed). See docs/plugins/tier-limit.md "Cost from the response".
 */
import { MAX_UNITS, type CostReading, type CostSpec } from "../core/usage-cost";
import { integer, record, string } from "../core/schema";
import { counterTtl, type WindowCounter } from "../io/counter";

export const costFrom = record({
  description:
    "Charge what the upstream says a request cost (LLM tokens): a response header, or a number in a JSON body or in the last SSE event that has it. The request is admitted while its caller has quota left; its cost is added when the response ends. Lua hosts only (kong-pdk has no body phase).",
  fields: {
    header: string({ description: "Response header with the cost (e.g. X-Usage-Units).", minLength: 1 }),
    json_field: string({
      description: "Dotted path of the cost in a JSON body or in each SSE event's data (e.g. usage.total_tokens).",
      minLength: 1,
    }),
    max_body_bytes: integer({
      description: "Most of a body held to read json_field: the whole JSON body, or one SSE event. A larger one is not read (the minimum cost stays).",
      default: 1_048_576,
      min: 64,
      max: 67_108_864,
    }),
  },
  check: (value) => {
    const header = value["header"] !== undefined;
    const field = value["json_field"] !== undefined;
    if (header === field) return "header|json_field: exactly one of them must be set";
    const path = value["json_field"] as string | undefined;
    if (path !== undefined) {
      for (const key of path.split(".")) if (key === "") return `json_field: '${path}' has an empty key`;
    }
    return undefined;
  },
});

/** What the body reader needs, from a cost_from config. */
export function costSpec(costFromConf: { json_field?: string; max_body_bytes: number }): CostSpec {
  return { path: costFromConf.json_field ?? "", maxBytes: costFromConf.max_body_bytes };
}

/** What a response's reading charges: the request's units and what to add to its minimum. */
export function costCharge(minimum: number, reading: CostReading): { units: number; extra: number } {
  const reported = reading.units;
  if (reported === undefined || reported <= minimum) return { units: minimum, extra: 0 };
  const units = reported > MAX_UNITS ? MAX_UNITS : reported;
  return { units, extra: units - minimum };
}

/**
 * Adds ARGV[1] to every key (a caller's current window counters: one hash tag, one
 * Redis Cluster slot), giving a counter that has no expiry yet its TTL (ARGV[i + 1]).
 * Also takes a refused request's minimum back (ARGV[1] negative; see lua/cost.ts).
 */
export const TIER_LIMIT_CHARGE_SCRIPT = `-- tollgate tier-limit: add a cost reported by the upstream
local cost = tonumber(ARGV[1])
for i = 1, #KEYS do
  redis.call("INCRBY", KEYS[i], cost)
  if redis.call("TTL", KEYS[i]) == -1 then redis.call("EXPIRE", KEYS[i], ARGV[i + 1]) end
end
return 1
`;

/** KEYS and ARGV of the charge script for these counters at `now`. */
export function chargeKeysAndArgs(counters: readonly WindowCounter[], cost: number, now: number): { keys: string[]; args: (string | number)[] } {
  const keys: string[] = [];
  const args: (string | number)[] = [cost];
  for (let i = 0; i < counters.length; i++) {
    keys[i] = counters[i]!.key;
    args[i + 1] = counterTtl(counters[i]!, now);
  }
  return { keys, args };
}
