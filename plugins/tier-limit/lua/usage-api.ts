/**
 * tier-limit's usage API for operators, host-neutral on the Lua side: given the
 * tier-limit configs this node runs and a consumer, answers its usage (GET), or resets
 * or credits its counters first (POST), as a status and a JSON body. The Kong Admin API
 * module (../kong/api.ts) and the APISIX control_api() (./apisix-usage-api.ts) only find
 * the configs and the consumer and send the answer.
 *
 * Which configs: every tier-limit config of the node, or the one `?plugin=<id>` names
 * (Kong: the plugin's id; APISIX: "route:<route id>"). Counters of a
 * config with counter_scope route or service are found with `?route=` / `?service=`
 * (the entity's id). Configs that count per credential or per address (limit_by,
 * window_limit_by) are listed with a note: the consumer alone does not name their counters.
 */
import type { ConsumerFacts, RequestFacts } from "../../core/facts";
import type { Rejection } from "../../core/outcome";
import { prepare, type PreparedTierLimit } from "../prepare";
import type { TierLimitConfig } from "../schema";
import {
  adjustedTargets,
  callerAnswer,
  parseCredit,
  parseReset,
  subjectWindows,
  usageOf,
  type Adjustment,
  type AdjustmentProblem,
  type UsageTarget,
} from "../usage";
import type { UsageOp } from "../usage-script";
import { usageCounts } from "./usage-store";

/** A tier-limit config as a host knows it: the config, an id for `?plugin=`, its counter scope. */
export interface UsageConfig {
  conf: TierLimitConfig;
  id: string;
  /** RequestFacts.configScope of the requests this config handles ("route:<id>", "global", …). */
  scope: string;
  /** The configScope of this consumer's requests, where the host makes it per consumer (APISIX). */
  scopeFor?: (this: void, consumer: ConsumerFacts) => string;
}

export interface UsageAnswer {
  status: number;
  body: { [key: string]: unknown };
}

export type UsageAction = "usage" | "reset" | "credit";

type Params = { readonly [name: string]: unknown };

function text(params: Params, name: string): string | undefined {
  const value = params[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * "credential" or "ip" when the config counts some window per credential or address
 * (limit_by, window_limit_by): the operator names a consumer, not those. By consumer
 * and by group (the consumer's group tag or label) the consumer is enough.
 */
function perRequestSubject(conf: TierLimitConfig): string | undefined {
  if (conf.limit_by === "credential" || conf.limit_by === "ip") return conf.limit_by;
  const byWindow = conf.window_limit_by ?? {};
  for (const window in byWindow) {
    const by = byWindow[window as keyof typeof byWindow];
    if (by === "credential" || by === "ip") return by;
  }
  return undefined;
}

/** One config's part of the answer, after applying `adjustment` to the subject's counters. */
function configUsage(entry: UsageConfig, consumer: ConsumerFacts, params: Params, adjustment: Adjustment | undefined, now: number): { part: { [key: string]: unknown }; touched: number; failed?: string } {
  const conf = entry.conf;
  const part: { [key: string]: unknown } = {
    plugin: entry.id,
    scope: entry.scope,
    policy: conf.policy,
    // Redis counters are the fleet's; a dict's are this node's (an adjustment must be made on every node).
    applies_to: conf.policy === "local" ? "node" : "fleet",
  };
  const by = perRequestSubject(conf);
  if (by !== undefined) {
    part["error"] = "not_addressable";
    part["message"] = `counted by ${by}: those counters are kept per ${by}, which the consumer alone does not name; a caller sees them at usage_path`;
    return { part, touched: 0 };
  }
  const prepared = prepare(conf);
  const scope = entry.scopeFor === undefined ? entry.scope : entry.scopeFor(consumer);
  const facts = { method: "GET", consumer, configScope: scope, routeId: text(params, "route"), serviceId: text(params, "service") };
  const found = subjectWindows(conf, prepared, facts, now);
  if (found.kind === "none") {
    part["error"] = found.error;
    part["message"] = found.message;
    return { part, touched: 0 };
  }
  part["tier"] = found.tier;
  const targets: UsageTarget[] = found.targets;
  let touched = 0;
  if (adjustment !== undefined) {
    const chosen = adjustedTargets(targets, adjustment);
    touched = chosen.length;
    const op: UsageOp = adjustment.kind;
    const [, err] = usageCounts(conf, prepared, chosen.map((t) => t.check), op, adjustment.units, now);
    if (err !== undefined) return { part, touched, failed: err };
  }
  const [counts, err] = usageCounts(conf, prepared, targets.map((t) => t.check), "read", 0, now);
  if (counts === undefined) return { part, touched, failed: err };
  if (targets.length === 0) part["unlimited"] = true;
  else part["windows"] = usageOf(targets, found.tier, counts, now);
  return { part, touched };
}

/**
 * The answer to GET usage (action "usage"), POST reset or POST credit for `consumer`
 * (undefined: not a consumer of this gateway, 404) under `configs`.
 */
export function usageApi(action: UsageAction, subject: string, consumer: ConsumerFacts | undefined, configs: readonly UsageConfig[], params: Params, now: number): UsageAnswer {
  let adjustment: Adjustment | undefined;
  if (action !== "usage") {
    const parsed: Adjustment | AdjustmentProblem = action === "credit" ? parseCredit(params) : parseReset(params);
    if ("field" in parsed) return { status: 400, body: { error: "invalid_request", field: parsed.field, message: parsed.message } };
    adjustment = parsed;
  }
  if (consumer === undefined) return { status: 404, body: { error: "unknown_subject", message: `No consumer '${subject}'.` } };
  const wanted = text(params, "plugin");
  const parts: { [key: string]: unknown }[] = [];
  let touched = 0;
  for (const entry of configs) {
    if (wanted !== undefined && entry.id !== wanted) continue;
    const { part, touched: n, failed } = configUsage(entry, consumer, params, adjustment, now);
    if (failed !== undefined) return { status: 500, body: { error: "store_failed", message: failed, plugin: entry.id } };
    touched += n;
    parts.push(part);
  }
  if (parts.length === 0) {
    const message = wanted === undefined ? "No tier-limit config is enabled on this node." : `No tier-limit config '${wanted}' on this node.`;
    return { status: 404, body: { error: "unknown_config", message } };
  }
  if (adjustment?.window !== undefined && touched === 0) {
    return { status: 400, body: { error: "invalid_request", field: "window", message: `window: '${adjustment.window}' is not a window of this consumer's tier` } };
  }
  const body: { [key: string]: unknown } = { subject, consumer_id: consumer.id, configs: parts };
  if (adjustment !== undefined) body[adjustment.kind === "reset" ? "reset" : "credited"] = adjustment.kind === "reset" ? true : adjustment.units;
  return { status: 200, body };
}

/**
 * usage_path: the caller's own usage under this config, from the facts of its request
 * (the consumer its credentials proved, or its address when anonymous), as the answer
 * that ends the request; not counted. A caller the config would refuse (401/403) gets
 * that refusal.
 */
export function callerUsage(conf: TierLimitConfig, prepared: PreparedTierLimit, facts: RequestFacts, now: number): Rejection {
  const found = subjectWindows(conf, prepared, facts, now);
  if (found.kind === "none") return callerAnswer(conf, found, undefined, now);
  const [counts, err] = usageCounts(conf, prepared, found.targets.map((t) => t.check), "read", 0, now);
  if (counts === undefined) ngx.log(ngx.ERR, `[tier-limit] usage_path: counter store (policy ${conf.policy}) failed: ${err}`);
  return callerAnswer(conf, found, counts, now);
}
