/**
 * lua-resty-redis, as Kong and APISIX ship it (`resty.redis`; Debian calls it
 * `nginx.redis`). Commands are methods called with `:`; any command name works
 * (the module generates a method for every name it is asked for), so only the
 * ones tollgate sends are declared.
 *
 * Results follow the library: a reply value and nil on success (a Redis nil reply
 * is `ngx.null`, an array reply a 1-based Lua table, an integer a number); `false`
 * and the error text (e.g. "NOSCRIPT No matching script…", "MOVED 3999 127.0.0.1:7002")
 * for a Redis error reply; nil and the socket error ("timeout", "closed",
 * "connection refused") when the connection failed — on a read timeout the
 * library has already closed the socket.
 */
type RestyRedisResult<T> = LuaMultiReturn<[T | false | undefined, string | undefined]>;

/** Options of `connect` (passed to ngx.socket.tcp's connect). */
interface RestyRedisConnectOptions {
  /** Connection pool name; default "host:port". Connections in one pool must be interchangeable. */
  pool?: string;
  /** Size of the pool when this connect creates it. */
  pool_size?: number;
  backlog?: number;
}

interface RestyRedis {
  /** One timeout in ms for connect, send and read. In every lua-resty-redis release. */
  set_timeout(ms: number): void;
  /**
   * Separate timeouts. Only in lua-resty-redis >= 0.28: on older releases (Debian's
   * 0.27) the name is taken for a command and SENT TO REDIS. tollgate uses set_timeout.
   */
  set_timeouts(connectMs: number, sendMs: number, readMs: number): void;
  connect(host: string, port: number, options?: RestyRedisConnectOptions): LuaMultiReturn<[1 | undefined, string | undefined]>;
  /** Puts the connection into the cosocket pool; after this the object must not be used. */
  set_keepalive(idleMs: number, poolSize: number): LuaMultiReturn<[1 | undefined, string | undefined]>;
  /** How many times this connection was taken from the pool; 0 for a fresh connection. */
  get_reused_times(): LuaMultiReturn<[number | undefined, string | undefined]>;
  close(): LuaMultiReturn<[1 | undefined, string | undefined]>;

  auth(password: string): RestyRedisResult<string>;
  /** AUTH with an ACL user (Redis >= 6). */
  auth(username: string, password: string): RestyRedisResult<string>;
  select(db: number): RestyRedisResult<string>;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | number)[]): RestyRedisResult<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): RestyRedisResult<unknown>;
  script(subcommand: "load", script: string): RestyRedisResult<string>;
  script(subcommand: "exists", ...sha1s: string[]): RestyRedisResult<number[]>;
  script(subcommand: "flush"): RestyRedisResult<string>;
  /** Redis Cluster: the next command may run on a slot being imported (after an ASK redirection). */
  asking(): RestyRedisResult<string>;
  /** Redis Cluster: the slot map, `{ {start, end, {host|ngx.null, port, id, …}, replicas…}, … }`. */
  cluster(subcommand: "slots"): RestyRedisResult<unknown[]>;
  init_pipeline(n?: number): void;
  commit_pipeline(): LuaMultiReturn<[unknown[] | undefined, string | undefined]>;
}

declare module "resty.redis" {
  /** @noSelf */
  interface RestyRedisModule {
    /** A new connection object (not yet connected); nil and an error outside cosocket phases. */
    new: (this: void) => LuaMultiReturn<[RestyRedis | undefined, string | undefined]>;
  }
  const redis: RestyRedisModule;
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
