/**
 * Threshold events in the Lua hosts: the claim that makes each crossing emit once, and
 * where the events go. Called from the access step (./access.ts) only for an admitted
 * request that crossed a threshold (../thresholds.ts findCrossings), so the common path
 * pays nothing here.
 *
 * The claim, per crossing key (counter key + threshold), living until the window ends:
 *   local          lua_shared_dict `add` in the counters' dict: one winner over the
 *                  node's workers;
 *   redis(-cluster) `SET key 1 NX PX <ms to the window's end>` for all of the request's
 *                  crossings in one script: one winner over the fleet. The keys carry
 *                  the counters' hash tag, so they sit in the counters' slot.
 * A claim the store cannot answer emits anyway (at least once): the event id is the
 * crossing key, the same on every node, so a receiver can drop the duplicate.
 *
 * Claimed crossings become CloudEvents (JSON), returned for the request context
 * (tollgate_threshold_events, queued by kafka-usage's log phase when it runs on the
 * route) and, with threshold_events.webhook, handed to the worker's webhook sender.
 */
import type { RequestFacts } from "../../core/facts";
import type { ThresholdMessage } from "../../core/outcome";
import { runScript, scriptSha1, type RedisScript } from "../../io/lua/redis";
import { enqueueWebhook } from "../../io/lua/webhook-sender";
import type { PreparedTierLimit } from "../prepare";
import type { TierLimitConfig } from "../schema";
import { buildThresholdEvent, encodeThresholdEvent, thresholdSubject, type ThresholdCrossing } from "../thresholds";

export const CLAIM_SCRIPT = `-- tollgate tier-limit: claim threshold crossings, each once until its window ends
local claimed = {}
for i = 1, #KEYS do
  if redis.call("SET", KEYS[i], "1", "NX", "PX", ARGV[i]) then claimed[i] = 1 else claimed[i] = 0 end
end
return claimed
`;

const claimScript: RedisScript = { source: CLAIM_SCRIPT, sha1: scriptSha1(CLAIM_SCRIPT) };

/** Milliseconds from `now` (seconds) to the end of a crossing's window, at least 1. */
function msToWindowEnd(crossing: ThresholdCrossing, now: number): number {
  const ms = Math.ceil((crossing.windowEnd - now) * 1000);
  return ms > 1 ? ms : 1;
}

/** Which crossings this request won (true per index), and an error when the store could not say. */
function claim(conf: TierLimitConfig, prepared: PreparedTierLimit, crossings: ThresholdCrossing[], now: number): LuaMultiReturn<[boolean[], string | undefined]> {
  const won: boolean[] = [];
  if (conf.policy === "local") {
    const dict = ngx.shared[conf.dict];
    if (dict === undefined) {
      for (let i = 0; i < crossings.length; i++) won[i] = true;
      return $multi(won, `lua_shared_dict '${conf.dict}' is not declared`);
    }
    let failure: string | undefined;
    for (let i = 0; i < crossings.length; i++) {
      const crossing = crossings[i]!;
      const [added, err] = dict.add(`th:${crossing.key}`, 1, msToWindowEnd(crossing, now) / 1000);
      // "exists": another request (any worker) claimed it; anything else is a store failure.
      won[i] = added || err !== "exists";
      if (!added && err !== "exists") failure = err;
    }
    return $multi(won, failure);
  }
  const keys: string[] = [];
  const args: number[] = [];
  for (let i = 0; i < crossings.length; i++) {
    keys[i] = `th:${crossings[i]!.key}`;
    args[i] = msToWindowEnd(crossings[i]!, now);
  }
  const [reply, err] = runScript(prepared.redis!, claimScript, keys, args);
  const flags = reply as number[] | undefined;
  for (let i = 0; i < crossings.length; i++) won[i] = err !== undefined || typeof flags !== "object" || flags[i] === 1;
  return $multi(won, err);
}

/** The events of the crossings this request claimed (undefined when it claimed none). */
export function emitThresholds(
  conf: TierLimitConfig,
  prepared: PreparedTierLimit,
  crossings: ThresholdCrossing[],
  facts: RequestFacts,
  tier: string,
  now: number,
): ThresholdMessage[] | undefined {
  const [won, err] = claim(conf, prepared, crossings, now);
  if (err !== undefined) {
    const report = prepared.storeErrors.occurrence(now);
    if (report > 0) ngx.log(ngx.ERR, `[tier-limit] threshold claim (policy ${conf.policy}) failed, emitting anyway (the event id lets a receiver drop a duplicate): ${err}`);
  }
  const settings = conf.threshold_events;
  const subject = thresholdSubject(facts.consumer, facts.clientIp);
  const nowMs = Math.floor(now * 1000);
  let messages: ThresholdMessage[] | undefined;
  for (let i = 0; i < crossings.length; i++) {
    if (!won[i]) continue;
    const value = encodeThresholdEvent(buildThresholdEvent(settings, crossings[i]!, subject, tier, nowMs));
    messages ??= [];
    messages.push({ key: subject, value, timestampMs: nowMs });
    if (settings.webhook !== undefined) enqueueWebhook(settings.webhook, value);
  }
  return messages;
}
