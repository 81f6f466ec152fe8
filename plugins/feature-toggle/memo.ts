/**
 * Remembered decisions. A feature-toggle decision is a pure function of the flags,
 * the config, the context values the flags read (ContextReads.fields), on which side
 * of each start/end/DATE_* instant the clock is (ContextReads.instants), the host's
 * hostname and the random draws. So a decision that drew no random number is kept,
 * keyed by exactly those values, and the next request with the same values gets it
 * without evaluating a flag: a caller's 50 flags cost one walk of a few table levels.
 *
 * Kept per config and flag state (a new Unleash answer starts an empty memo), at most
 * `size` decisions per generation and two generations: when the current one is full
 * it becomes the previous one and the one before is dropped; a decision found in the
 * previous generation moves to the current one. Bounded memory, O(1) per request, and
 * the callers seen recently stay — an LRU's behaviour without its per-hit bookkeeping.
 *
 * Pure: both runtimes run it (per worker in Lua, per process in kong-pdk).
 */
import type { AccessOutcome } from "../core/outcome";
import type { Capabilities, PreparedFlags } from "./evaluate";

/**
 * Reads one context field of the request (what contextValue would read from its
 * context), "" or undefined when empty. A module-level function and its two arguments
 * rather than a closure: nothing is allocated per request.
 */
export type FieldReader<A, B> = (this: void, a: A, b: B, field: string) => string | undefined;

/** One level of the key tree: a context value → the next level, or the decision at the last. */
interface MemoNode {
  [value: string]: MemoNode | AccessOutcome;
}

interface Generation {
  /** Tree roots by clock cell (see clockCell). */
  roots: MemoNode[];
  count: number;
}

export interface DecisionMemo {
  flags: PreparedFlags;
  hostname: string | undefined;
  size: number;
  current: Generation;
  previous: Generation | undefined;
  /** Requests answered from the memo, and decided afresh (for tests and debugging). */
  hits: number;
  misses: number;
}

export function newMemo(flags: PreparedFlags, hostname: string | undefined, size: number): DecisionMemo {
  return { flags, hostname, size, current: { roots: [], count: 0 }, previous: undefined, hits: 0, misses: 0 };
}

/** Whether `memo` holds decisions of this flag state and host (else start a new one). */
export function memoMatches(memo: DecisionMemo, flags: PreparedFlags, caps: Capabilities): boolean {
  return memo.flags === flags && memo.hostname === caps.hostname;
}

/**
 * Which interval of the instants the clock is in: 2 × (instants before now), plus 1
 * when now is one of them. Two times with the same cell compare alike with every
 * instant (before, at, after), so every window and DATE_* constraint answers alike.
 */
function clockCell(instants: readonly number[], nowMs: number): number {
  let cell = 0;
  for (const instant of instants) {
    if (instant < nowMs) cell += 2;
    else if (instant === nowMs) return cell + 1;
    else return cell;
  }
  return cell;
}

function find<A, B>(generation: Generation | undefined, cell: number, fields: readonly string[], read: FieldReader<A, B>, a: A, b: B): AccessOutcome | undefined {
  if (generation === undefined) return undefined;
  let node = generation.roots[cell];
  if (node === undefined) return undefined;
  // The first four levels without a loop: a loop of a few turns per request is the
  // shape LuaJIT compiles worst (see hosts/lua/each.ts).
  const count = fields.length;
  if (count === 0) return node[""] as AccessOutcome | undefined;
  node = node[read(a, b, fields[0]!) ?? ""] as MemoNode | undefined;
  if (count === 1 || node === undefined) return node as AccessOutcome | undefined;
  node = node[read(a, b, fields[1]!) ?? ""] as MemoNode | undefined;
  if (count === 2 || node === undefined) return node as AccessOutcome | undefined;
  node = node[read(a, b, fields[2]!) ?? ""] as MemoNode | undefined;
  if (count === 3 || node === undefined) return node as AccessOutcome | undefined;
  node = node[read(a, b, fields[3]!) ?? ""] as MemoNode | undefined;
  for (let i = 4; i < count && node !== undefined; i++) node = node[read(a, b, fields[i]!) ?? ""] as MemoNode | undefined;
  return node as AccessOutcome | undefined;
}

function store<A, B>(generation: Generation, cell: number, fields: readonly string[], read: FieldReader<A, B>, a: A, b: B, outcome: AccessOutcome): void {
  let node = generation.roots[cell];
  if (node === undefined) {
    node = {};
    generation.roots[cell] = node;
  }
  const last = fields.length - 1;
  for (let i = 0; i < last; i++) {
    const key = read(a, b, fields[i]!) ?? "";
    let next = node[key] as MemoNode | undefined;
    if (next === undefined) {
      next = {};
      node[key] = next;
    }
    node = next;
  }
  node[last < 0 ? "" : (read(a, b, fields[last]!) ?? "")] = outcome;
  generation.count += 1;
}

/** The clock cell of `nowMs` for this flag state (0 when no instant matters). */
export function cellAt(memo: DecisionMemo, nowMs: number): number {
  const instants = memo.flags.reads.instants;
  return instants.length === 0 ? 0 : clockCell(instants, nowMs);
}

/** Stores in the current generation, which becomes the previous one when full. */
function keep<A, B>(memo: DecisionMemo, cell: number, read: FieldReader<A, B>, a: A, b: B, outcome: AccessOutcome): void {
  if (memo.current.count >= memo.size) {
    memo.previous = memo.current;
    memo.current = { roots: [], count: 0 };
  }
  store(memo.current, cell, memo.flags.reads.fields, read, a, b, outcome);
}

/** The remembered decision for this request at this time, or undefined. */
export function recall<A, B>(memo: DecisionMemo, read: FieldReader<A, B>, a: A, b: B, nowMs: number): AccessOutcome | undefined {
  const fields = memo.flags.reads.fields;
  const cell = cellAt(memo, nowMs);
  const found = find(memo.current, cell, fields, read, a, b);
  if (found !== undefined) {
    memo.hits += 1;
    return found;
  }
  const older = find(memo.previous, cell, fields, read, a, b);
  if (older !== undefined) {
    memo.hits += 1;
    keep(memo, cell, read, a, b, older);
    return older;
  }
  memo.misses += 1;
  return undefined;
}

/** Keeps a decision that drew no random number (see decideFeatures). */
export function remember<A, B>(memo: DecisionMemo, read: FieldReader<A, B>, a: A, b: B, nowMs: number, outcome: AccessOutcome): void {
  keep(memo, cellAt(memo, nowMs), read, a, b, outcome);
}
