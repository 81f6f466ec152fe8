/**
 * The part of ngx_lua (OpenResty's lua-nginx-module, as embedded by Kong and APISIX)
 * that tollgate uses. Declared from the module's documentation; every function here
 * is a `.` call on the `ngx` table unless it is a method of an object (shared dict,
 * cosocket), which Lua calls with `:`.
 *
 * Functions that return `value, err` in Lua are typed as LuaMultiReturn so the
 * second value cannot be ignored by accident.
 */

/** @noSelf */
interface NgxReq {
  get_method(): string;
  read_body(): void;
  /** The request body when nginx kept it in memory; undefined when empty or spooled to a file. */
  get_body_data(): string | undefined;
  get_headers(maxHeaders?: number, raw?: boolean): LuaTable<string, string | string[]>;
  set_header(name: string, value: string | string[]): void;
  clear_header(name: string): void;
  get_uri_args(maxArgs?: number): LuaTable<string, string | string[] | true>;
  start_time(): number;
  /** Reads the request body (yields); then get_body_data, or get_body_file when nginx buffered it to disk. */
  read_body(): void;
  get_body_data(): string | undefined;
  get_body_file(): string | undefined;
}

/** @noSelf */
interface NgxWorker {
  id(): number | undefined;
  pid(): number;
  count(): number;
  exiting(): boolean;
}

/** @noSelf */
interface NgxTimer {
  /** Runs `callback(premature, ...args)` after `delay` seconds in a fresh light thread. */
  at<A extends unknown[]>(
    delay: number,
    callback: (this: void, premature: boolean, ...args: A) => void,
    ...args: A
  ): LuaMultiReturn<[true | undefined, string | undefined]>;
  /** Runs `callback(premature, ...args)` every `delay` seconds. */
  every<A extends unknown[]>(
    delay: number,
    callback: (this: void, premature: boolean, ...args: A) => void,
    ...args: A
  ): LuaMultiReturn<[true | undefined, string | undefined]>;
  running_count(): number;
  pending_count(): number;
}

/** @noSelf */
interface NgxSocket {
  /** A non-blocking TCP cosocket (not available in log, header_filter, body_filter or init phases). */
  tcp(): TcpSocket;
}

/** @noSelf */
interface NgxConfig {
  prefix(): string;
  readonly subsystem: "http" | "stream";
  readonly ngx_lua_version: number;
  readonly nginx_version: number;
}

/** @noSelf */
interface NgxRe {
  match(subject: string, regex: string, options?: string): LuaMultiReturn<[LuaTable<number | string, string> | undefined, string | undefined]>;
  find(subject: string, regex: string, options?: string): LuaMultiReturn<[number | undefined, number | undefined, string | undefined]>;
}

/** @noSelf */
interface Ngx {
  /** Sentinel for JSON null / absent values (a light userdata). */
  readonly null: LuaUserdata;

  readonly OK: 0;
  readonly ERROR: -1;
  readonly HTTP_OK: 200;
  readonly HTTP_TOO_MANY_REQUESTS: 429;
  readonly HTTP_INTERNAL_SERVER_ERROR: 500;
  readonly HTTP_SERVICE_UNAVAILABLE: 503;

  readonly STDERR: number;
  readonly EMERG: number;
  readonly ALERT: number;
  readonly CRIT: number;
  readonly ERR: number;
  readonly WARN: number;
  readonly NOTICE: number;
  readonly INFO: number;
  readonly DEBUG: number;

  /** Seconds since the epoch with millisecond precision, from nginx's cached time. */
  now(): number;
  /** Whole seconds since the epoch, from nginx's cached time. */
  time(): number;
  /** Refreshes nginx's cached time (a syscall: not for hot paths). */
  update_time(): void;

  log(level: number, ...args: unknown[]): void;
  say(...args: unknown[]): LuaMultiReturn<[1 | undefined, string | undefined]>;
  print(...args: unknown[]): LuaMultiReturn<[1 | undefined, string | undefined]>;
  exit(status: number): never;
  sleep(seconds: number): void;
  /** The running phase: "init", "init_worker", "timer", "access", "content", … */
  get_phase(): string;

  md5(value: string): string;
  /** SHA-1 digest of a string, as 20 raw bytes. */
  sha1_bin(value: string): string;
  crc32_short(value: string): number;
  crc32_long(value: string): number;
  encode_base64(value: string, noPadding?: boolean): string;
  decode_base64(value: string): string | undefined;
  escape_uri(value: string): string;
  unescape_uri(value: string): string;

  /** The current request's status (read/write). */
  status: number;
  /** Per-request Lua table shared between the phases of one request. */
  readonly ctx: { [key: string]: unknown };
  /** nginx variables of the current request (`ngx.var.remote_addr`, …). */
  readonly var: { readonly [name: string]: string | undefined };
  /** body_filter: arg[1] the chunk, arg[2] true on the last one (ngx_lua's ngx.arg). */
  readonly arg: LuaTable<number, string | boolean | undefined>;
  /** Response headers of the current request (read/write). */
  header: { [name: string]: string | string[] | undefined };
  /** lua_shared_dict zones by name. */
  readonly shared: { readonly [name: string]: SharedDict | undefined };

  readonly req: NgxReq;
  readonly worker: NgxWorker;
  readonly timer: NgxTimer;
  readonly socket: NgxSocket;
  readonly config: NgxConfig;
  readonly re: NgxRe;
}

declare const ngx: Ngx;

/** A lua_shared_dict zone: shared by all workers of one nginx, operations are atomic. */
interface SharedDict {
  get(key: string): LuaMultiReturn<[string | number | boolean | undefined, number | undefined]>;
  get_stale(key: string): LuaMultiReturn<[string | number | boolean | undefined, number | undefined, boolean]>;
  set(key: string, value: string | number | boolean, exptime?: number, flags?: number): LuaMultiReturn<[boolean, string | undefined, boolean]>;
  safe_set(key: string, value: string | number | boolean, exptime?: number, flags?: number): LuaMultiReturn<[boolean, string | undefined]>;
  add(key: string, value: string | number | boolean, exptime?: number, flags?: number): LuaMultiReturn<[boolean, string | undefined, boolean]>;
  /**
   * Atomically adds `value`; when the key is missing and `init` is given, starts from
   * `init` with expiry `initTtl` (seconds). Returns the new value, or nil and an error.
   */
  incr(key: string, value: number, init?: number, initTtl?: number): LuaMultiReturn<[number | undefined, string | undefined, boolean | undefined]>;
  delete(key: string): void;
  ttl(key: string): LuaMultiReturn<[number | undefined, string | undefined]>;
  expire(key: string, exptime: number): LuaMultiReturn<[boolean | undefined, string | undefined]>;
  flush_all(): void;
  flush_expired(maxCount?: number): number;
  capacity(): number;
  free_space(): number;
  lpush(key: string, value: string | number): LuaMultiReturn<[number | undefined, string | undefined]>;
  rpush(key: string, value: string | number): LuaMultiReturn<[number | undefined, string | undefined]>;
  lpop(key: string): LuaMultiReturn<[string | number | undefined, string | undefined]>;
  rpop(key: string): LuaMultiReturn<[string | number | undefined, string | undefined]>;
  llen(key: string): LuaMultiReturn<[number | undefined, string | undefined]>;
}

/** A TCP cosocket (ngx.socket.tcp). */
interface TcpSocket {
  connect(host: string, port: number, options?: { pool?: string; pool_size?: number; backlog?: number }): LuaMultiReturn<[1 | undefined, string | undefined]>;
  settimeouts(connectMs: number, sendMs: number, readMs: number): void;
  settimeout(ms: number): void;
  /** A string, or a table of string and number fragments sent in order. */
  send(data: string | (string | number)[]): LuaMultiReturn<[number | undefined, string | undefined]>;
  /** `receive(n)` reads exactly n bytes; `receive("*l")` one line; `receive("*a")` to EOF. */
  receive(pattern: number | "*l" | "*a"): LuaMultiReturn<[string | undefined, string | undefined, string | undefined]>;
  setkeepalive(idleMs?: number, poolSize?: number): LuaMultiReturn<[1 | undefined, string | undefined]>;
  getreusedtimes(): LuaMultiReturn<[number | undefined, string | undefined]>;
  close(): LuaMultiReturn<[1 | undefined, string | undefined]>;
  sslhandshake(reusedSession?: unknown, serverName?: string, sslVerify?: boolean): LuaMultiReturn<[unknown, string | undefined]>;
  /** The client certificate and key (ngx.ssl cdata) the next sslhandshake presents. */
  setclientcert(cert: FfiCData, key: FfiCData): LuaMultiReturn<[true | undefined, string | undefined]>;
}

/** lua-resty-core's ngx.ssl (http subsystem): PEM parsing for cosocket client certificates. */
declare module "ngx.ssl" {
  /** @noSelf */
  interface NgxSsl {
    /** A certificate chain (PEM) as the cdata tcpsock:setclientcert takes; or nil and an error. */
    parse_pem_cert(pem: string): LuaMultiReturn<[FfiCData | undefined, string | undefined]>;
    /** A private key (PEM) as the cdata tcpsock:setclientcert takes; or nil and an error. */
    parse_pem_priv_key(pem: string): LuaMultiReturn<[FfiCData | undefined, string | undefined]>;
  }
  const ssl: NgxSsl;
  export = ssl;
}

/** A semaphore of lua-resty-core's ngx.semaphore (methods are `:` calls). */
interface Semaphore {
  /** Waits at most `timeout` seconds for a post: true, or nil and "timeout". */
  wait(timeout: number): LuaMultiReturn<[true | undefined, string | undefined]>;
  /** Wakes up to `n` waiters (default 1), or leaves that many resources for later waits. */
  post(n?: number): void;
  /** Resources left (posts no waiter took), or minus the number of threads waiting. */
  count(): number;
}

/** lua-resty-core's ngx.semaphore: light threads of one worker waking one another. */
declare module "ngx.semaphore" {
  /** @noSelf */
  interface NgxSemaphore {
    "new"(n?: number): LuaMultiReturn<[Semaphore | undefined, string | undefined]>;
  }
  const semaphore: NgxSemaphore;
  export = semaphore;
}
