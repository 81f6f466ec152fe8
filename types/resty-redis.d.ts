/**
 * lua-resty-redis, as Kong and APISIX ship it (`resty.redis`; Debian calls it
 * `nginx.redis`). Commands are methods called with `:`; each returns `res, err`.
 */
declare module "resty.redis" {
  interface RedisConnection {
    set_timeouts(connectMs: number, sendMs: number, readMs: number): void;
    connect(host: string, port: number, options?: { pool?: string; pool_size?: number; backlog?: number }): LuaMultiReturn<[1 | undefined, string | undefined]>;
    set_keepalive(idleMs: number, poolSize: number): LuaMultiReturn<[1 | undefined, string | undefined]>;
    get_reused_times(): LuaMultiReturn<[number | undefined, string | undefined]>;
    close(): LuaMultiReturn<[1 | undefined, string | undefined]>;
    auth(password: string): LuaMultiReturn<[string | undefined, string | undefined]>;
    select(db: number): LuaMultiReturn<[string | undefined, string | undefined]>;
    evalsha(sha: string, numKeys: number, ...args: (string | number)[]): LuaMultiReturn<[unknown, string | undefined]>;
    eval(script: string, numKeys: number, ...args: (string | number)[]): LuaMultiReturn<[unknown, string | undefined]>;
    script(subcommand: "load", script: string): LuaMultiReturn<[string | undefined, string | undefined]>;
    init_pipeline(n?: number): void;
    commit_pipeline(): LuaMultiReturn<[unknown[] | undefined, string | undefined]>;
  }
  /** @noSelf */
  interface RedisModule {
    new: (this: void) => LuaMultiReturn<[RedisConnection | undefined, string | undefined]>;
  }
  const redis: RedisModule;
  export = redis;
}

/** lua-cjson (`cjson.safe` returns nil, err instead of raising). */
declare module "cjson.safe" {
  /** @noSelf */
  interface CJson {
    encode(value: unknown): LuaMultiReturn<[string | undefined, string | undefined]>;
    decode(text: string): LuaMultiReturn<[unknown, string | undefined]>;
    readonly null: LuaUserdata;
    readonly empty_array: LuaTable;
  }
  const cjson: CJson;
  export = cjson;
}
