/**
 * The pure part of kafka-usage's node journal (lua/journal.ts keeps it in a
 * lua_shared_dict): how an event is written into one dict value and read back, and the
 * small lists the workers keep beside the events. Same in LuaJIT and Node; vectors in
 * tests/vectors/kafka-usage-journal.json.
 *
 * Keys of the dict (beside the counters):
 *   j:<pid>:<seq>  one event a worker holds (queued or in flight), until Kafka acknowledged it
 *   r:<pid>        "<lo>,<hi>": the worker's oldest held seq and its last written seq, as of
 *                  its last send; every seq above hi that it wrote since follows without a gap
 *   w:<slot>       "<pid>,<pid>,…": the processes that have served as worker <slot> and may
 *                  still have events in the journal (a respawned worker, a reload's new one)
 *   a:<pid>        the worker taking over a dead process's events (a lease with an expiry)
 */

/** What a journal value carries: a QueuedEvent's Kafka record and the channel it goes to. */
export interface JournalEntry {
  channel: string;
  timestamp: number;
  key: string;
  value: string;
}

/**
 * One dict value: "<channel>\n<timestamp>\n<value>\n<key>". The event JSON never holds a
 * raw line feed (JSON escapes it), the channel and the timestamp are numbers: the key, last,
 * may hold anything.
 */
export function packEntry(channel: string, timestamp: number, key: string, value: string): string {
  return `${channel}\n${timestamp}\n${value}\n${key}`;
}

/** The entry of a dict value, or undefined when it is not one packEntry wrote. */
export function unpackEntry(packed: string): JournalEntry | undefined {
  const first = packed.indexOf("\n");
  if (first < 0) return undefined;
  const second = packed.indexOf("\n", first + 1);
  if (second < 0) return undefined;
  const third = packed.indexOf("\n", second + 1);
  if (third < 0) return undefined;
  const timestamp = Number(packed.slice(first + 1, second));
  if (!(timestamp >= 0)) return undefined;
  return { channel: packed.slice(0, first), timestamp, value: packed.slice(second + 1, third), key: packed.slice(third + 1) };
}

/** "<lo>,<hi>" of r:<pid>. */
export function formatRange(lo: number, hi: number): string {
  return `${lo},${hi}`;
}

/**
 * The seqs to look at for a dead process, from its r:<pid> (undefined or empty when it never
 * sent: from 1): [lo, hi] where gaps are acknowledged events, then on from hi + 1 up to the first
 * missing one.
 */
export function parseRange(range: string | undefined): [number, number] {
  if (range === undefined || range === "") return [1, 0];
  const comma = range.indexOf(",");
  const lo = Number(range.slice(0, comma));
  const hi = Number(range.slice(comma + 1));
  if (comma < 0 || !(lo >= 1) || !(hi >= 0)) return [1, 0];
  return [lo, hi];
}

/** The pids of w:<slot> (empty when unset or unreadable). */
export function parsePids(list: string | undefined): number[] {
  const pids: number[] = [];
  if (list === undefined || list === "") return pids;
  for (const part of list.split(",")) {
    const pid = Number(part);
    if (pid > 0 && Math.floor(pid) === pid) pids.push(pid);
  }
  return pids;
}

/**
 * The new w:<slot> as its current worker writes it: without the pids whose events all
 * went to other workers (`settled`), with its own pid last (once).
 */
export function slotPids(list: string | undefined, own: number, settled: readonly number[]): string {
  const kept: number[] = [];
  for (const pid of parsePids(list)) {
    if (pid !== own && !settled.includes(pid)) kept.push(pid);
  }
  kept.push(own);
  return kept.join(",");
}
