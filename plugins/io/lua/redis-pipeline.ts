/**
 * Automatic pipelining for the Redis client (./redis.ts, per node): the script
 * calls that one worker's requests make while a round trip to Redis is under way are
 * sent together in the next one — one write, their replies read back in order, one
 * connection. Every call is still its own EVALSHA, atomic in Redis; only the trips are
 * shared. Under load that turns a read, a write and a wake-up per request into one per
 * batch, on the gateway and on the Redis server (ioredis's enableAutoPipelining, done
 * with cosockets).
 *
 * A cosocket belongs to the request that opened it, so the batch is sent by one of the
 * waiting requests, the leader:
 *
 *   - a call that finds a slot free (fewer trips under way than the lane allows) leads
 *     at once: it sends itself and the queued calls, reads their replies, wakes the
 *     next leader if calls are queued (or frees the slot), then hands each call its
 *     reply and wakes it (ngx.semaphore);
 *   - a call that finds every slot taken queues and waits;
 *   - a call woken as the next leader sends every call queued by then.
 *
 * A call waits at most `waitS` (two trips' worth of timeouts); then it gives up with
 * an error, its command is no longer sent, and a reply that comes later is dropped.
 * A slot held longer than `staleS` (a trip's worth: its leader's request must have
 * ended) goes to the next call, which sends what is queued.
 * An error thrown while leading fails that batch's calls with the error; it never
 * leaves the lane stuck.
 *
 * Per worker, per Redis node and connection settings (one Lane each, made by redis.ts).
 * In a cluster, a call's first try goes through its node's lane; a redirection
 * (MOVED, ASK) is followed on a connection of its own, as ASKING must precede the one
 * command it admits.
 */
import semaphore = require("ngx.semaphore");
import type { RedisScript } from "./redis";
import { appendCommand, isUnknownScript, readReply, scriptCommand } from "./resp";

/** One script call: its arguments, then its reply, error and waiter's state. */
interface Call {
  script: RedisScript;
  keys: readonly string[];
  args: readonly (string | number)[];
  reply: unknown;
  err: string | undefined;
  /** The error is a Redis error reply (the connection was fine), not a connection failure. */
  replyError: boolean;
  /** Its command is in the write under way: its reply must be read, wanted or not. */
  awaiting: boolean;
  /** It must be sent again with EVAL (Redis answered NOSCRIPT). */
  unknownScript: boolean;
  /** Woken to lead the next batch in this slot (1-based), rather than with a reply; 0 when not. */
  slot: number;
  /** Its request stopped waiting. */
  gone: boolean;
  sema?: Semaphore;
}

export interface Lane {
  /** A ready connection (from the pool, secured, authenticated), or an error. */
  open: (this: void) => LuaMultiReturn<[TcpSocket | undefined, string | undefined]>;
  /** Gives a connection that worked back to the pool. */
  release: (this: void, sock: TcpSocket) => void;
  /** Longest a queued call waits, in seconds. */
  waitS: number;
  /**
   * A slot held longer than this (seconds) has a leader that is not alive (its request
   * ended while it read from Redis): the next call takes the slot and sends what is
   * queued. Taking a live leader's slot is harmless, one more batch under way.
   */
  staleS: number;
  /**
   * Per slot (at most this many batches under way at once), when its leader took it;
   * 0 when free.
   */
  slots: number[];
  queue: Call[];
  /** Semaphores of calls that were woken, for reuse (a timed-out call's is dropped: a late post would stay in it). */
  spare: Semaphore[];
}

export function newLane(
  open: (this: void) => LuaMultiReturn<[TcpSocket | undefined, string | undefined]>,
  release: (this: void, sock: TcpSocket) => void,
  waitS: number,
  staleS: number,
  concurrency: number,
): Lane {
  const slots: number[] = [];
  for (let i = 0; i < concurrency; i++) slots[i] = 0;
  return { open, release, waitS, staleS, slots, queue: [], spare: [] };
}

/** A slot free for a new leader (0-based), or -1. */
function freeSlot(lane: Lane): number {
  const slots = lane.slots;
  const now = ngx.now();
  for (let i = 0; i < slots.length; i++) {
    const since = slots[i]!;
    if (since === 0 || now - since > lane.staleS) return i;
  }
  return -1;
}

/** Every call of `batch` without a reply or an error yet fails with `err` (a connection error). */
function failRest(batch: Call[], err: string): void {
  for (const call of batch) {
    if (call.reply !== undefined || call.err !== undefined) continue;
    call.err = err;
    call.replyError = false;
  }
}

/**
 * One write: EVALSHA of every call still wanted, or (`withSource`) EVAL of those Redis
 * answered NOSCRIPT.
 */
function sendCalls(sock: TcpSocket, batch: Call[], withSource: boolean): string | undefined {
  const parts: (string | number)[] = [];
  let at = 0;
  for (const call of batch) {
    if (call.gone || (withSource && !call.unknownScript)) continue;
    at = appendCommand(parts, at, scriptCommand(call.script, call.keys, call.args, withSource));
    call.awaiting = true;
  }
  if (at === 0) return undefined;
  const [sent, err] = sock.send(parts);
  return sent === undefined ? (err ?? "send failed") : undefined;
}

/** Reads the replies to the last write, in order; false when the connection failed. */
function readReplies(sock: TcpSocket, batch: Call[]): boolean {
  for (const call of batch) {
    if (!call.awaiting) continue;
    call.awaiting = false;
    const [reply, err] = readReply(sock);
    if (reply === undefined) {
      failRest(batch, err ?? "closed");
      return false;
    }
    if (reply !== false) {
      call.reply = reply;
      call.unknownScript = false;
    } else if (!call.unknownScript && isUnknownScript(err)) {
      call.unknownScript = true;
    } else {
      call.err = err;
      call.replyError = true;
      call.unknownScript = false;
    }
  }
  return true;
}

/** One round trip for `batch`, and a second for the scripts Redis did not know (EVAL loads them). */
function runBatch(this: void, lane: Lane, batch: Call[]): void {
  const [sock, openErr] = lane.open();
  if (sock === undefined) {
    failRest(batch, openErr ?? "connect failed");
    return;
  }
  let unknown = false;
  for (let round = 0; round === 0 || (round === 1 && unknown); round++) {
    const sendErr = sendCalls(sock, batch, round === 1);
    if (sendErr !== undefined) {
      sock.close();
      failRest(batch, sendErr);
      return;
    }
    if (!readReplies(sock, batch)) {
      sock.close();
      return;
    }
    for (const call of batch) if (call.unknownScript) unknown = true;
  }
  lane.release(sock);
}

/** Wakes the first call still waiting as the next leader in `slot`, or frees the slot. */
function handOff(lane: Lane, slot: number): void {
  const queue = lane.queue;
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i]!;
    if (next.gone) continue;
    next.slot = slot + 1;
    const sema = next.sema!;
    sema.post(1);
    // Nobody took the post: that request ended while it waited (nginx finalized it), and
    // a leader that never runs would hold the slot until waitS. Try the next one.
    if (sema.count() > 0) {
      next.gone = true;
      continue;
    }
    lane.queue = queue.slice(i + 1);
    return;
  }
  lane.queue = [];
  lane.slots[slot] = 0;
}

/** Sends the queued calls (with `me` first) in `slot`, hands the replies out, then the slot. */
function lead(lane: Lane, me: Call, slot: number): LuaMultiReturn<[unknown, string | undefined, boolean]> {
  lane.slots[slot] = ngx.now();
  const batch: Call[] = [me];
  for (const call of lane.queue) batch[batch.length] = call;
  lane.queue = [];
  const [ok, problem] = pcall(runBatch, lane, batch);
  // Every call gets an answer, whatever happened (one left without would read as success).
  failRest(batch, ok ? "no reply" : `pipeline: ${problem}`);
  // The next leader first: woken threads run in the order they were posted, and the next
  // batch should be on its way to Redis while this one's requests go on to the upstream.
  handOff(lane, slot);
  for (const call of batch) if (call !== me && !call.gone) call.sema!.post(1);
  return $multi(me.reply, me.err, me.replyError);
}

/**
 * Runs `script` with `keys` and `args` in the lane's next round trip. Returns the
 * reply; or undefined, the error, and whether it is a Redis error reply (true) or a
 * connection failure or timeout (false) — as a call on its own connection would.
 */
export function pipelined(
  lane: Lane,
  script: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): LuaMultiReturn<[unknown, string | undefined, boolean]> {
  const call: Call = { script, keys, args, reply: undefined, err: undefined, replyError: false, awaiting: false, unknownScript: false, slot: 0, gone: false };
  const slot = freeSlot(lane);
  if (slot >= 0) return lead(lane, call, slot);
  let sema = lane.spare.pop();
  if (sema === undefined) {
    const [created, err] = semaphore.new(0);
    if (created === undefined) return $multi(undefined, `pipeline: no semaphore: ${err}`, false);
    sema = created;
  }
  call.sema = sema;
  lane.queue[lane.queue.length] = call;
  const [woken] = sema.wait(lane.waitS);
  // Posted once and that post taken: the semaphore is back at zero, reusable.
  if (woken !== undefined) lane.spare.push(sema);
  // Made the next leader (even as the wait ran out): it leads, the slot is its.
  if (call.slot > 0) return lead(lane, call, call.slot - 1);
  if (woken === undefined) {
    call.gone = true;
    return $multi(undefined, `no reply within ${lane.waitS} s (queued behind other calls)`, false);
  }
  return $multi(call.reply, call.err, call.replyError);
}
