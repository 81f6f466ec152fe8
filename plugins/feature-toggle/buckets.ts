/**
 * Callers' buckets (Unleash's normalized hash value, 1 … normalizer) remembered per
 * rollout and per variant set: a gateway sees the same callers again and again, and a
 * request evaluates every flag, so a bucket is one table lookup by the caller's id —
 * no "<groupId>:<id>" key string is built and nothing is hashed. Each rollout and
 * variant set has its own table (its prefix, seed and normalizer are fixed), so the
 * lookup needs no seed or prefix level.
 *
 * Bounded per flag state: the tables of one state share a budget of BUCKET_LIMIT ids,
 * and when it is spent all of them are emptied and refilled from what comes next.
 */
import { murmur3 } from "./murmur3";

/** What the bucket tables of one flag state share: a bound on the ids they hold together. */
export interface BucketBudget {
  tables: BucketTable[];
  size: number;
}

/** The buckets of one rollout or variant set. */
export interface BucketTable {
  /** "<groupId>:" */
  prefix: string;
  seed: number;
  normalizer: number;
  byId: { [id: string]: number };
  budget: BucketBudget;
}

export const BUCKET_LIMIT = 10_000;

export function newBucketBudget(): BucketBudget {
  return { tables: [], size: 0 };
}

export function newBucketTable(budget: BucketBudget, groupId: string, seed: number, normalizer: number): BucketTable {
  const table: BucketTable = { prefix: `${groupId}:`, seed, normalizer, byId: {}, budget };
  budget.tables.push(table);
  return table;
}

/** murmur3("<groupId>:<id>", seed) % normalizer + 1, remembered. */
export function bucketOf(table: BucketTable, id: string): number {
  // typeof, not `=== undefined`: in JavaScript an id such as "constructor" finds an
  // inherited property of the plain object (and "__proto__" is never stored).
  const known: unknown = table.byId[id];
  if (typeof known === "number") return known;
  const budget = table.budget;
  if (budget.size >= BUCKET_LIMIT) {
    for (const each of budget.tables) each.byId = {};
    budget.size = 0;
  }
  const bucket = (murmur3(table.prefix + id, table.seed) % table.normalizer) + 1;
  table.byId[id] = bucket;
  budget.size++;
  return bucket;
}

/** For test vectors: bucketOf on one table per (groupId, seed, normalizer), kept across calls. */
const vectorBudget = newBucketBudget();
const vectorTables: { [key: string]: BucketTable } = {};

export function bucketAt(groupId: string, id: string, normalizer: number, seed: number): number {
  const key = `${groupId}|${seed}|${normalizer}`;
  let table = vectorTables[key];
  if (table === undefined) {
    table = newBucketTable(vectorBudget, groupId, seed, normalizer);
    vectorTables[key] = table;
  }
  return bucketOf(table, id);
}
