/**
 * lua-resty-lrucache (`resty.lrucache`), as Kong, APISIX and Debian
 * (lua-resty-lrucache) ship it: a per-worker LRU cache of Lua values. Methods are
 * `:` calls.
 */
interface RestyLruCache<V> {
  /** The value, or nil and (when it expired) the stale value. */
  get(key: string): LuaMultiReturn<[V | undefined, V | undefined]>;
  /** `ttl` in seconds (optional); the least recently used item goes when full. */
  set(key: string, value: V, ttl?: number): void;
  delete(key: string): void;
  count(): number;
  capacity(): number;
  flush_all(): void;
}

interface RestyLruCacheModule {
  new: <V>(this: void, maxItems: number) => LuaMultiReturn<[RestyLruCache<V> | undefined, string | undefined]>;
}

declare module "resty.lrucache" {
  const lrucache: RestyLruCacheModule;
  export = lrucache;
}
