/**
 * tier-limit's configuration, declared once. Kong's schema.lua, APISIX's JSON
 * schema, the kong-pdk Schema and the `TierLimitConfig` type all come from here.
 */
import { boolean, integer, map, record, string, type Infer } from "../core/schema";
import { WINDOW_NAMES } from "../core/windows";

/** HTTP methods a tier can limit separately; "*" covers every method not listed. */
export const LIMITED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"] as const;

const MAX_LIMIT = 1_000_000_000;

function windowLimit(window: string) {
  return integer({ description: `Requests allowed per ${window}.`, min: 0, max: MAX_LIMIT });
}

const windowLimits = record({
  description: "Limits of one tier for one method, by window; at least one window.",
  fields: {
    second: windowLimit("second"),
    minute: windowLimit("minute"),
    hour: windowLimit("hour"),
    day: windowLimit("day"),
    month: windowLimit("month"),
  },
  check: (limits) => {
    for (const window of WINDOW_NAMES) if (limits[window] !== undefined) return undefined;
    return `${WINDOW_NAMES.join("|")}: at least one window must have a limit`;
  },
});

const tier = record({
  description: "One tier: its limits per HTTP method, or unlimited.",
  fields: {
    unlimited: boolean({ description: "No limit at all for this tier.", default: false }),
    limits: map({
      description: 'Limits by HTTP method; "*" applies to methods not listed.',
      keys: string({ description: "An HTTP method or *.", oneOf: LIMITED_METHODS }),
      values: windowLimits,
    }),
  },
  check: (value) => {
    if (value["unlimited"] === true) return undefined;
    const limits = value["limits"] as { [method: string]: unknown } | undefined;
    if (limits !== undefined) for (const _method in limits) return undefined;
    return "limits: a tier that is not unlimited needs limits";
  },
});

export const tierLimitSchema = record({
  description: "Per-tier, per-method rate limits.",
  fields: {
    tiers: map({
      description: "Tiers by name (free, premium, enterprise, …).",
      required: true,
      keys: string({ description: "Tier name.", minLength: 1 }),
      values: tier,
    }),
    default_tier: string({
      description:
        "Tier of a consumer that has none. Unset: such a consumer gets 403 and an anonymous caller 401.",
    }),
    tier_header: string({
      description: "Request header that carries the resolved tier upstream (a client-sent copy is removed first).",
      default: "X-API-Tier",
      minLength: 1,
    }),
    policy: string({ description: "Where counters live.", oneOf: ["local"], default: "local" }),
    dict: string({
      description: "lua_shared_dict that holds the counters for policy local.",
      default: "tollgate_tier_limit",
      minLength: 1,
    }),
    hide_client_headers: boolean({ description: "Do not send rate-limit headers to the client.", default: false }),
    error_code: integer({ description: "Status of a rejected request.", default: 429, min: 400, max: 599 }),
    error_message: string({ description: "Message of a rejected request.", default: "API rate limit exceeded" }),
  },
  check: (conf) => {
    const defaultTier = conf["default_tier"];
    const tiers = conf["tiers"] as { [name: string]: unknown };
    if (typeof defaultTier === "string" && tiers[defaultTier] === undefined) {
      return `default_tier: '${defaultTier}' is not one of the configured tiers`;
    }
    return undefined;
  },
});

export type TierLimitConfig = Infer<typeof tierLimitSchema>;
