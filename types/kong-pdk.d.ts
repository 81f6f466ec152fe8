/**
 * The part of Kong Gateway's Lua PDK (3.x, also 2.8) that tollgate uses, declared
 * from Kong's PDK reference. The PDK is the global `kong`; its functions are `.`
 * calls (hence @noSelf), synchronous inside a request (cosockets yield under the
 * hood) and return `value, err` pairs, typed here as LuaMultiReturn.
 */

/** A Kong consumer entity as `kong.client.get_consumer()` returns it. */
interface KongConsumer {
  readonly id: string;
  readonly username?: string;
  readonly custom_id?: string;
  readonly tags?: readonly string[];
}

/** A credential entity (key-auth key, jwt secret, …). */
interface KongCredential {
  readonly id: string;
  readonly consumer?: { readonly id: string };
}

interface KongEntity {
  readonly id: string;
  readonly name?: string;
}

/** @noSelf */
interface KongRequest {
  get_method(): string;
  get_path(): string;
  get_scheme(): string;
  get_host(): string;
  get_raw_query(): string;
  get_header(name: string): string | undefined;
  get_headers(maxHeaders?: number): LuaTable<string, string | string[]>;
  get_query_arg(name: string): string | boolean | undefined;
}

/** @noSelf */
interface KongClient {
  get_ip(): string;
  get_forwarded_ip(): string;
  get_consumer(): KongConsumer | undefined;
  get_credential(): KongCredential | undefined;
}

/** @noSelf */
interface KongResponse {
  /** Ends the request with `status`; a table body is sent as JSON. */
  exit(status: number, body?: string | object, headers?: { readonly [name: string]: string | number }): void;
  error(status: number, message?: string, headers?: { readonly [name: string]: string | number }): void;
  set_header(name: string, value: string | number): void;
  add_header(name: string, value: string | number): void;
  clear_header(name: string): void;
  get_header(name: string): string | undefined;
  get_status(): number;
}

/** @noSelf */
interface KongServiceRequest {
  set_header(name: string, value: string | number): void;
  add_header(name: string, value: string | number): void;
  clear_header(name: string): void;
}

/** @noSelf */
interface KongService {
  readonly request: KongServiceRequest;
}

/** @noSelf */
interface KongLog {
  err(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  notice(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

/** @noSelf */
interface KongNode {
  get_id(): string;
  get_hostname(): string;
}

/** @noSelf */
interface KongRouter {
  get_route(): KongEntity | undefined;
  get_service(): KongEntity | undefined;
}

interface KongCtx {
  /** Shared by all plugins for the current request. */
  readonly shared: { [key: string]: unknown };
  /** Private to the current plugin for the current request. */
  readonly plugin: { [key: string]: unknown };
}

/** @noSelf */
interface KongPdk {
  readonly version: string;
  readonly version_num: number;
  readonly request: KongRequest;
  readonly client: KongClient;
  readonly response: KongResponse;
  readonly service: KongService;
  readonly log: KongLog;
  readonly node: KongNode;
  readonly router: KongRouter;
  readonly ctx: KongCtx;
  /** Kong's DAOs (kong/db/init.lua); tollgate reads consumers from its Admin API handlers only. */
  readonly db: { readonly consumers: KongConsumersDao };
}

/** The consumers DAO (kong/db/dao/init.lua: select, select_by_<unique field>); `:` calls. */
interface KongConsumersDao {
  select(pk: { id: string }): LuaMultiReturn<[KongConsumer | undefined, string | undefined]>;
  select_by_username(username: string): LuaMultiReturn<[KongConsumer | undefined, string | undefined]>;
}

declare const kong: KongPdk;

/** What `require("kong.db.schema.typedefs")` provides that tollgate's schemas use. */
declare module "kong.db.schema.typedefs" {
  const typedefs: {
    readonly no_consumer: object;
    readonly protocols_http: object;
  };
  export = typedefs;
}
