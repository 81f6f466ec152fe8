/**
 * kafka-usage's node journal: a copy of every event a worker holds, in the lua_shared_dict
 * `conf.dict`, so that events outlive the worker that queued them. A worker killed
 * (SIGKILL, the OOM killer, a crash) or one that exits on a reload (HUP) with events it
 * could not deliver leaves them there; any other worker of the node takes them over once
 * that process is gone, and delivers them.
 *
 * Why shared memory: nginx keeps a lua_shared_dict zone across a worker's death (the
 * master respawns the worker and the zone is the master's mapping) and across a reload when
 * the zone's name and size are unchanged (nginx's ngx_init_cycle reuses a shared zone of
 * the same name, size and tag; ngx_http_lua_shdict_init_zone keeps its contents). A stop or
 * restart of nginx, or the machine, loses it (docs/plugins/kafka-usage.md).
 *
 * Who holds an event is told by the process, not by a time lease: an event belongs to the
 * worker that wrote it as long as that process lives (kill(pid, 0), which answers from the
 * kernel), so a worker that is slow (a long Kafka outage, a busy machine) never has its
 * events taken and sent twice. Taking over a dead process's events is the only step that
 * needs a lease (a:<pid>), so that two workers do not take the same events.
 *
 * The keys are described in ../journal.ts.
 */
import ffi = require("ffi");
import { formatRange, packEntry, parsePids, parseRange, slotPids, unpackEntry, type JournalEntry } from "../journal";
import type { QueuedEvent } from "../queue";

/** @noSelf */
interface LibC {
  kill(pid: number, signal: number): number;
}
// Declared once per process; a gateway's own FFI code may have declared it first.
pcall(ffi.cdef, "int kill(int pid, int sig);");
const ESRCH = 3;
/** How long a take-over lease lasts: a worker killed while taking over holds it at most this long (s). */
const TAKE_OVER_LEASE_S = 10;

/** Whether process `pid` exists (zombies included: nginx's master reaps its workers at once). */
export function processAlive(pid: number): boolean {
  if ((ffi.C as LibC).kill(pid, 0) === 0) return true;
  // EPERM: it exists, as another user.
  return ffi.errno() !== ESRCH;
}

export interface Journal {
  readonly dict: SharedDict;
  /** This worker's process id. */
  readonly pid: number;
  /** ngx.worker.id(): which w:<slot> list this worker keeps. */
  readonly slot: number;
  /** The last seq written; seqs advance only on a successful write, so they have no gaps. */
  seq: number;
}

/**
 * The journal in dict `dictName` for this worker, its pid listed in w:<slot>; undefined
 * where there is no such dict or no worker id (a privileged agent).
 */
export function openJournal(dictName: string): Journal | undefined {
  const dict = ngx.shared[dictName];
  const slot = ngx.worker.id();
  if (dict === undefined || slot === undefined) return undefined;
  const journal: Journal = { dict, pid: ngx.worker.pid(), slot, seq: 0 };
  listSelf(journal, []);
  return journal;
}

/**
 * Writes this worker's pid into its slot's list (and takes out `settled` pids). Only the
 * slot's current worker writes its list; the exiting worker of a reload stops writing it
 * once it exits, and its successor writes itself again at every sweep, so a write lost to
 * that overlap is repaired within a second.
 */
function listSelf(journal: Journal, settled: readonly number[]): void {
  const key = `w:${journal.slot}`;
  const [list] = journal.dict.get(key);
  const next = slotPids(list as string | undefined, journal.pid, settled);
  if (next !== list) journal.dict.safe_set(key, next);
}

/**
 * A copy of `event` for `channel`, as j:<pid>:<seq>; its seq goes into the event. False
 * when the dict is full: the event is then held by this worker only. `freeing` is a key
 * that may be deleted to make room (the entry this one replaces, on a take-over).
 */
export function journalWrite(journal: Journal, channel: string, event: QueuedEvent, freeing?: string): boolean {
  const seq = journal.seq + 1;
  const key = `j:${journal.pid}:${seq}`;
  const packed = packEntry(channel, event.timestamp, event.key, event.value);
  let [ok] = journal.dict.safe_set(key, packed);
  if (!ok && freeing !== undefined) {
    journal.dict.delete(freeing);
    [ok] = journal.dict.safe_set(key, packed);
  }
  if (!ok) return false;
  journal.seq = seq;
  event.seq = seq;
  return true;
}

/** Deletes the copies of events that are done with (acknowledged, or dropped). */
export function journalDelete(journal: Journal, events: readonly QueuedEvent[]): void {
  const prefix = `j:${journal.pid}:`;
  for (const event of events) {
    if (event.seq !== undefined) journal.dict.delete(prefix + event.seq);
  }
}

/**
 * Writes r:<pid> before a send: `lo`, the oldest seq this worker holds (or the next one
 * when it holds none), and the last seq written. Whatever a taker finds above that was
 * written later, without gaps (nothing above it has been sent yet).
 */
export function journalRange(journal: Journal, lo: number | undefined): void {
  journal.dict.safe_set(`r:${journal.pid}`, formatRange(lo ?? journal.seq + 1, journal.seq));
}

/**
 * Takes over what the dead processes listed in any slot left in the journal: each entry
 * goes to `take` (which queues it in this worker and journals it under this worker's pid)
 * and is then deleted. A process is settled once nothing of it is left; the pids this
 * worker's own slot lists are rewritten without the settled ones. Returns the number of
 * events taken over.
 */
export function sweep(journal: Journal, take: (entry: JournalEntry, key: string) => boolean): number {
  let taken = 0;
  const count = ngx.worker.count();
  // Slots past the worker count: a reload that lowered worker_processes left their lists.
  for (let slot = 0; ; slot++) {
    const [list] = journal.dict.get(`w:${slot}`);
    if (list === undefined && slot >= count) break;
    const settled: number[] = [];
    for (const pid of parsePids(list as string | undefined)) {
      if (pid === journal.pid || processAlive(pid)) continue;
      const [done, n] = takeOver(journal, pid, take);
      taken += n;
      if (done) settled.push(pid);
    }
    if (slot === journal.slot) listSelf(journal, settled);
  }
  return taken;
}

/**
 * The events dead process `pid` left: r:<pid>'s range, then on up to the first missing
 * seq. Stops when `take` refuses one (this worker's queue is full): the rest wait for the
 * next sweep. Returns whether nothing of `pid` is left, and how many were taken.
 */
function takeOver(journal: Journal, pid: number, take: (entry: JournalEntry, key: string) => boolean): LuaMultiReturn<[boolean, number]> {
  const dict = journal.dict;
  const [leased] = dict.add(`a:${pid}`, journal.pid, TAKE_OVER_LEASE_S);
  if (!leased) return $multi(false, 0);
  const [range] = dict.get(`r:${pid}`);
  const [lo, hi] = parseRange(range as string | undefined);
  let complete = true;
  let taken = 0;
  for (let seq = lo; ; seq++) {
    const key = `j:${pid}:${seq}`;
    const [packed] = dict.get(key);
    if (packed === undefined) {
      if (seq > hi) break;
      continue;
    }
    const entry = unpackEntry(packed as string);
    if (entry !== undefined) {
      if (!take(entry, key)) {
        complete = false;
        break;
      }
      taken += 1;
    }
    dict.delete(key);
  }
  if (complete) dict.delete(`r:${pid}`);
  dict.delete(`a:${pid}`);
  return $multi(complete, taken);
}
