/**
 * tier-limit's cost_from on the Lua hosts (Kong and APISIX): the upstream's reported
 * cost read in header_filter / body_filter and added to the counters the access step
 * used (see ../cost.ts for the rules). The hosts keep a CostState per request (Kong:
 * kong.ctx.plugin, APISIX: ctx) and put the returned units in `tollgate_units` for
 * kafka-usage's event.
 *
 * Phases: nginx's header and body filters allow shared dicts and timers, not cosockets
 * (ngx_lua: "API disabled in the context of body_filter_by_lua*"), so Redis is reached
 * from a 0-second timer; until the timer's charge has landed, the amount waits in the
 * shared dict under "pending:<counter key>", and this node's access step waits for
 * it to land before asking Redis (awaitPendingCosts). Other nodes see the charge once
 * the timer has run.
 */
import { costFromHeader, feedCost, finishCost, newCostReader, type CostProblem, type CostReader, type CostReading } from "../../core/usage-cost";
import { LogThrottle } from "../../core/log-throttle";
import type { WindowCounts } from "../../io/counter";
import { logGate } from "../../io/lua/log-gate";
import { runScript, scriptSha1, type RedisScript } from "../../io/lua/redis";
import { incrementCounters } from "../../io/lua/shared-dict-counters";
import { chargeKeysAndArgs, costCharge, costSpec, TIER_LIMIT_CHARGE_SCRIPT } from "../cost";
import type { CounterCheck } from "../decide";
import type { PreparedTierLimit } from "../prepare";
import type { TierLimitConfig } from "../schema";

const chargeScript: RedisScript = { source: TIER_LIMIT_CHARGE_SCRIPT, sha1: scriptSha1(TIER_LIMIT_CHARGE_SCRIPT) };

/** One admitted request's charge in progress. */
export interface CostState {
  /** The counters the access step added the minimum to (none: an unlimited tier). */
  checks: CounterCheck[];
  /** The minimum already counted (conf.cost). */
  minimum: number;
  reader?: CostReader;
  /** The cost was charged (the response's header or last chunk was seen). */
  done: boolean;
}

/** A CostState for the access step to fill (checks stays undefined when nothing was counted). */
export function newCostState(conf: TierLimitConfig): Partial<CostState> & { minimum: number } {
  return { minimum: conf.cost, done: false };
}

interface CostLogs {
  problems: LogThrottle;
  charges: LogThrottle;
  /** ngx.var name of the cost header as the upstream sent it (upstream_http_x_usage_units). */
  headerVar?: string;
}

const logsByConfig = new WeakMap<TierLimitConfig, CostLogs>();

function costLogs(conf: TierLimitConfig): CostLogs {
  let logs = logsByConfig.get(conf);
  if (logs === undefined) {
    const header = conf.cost_from?.header;
    logs = {
      // Per source: a node's JSON routes and header routes report apart.
      problems: new LogThrottle(conf.error_log_interval, `tier-limit:cost-from:${header ?? conf.cost_from?.json_field ?? ""}`),
      charges: new LogThrottle(conf.error_log_interval, `tier-limit:cost-charge:${conf.policy}`),
      headerVar: header === undefined ? undefined : `upstream_http_${header.toLowerCase().split("-").join("_")}`,
    };
    logsByConfig.set(conf, logs);
  }
  return logs;
}

function pendingKey(check: CounterCheck): string {
  return `pending:${check.key}`;
}

/** How often the access step looks again whether a pending charge has landed in Redis. */
const PENDING_POLL_S = 0.001;

/**
 * Access step, policy redis / redis-cluster with cost_from, before Redis is asked: while
 * a charge of this caller's counters is pending on this node (a response of it ended
 * and its timer has not yet had Redis's answer), waits for it, at most
 * redis.timeout_ms, so the decision reads a Redis count that holds it. Only a caller
 * whose previous response ended a moment ago waits, for about one Redis round trip.
 * Returns what is still pending per window after the wait (all 0 normally).
 */
export function awaitPendingCosts(conf: TierLimitConfig, checks: readonly CounterCheck[]): number[] | undefined {
  const dict = ngx.shared[conf.dict];
  if (dict === undefined) return undefined;
  let pending = pendingOf(dict, checks);
  if (pending === undefined) return undefined;
  const deadline = ngx.now() + conf.redis.timeout_ms / 1000;
  while (pending !== undefined && ngx.now() < deadline) {
    ngx.sleep(PENDING_POLL_S);
    pending = pendingOf(dict, checks);
  }
  return pending;
}

/** Each window's pending amount, or undefined when none is pending. */
function pendingOf(dict: SharedDict, checks: readonly CounterCheck[]): number[] | undefined {
  let amounts: number[] | undefined;
  for (let i = 0; i < checks.length; i++) {
    const [value] = dict.get(pendingKey(checks[i]!));
    if (typeof value === "number" && value > 0) {
      amounts ??= [];
      amounts[i] = value;
    }
  }
  return amounts;
}

/**
 * Adds what is still pending after awaitPendingCosts (a charge slower than the Redis
 * timeout) to each window's count: the decision then errs toward counting it twice,
 * never toward missing it.
 */
export function addPending(counts: WindowCounts, pending: readonly number[]): void {
  for (let i = 0; i < counts.current.length; i++) counts.current[i] = (counts.current[i] ?? 0) + (pending[i] ?? 0);
  counts.allowed = undefined;
}

/**
 * Access step: takes back a minimum the Redis script counted for a request that the
 * still-pending costs then refused (a failure is logged: the caller keeps that unit counted).
 */
export function refundInRedis(conf: TierLimitConfig, prepared: PreparedTierLimit, checks: readonly CounterCheck[], cost: number): void {
  const { keys, args } = chargeKeysAndArgs(checks, -cost, ngx.now());
  const [, err] = runScript(prepared.redis!, chargeScript, keys, args);
  if (err !== undefined) logChargeFailure(conf, -cost, err);
}

function logProblem(conf: TierLimitConfig, problem: CostProblem): void {
  // An absent header or field is how many upstreams answer errors: not worth a line.
  if (problem === "missing") return;
  const report = costLogs(conf).problems.occurrence(ngx.now(), logGate(conf.dict));
  if (report > 0) {
    const from = conf.cost_from?.header ?? conf.cost_from?.json_field;
    ngx.log(ngx.WARN, `[tier-limit] cost_from ${from}: ${report} response(s) since the last report gave no usable cost (last: ${problem}); the minimum cost ${conf.cost} was kept`);
  }
}

function logChargeFailure(conf: TierLimitConfig, units: number, err: string): void {
  const report = costLogs(conf).charges.occurrence(ngx.now(), logGate(conf.dict));
  if (report > 0) ngx.log(ngx.ERR, `[tier-limit] cost_from: ${report} charge(s) failed since the last report (last: ${units} units, policy ${conf.policy}): ${err}`);
}

/** Timer: the charge sent to Redis, then no longer pending on this node. */
function chargeRedis(premature: boolean, conf: TierLimitConfig, prepared: PreparedTierLimit, checks: CounterCheck[], extra: number): void {
  if (!premature) {
    const { keys, args } = chargeKeysAndArgs(checks, extra, ngx.now());
    const [, err] = runScript(prepared.redis!, chargeScript, keys, args);
    if (err !== undefined) logChargeFailure(conf, extra, err);
  } else {
    logChargeFailure(conf, extra, "nginx is exiting");
  }
  releasePending(conf, checks, extra);
}

function releasePending(conf: TierLimitConfig, checks: readonly CounterCheck[], extra: number): void {
  const dict = ngx.shared[conf.dict];
  if (dict === undefined) return;
  for (const check of checks) dict.incr(pendingKey(check), -extra);
}

/** Adds a response's cost to the request's counters; returns the request's units. */
function charge(conf: TierLimitConfig, prepared: PreparedTierLimit, state: CostState, reading: CostReading): number {
  state.done = true;
  if (reading.problem !== undefined) logProblem(conf, reading.problem);
  const { units, extra } = costCharge(state.minimum, reading);
  const checks = state.checks;
  if (extra === 0 || checks.length === 0) return units;
  const now = ngx.now();
  if (conf.policy === "local") {
    const [counts, err] = incrementCounters(conf.dict, checks, extra, now);
    if (counts === undefined) logChargeFailure(conf, extra, err ?? "shared dict");
    return units;
  }
  const dict = ngx.shared[conf.dict];
  // Pending first, so this node's next request counts it whether or not the timer has run.
  if (dict !== undefined) for (const check of checks) dict.incr(pendingKey(check), extra, 0, counterTtlOf(check, now));
  const [ok, err] = ngx.timer.at(0, chargeRedis, conf, prepared, checks, extra);
  if (ok === undefined) {
    logChargeFailure(conf, extra, err ?? "ngx.timer.at failed");
    releasePending(conf, checks, extra);
  }
  return units;
}

/** How long a pending amount may wait (its window's counter's TTL; the timer releases it far sooner). */
function counterTtlOf(check: CounterCheck, now: number): number {
  const ttl = check.keepUntil - Math.floor(now);
  return ttl > 60 ? 60 : ttl > 1 ? ttl : 1;
}

/**
 * header_filter: the cost header is read (and charged) here; for a body source the
 * reader is set up from the response's Content-Type and Content-Encoding. Returns the
 * request's units when known now.
 */
export function costHeaderFilter(conf: TierLimitConfig, prepared: PreparedTierLimit, state: CostState): number | undefined {
  const costFromConf = conf.cost_from;
  if (costFromConf === undefined || state.done) return undefined;
  const logs = costLogs(conf);
  if (logs.headerVar !== undefined) return charge(conf, prepared, state, costFromHeader(ngx.var[logs.headerVar]));
  const vars = ngx.var;
  state.reader = newCostReader(costSpec(costFromConf), vars["upstream_http_content_type"], vars["upstream_http_content_encoding"]);
  return undefined;
}

/**
 * body_filter: feeds the chunk (never altered) to the reader; on the last one, charges.
 * Returns the request's units on the last chunk.
 */
export function costBodyFilter(conf: TierLimitConfig, prepared: PreparedTierLimit, state: CostState): number | undefined {
  const reader = state.reader;
  if (reader === undefined || state.done) return undefined;
  const args = ngx.arg;
  const chunk = args.get(1);
  if (typeof chunk === "string") feedCost(reader, chunk);
  if (args.get(2) !== true) return undefined;
  return charge(conf, prepared, state, finishCost(reader));
}
