/**
 * The part of APISIX 3.x's `apisix.core` that tollgate uses, declared from APISIX's
 * source (apisix/core/*.lua). All functions are `.` calls.
 */

/** APISIX's per-request context, passed to every phase as `ctx`. */
interface ApisixCtx {
  readonly var: { readonly [name: string]: string | undefined };
  consumer?: ApisixConsumer;
  consumer_name?: string;
  consumer_group_id?: string;
  route_id?: string;
  route_name?: string;
  service_id?: string;
  service_name?: string;
  /** The verified JWT payload, when jwt-auth runs with store_in_ctx: true. */
  jwt_auth_payload?: { readonly [claim: string]: unknown };
  /** What configured the running plugins: "route", "service", "route&service", "consumer", … */
  conf_type?: string;
  conf_id?: string;
  /**
   * What tollgate's access plugins decided for this request (tier, plan, features as
   * forwarded upstream), recorded by hosts/apisix/adapter.ts for kafka-usage's events.
   * Free ctx fields, as APISIX plugins use them for per-request state.
   */
  tollgate_tier?: string;
  tollgate_plan?: string;
  tollgate_features?: string;
  /** Threshold events tier-limit emitted (core/outcome.ts ThresholdMessage), for kafka-usage. */
  tollgate_threshold_events?: { key: string; value: string; timestampMs: number }[];
  /** Windows of a request past a soft limit (tier-limit overage). */
  tollgate_overage?: string;
  /** What tier-limit's cost_from charged (for kafka-usage), and its reading in progress. */
  tollgate_units?: number;
  tollgate_cost?: unknown;
}

interface ApisixConsumer {
  readonly username: string;
  readonly consumer_name?: string;
  readonly group_id?: string;
  /** Set when the consumer authenticated through a credential entity (APISIX ≥ 3.10). */
  readonly credential_id?: string;
  readonly labels?: { readonly [name: string]: string };
  readonly desc?: string;
}

declare module "apisix.core" {
  /** @noSelf */
  interface ApisixLog {
    error(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    notice(...args: unknown[]): void;
    info(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  }
  /** @noSelf */
  interface ApisixJson {
    encode(value: unknown): string;
    decode(text: string): LuaMultiReturn<[unknown, string | undefined]>;
  }
  /** @noSelf */
  interface ApisixRequest {
    header(ctx: ApisixCtx, name: string): string | undefined;
    headers(ctx: ApisixCtx): LuaTable<string, string | string[]>;
    /** Sets (or with nil, clears) a header of the request sent upstream. */
    set_header(ctx: ApisixCtx, name: string, value: string | undefined): void;
    get_method(): string;
  }
  /** @noSelf */
  interface ApisixResponse {
    exit(code: number, body?: string | object): void;
    set_header(name: string, value: string | number): void;
    add_header(name: string, value: string | number): void;
  }
  /** @noSelf */
  interface ApisixSchema {
    check(schema: object, conf: unknown): LuaMultiReturn<[boolean, string | undefined]>;
  }
  /** @noSelf */
  interface ApisixId {
    /** This APISIX node's id (a UUID kept in conf/apisix.uid). */
    get(): string;
  }
  /** @noSelf */
  interface ApisixCore {
    readonly id: ApisixId;
    readonly log: ApisixLog;
    readonly json: ApisixJson;
    readonly request: ApisixRequest;
    readonly response: ApisixResponse;
    readonly schema: ApisixSchema;
  }
  const core: ApisixCore;
  export = core;
}

/** A config item as APISIX's config_yaml / config_etcd keep it (`values` entries). */
interface ApisixConfigItem<T> {
  readonly value: T;
}

/** What tollgate reads of a route's value. */
interface ApisixRouteValue {
  readonly id: string | number;
  readonly service_id?: string | number;
  readonly plugins?: { readonly [name: string]: unknown };
}

/** apisix/router.lua (3.18.0): the HTTP routes of this worker. */
declare module "apisix.router" {
  /** @noSelf */
  function http_routes(): LuaMultiReturn<[ApisixConfigItem<ApisixRouteValue>[] | undefined, unknown]>;
}

/** apisix/consumer.lua (3.18.0): the consumers (credential items filtered out). */
declare module "apisix.consumer" {
  /** @noSelf */
  function consumers(): LuaMultiReturn<[ApisixConfigItem<ApisixConsumer>[] | undefined, unknown]>;
}
