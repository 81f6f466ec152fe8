/**
 * Reads, resets and credits a subject's counters where tier-limit keeps them: the
 * node's lua_shared_dict (policy local: this node only) or Redis (the fleet's count),
 * for the usage API and usage_path. Lua hosts (Kong, APISIX).
 */
import type { WindowCounts } from "../../io/counter";
import { counterTtl } from "../../io/counter";
import { runScript, scriptSha1, type RedisScript } from "../../io/lua/redis";
import type { CounterCheck } from "../decide";
import type { PreparedTierLimit } from "../prepare";
import { countsFromReply } from "../redis-script";
import type { TierLimitConfig } from "../schema";
import { USAGE_SCRIPT, usageKeysAndArgs, type UsageOp } from "../usage-script";

const script: RedisScript = { source: USAGE_SCRIPT, sha1: scriptSha1(USAGE_SCRIPT) };

function dictNumber(dict: SharedDict, key: string): number {
  const [value] = dict.get(key);
  return typeof value === "number" ? value : 0;
}

function inDict(dictName: string, checks: readonly CounterCheck[], op: UsageOp, units: number, now: number): LuaMultiReturn<[WindowCounts | undefined, string | undefined]> {
  const dict = ngx.shared[dictName];
  if (dict === undefined) return $multi(undefined, `lua_shared_dict '${dictName}' is not declared`);
  const counts: WindowCounts = { current: [], previous: [] };
  for (let i = 0; i < checks.length; i++) {
    const check = checks[i]!;
    if (op === "reset") {
      dict.delete(check.key);
      dict.delete(check.previousKey);
    } else if (op === "credit") {
      // As a request's increment: created with the window's TTL when absent.
      const [, err] = dict.incr(check.key, -units, 0, counterTtl(check, now));
      if (err !== undefined) return $multi(undefined, `lua_shared_dict '${dictName}': ${err}`);
    }
    counts.current[i] = dictNumber(dict, check.key);
    counts.previous[i] = check.sliding ? dictNumber(dict, check.previousKey) : 0;
  }
  return $multi(counts, undefined);
}

/** Applies `op` to the checks' counters and answers their counts afterwards (same order). */
export function usageCounts(
  conf: TierLimitConfig,
  prepared: PreparedTierLimit,
  checks: readonly CounterCheck[],
  op: UsageOp,
  units: number,
  now: number,
): LuaMultiReturn<[WindowCounts | undefined, string | undefined]> {
  if (checks.length === 0) return $multi({ current: [], previous: [] }, undefined);
  if (conf.policy === "local") return inDict(conf.dict, checks, op, units, now);
  const { keys, args } = usageKeysAndArgs(checks, op, units, now);
  const [reply, err] = runScript(prepared.redis!, script, keys, args);
  if (err !== undefined) return $multi(undefined, `redis: ${err}`);
  const counts = countsFromReply(reply, checks.length);
  if (counts === undefined) return $multi(undefined, "unexpected reply from the usage script");
  return $multi(counts, undefined);
}
