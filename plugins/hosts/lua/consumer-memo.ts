/**
 * Something remembered per authenticated consumer, for the Lua hosts' request path:
 * keyed by the host's own consumer table (Kong: kong.client.get_consumer(); APISIX:
 * ctx.consumer), which stays the same table while the consumer is unchanged, and held
 * weakly. Bounded: two generations of at most `size` consumers each; when the current
 * one is full it becomes the previous one and the one before is dropped, and a consumer
 * found in the previous generation moves to the current one (an LRU's behaviour
 * without its per-hit bookkeeping).
 *
 * Used by entitlement-check and feature-toggle to answer a consumer they know with one
 * lookup (see their lua/access.ts), a memo per plugin config (MemosByConfig).
 */

export interface ConsumerMemo<V> {
  size: number;
  current: LuaTable<object, V>;
  previous: LuaTable<object, V>;
  count: number;
}

function generation<V>(): LuaTable<object, V> {
  return setmetatable(new LuaTable<object, V>(), { __mode: "k" });
}

export function newConsumerMemo<V>(size: number): ConsumerMemo<V> {
  return { size, current: generation(), previous: generation(), count: 0 };
}

/** Remembers `value` for `consumer` in the current generation (replacing what it held for it). */
export function keepForConsumer<V>(memo: ConsumerMemo<V>, consumer: object, value: V): void {
  const current = memo.current;
  if (current.get(consumer) !== undefined) {
    // A decision made again (its predecessor expired) takes no new place.
    current.set(consumer, value);
    return;
  }
  if (memo.count >= memo.size) {
    memo.previous = current;
    memo.current = generation();
    memo.count = 0;
  }
  memo.current.set(consumer, value);
  memo.count += 1;
}

/** What is remembered for `consumer`, or undefined. */
export function recallForConsumer<V>(memo: ConsumerMemo<V>, consumer: object): V | undefined {
  const value = memo.current.get(consumer);
  if (value !== undefined) return value;
  const older = memo.previous.get(consumer);
  if (older !== undefined) keepForConsumer(memo, consumer, older);
  return older;
}

/** A ConsumerMemo per config table the host hands a plugin (weak keys: a new config starts afresh). */
export type MemosByConfig<C extends object, V> = LuaTable<C, ConsumerMemo<V>>;

export function newMemosByConfig<C extends object, V>(): MemosByConfig<C, V> {
  return setmetatable(new LuaTable<C, ConsumerMemo<V>>(), { __mode: "k" });
}

/** What is remembered for `consumer` under `conf`, or undefined (also for no consumer). */
export function recallFor<C extends object, V>(memos: MemosByConfig<C, V>, conf: C, consumer: object | undefined): V | undefined {
  if (consumer === undefined) return undefined;
  const memo = memos.get(conf);
  return memo === undefined ? undefined : recallForConsumer(memo, consumer);
}

/** Remembers `value` for `consumer` under `conf`, whose memo holds `size` consumers per generation. */
export function keepFor<C extends object, V>(memos: MemosByConfig<C, V>, conf: C, size: number, consumer: object, value: V): void {
  let memo = memos.get(conf);
  if (memo === undefined) {
    memo = newConsumerMemo(size);
    memos.set(conf, memo);
  }
  keepForConsumer(memo, consumer, value);
}
