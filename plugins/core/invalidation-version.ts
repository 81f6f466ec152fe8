/**
 * Fleet-wide cache invalidation, the pure part: what a node drops when it hears of
 * invalidations through Redis pub/sub.
 *
 * Every invalidation increments one version counter in Redis and publishes
 * "<new version> <origin node> <subject>" in the same script, so messages carry consecutive versions
 * in publish order. A node remembers the last version it applied. Pub/sub delivers only
 * while connected, so a gap in the versions, or a counter that moved while the node was
 * away, means invalidations it never heard of: it then drops its whole cache, which is
 * always safe (answers are fetched again) — only a missed drop would be wrong.
 *
 * Kong does the same job by polling a database table of events (kong/cluster_events,
 * 3.9.3: events kept by id in a shared dict, "at" cursor with a poll offset for clock
 * skew); a counter needs neither ids nor clocks.
 */
import { allAsciiDigits } from "./digits";

/** What to drop: nothing, the one subject the message names, or everything. */
export type Drop = "none" | "one" | "all";

/**
 * A message with `version` arrived while subscribed; `lastSeen` is the last version
 * this node applied (undefined: none since its cache was last dropped whole and
 * never in sync). Consecutive: the subject only. Not newer: published before the node
 * resynchronised (it read the counter after subscribing), already covered. A gap:
 * messages were lost, drop everything.
 */
export function dropForMessage(lastSeen: number | undefined, version: number): Drop {
  // typeof, not === undefined: callers in JS may hold null for "none".
  if (typeof lastSeen !== "number") return "all";
  if (version === lastSeen + 1) return "one";
  if (version <= lastSeen) return "none";
  return "all";
}

/** Where the fleet's counter stands: its value, and the generation of the Redis data holding it. */
export interface FleetPosition {
  /** Random, written once into Redis (SET NX): a Redis that lost its data gets a new one. */
  generation: string;
  version: number;
}

/**
 * After (re)subscribing, the counter reads `fleet`; `last` is where the node stood
 * (undefined: never in sync, so whatever it holds predates listening). Same generation
 * and version: nothing was missed. The version moved on: invalidations happened while
 * the node was not listening. Another generation (Redis restarted without its data, or
 * was flushed): the counter started again, and may even have come back to the node's
 * number after invalidations the node missed, so the node cannot tell.
 */
export function dropForResync(last: FleetPosition | undefined, fleet: FleetPosition): Drop {
  if (last === undefined || last === null) return "all";
  return last.generation === fleet.generation && last.version === fleet.version ? "none" : "all";
}

/**
 * A published message, or undefined when it is not "<version> <origin> <subject>"
 * (origin: the publishing node's id, without spaces; the subject may have some).
 */
export function parseInvalidation(payload: string): { version: number; origin: string; subject: string } | undefined {
  const space = payload.indexOf(" ");
  if (space <= 0) return undefined;
  const second = payload.indexOf(" ", space + 1);
  if (second <= space + 1 || second === payload.length - 1) return undefined;
  const digits = payload.substring(0, space);
  if (!allAsciiDigits(digits)) return undefined;
  return { version: Number(digits), origin: payload.substring(space + 1, second), subject: payload.substring(second + 1) };
}

/**
 * The Redis names of the invalidations of one cache (its lua_shared_dict, the same
 * name on every node): the channel and the version counter, hash-tagged together.
 */
export function invalidationKeys(dict: string): { channel: string; version: string; generation: string } {
  const tag = `tollgate:{invalidate:${dict}}`;
  return { channel: tag, version: `${tag}:version`, generation: `${tag}:generation` };
}

/** Seconds before the first reconnect attempt; each failure doubles it, up to `maxS`. */
const FIRST_RECONNECT_S = 0.05;

/**
 * Seconds to wait before reconnecting after `failures` failed attempts in a row: soon
 * (what is missed meanwhile costs the node its whole cache), doubling up to `maxS` so a
 * Redis that stays down is not hammered.
 */
export function reconnectDelay(failures: number, maxS: number): number {
  let delay = FIRST_RECONNECT_S;
  for (let i = 1; i < failures && delay < maxS; i++) delay *= 2;
  return delay > maxS ? maxS : delay;
}
