/**
 * The part of the PDK that Kong's JS plugin server (npm `kong-pdk`) hands to a
 * plugin's phase methods, as tollgate uses it. Every call is an async RPC to Kong
 * (msgpack over a unix socket), so adapters make as few as they can.
 *
 * Declared here rather than taken from kong-pdk's generated typings, which type some
 * arguments loosely (e.g. `exit(status, body?: Buffer)`).
 */

export interface KongJsConsumer {
  id: string;
  username?: string;
  custom_id?: string;
  tags?: string[];
}

export interface KongJsEntity {
  id: string;
}

export interface KongJsPdk {
  request: {
    getMethod(): Promise<string>;
    getHeader(name: string): Promise<string | undefined | null>;
  };
  client: {
    getConsumer(): Promise<KongJsConsumer | undefined | null>;
    getCredential(): Promise<KongJsEntity | undefined | null>;
    getForwardedIp(): Promise<string>;
  };
  ctx: {
    shared: {
      get(key: string): Promise<unknown>;
    };
  };
  router: {
    getRoute(): Promise<KongJsEntity | undefined | null>;
    getService(): Promise<KongJsEntity | undefined | null>;
  };
  response: {
    exit(status: number, body?: string | object, headers?: Record<string, string>): Promise<null>;
    setHeaders(headers: Record<string, string>): Promise<null>;
  };
  service: {
    request: {
      setHeader(name: string, value: string): Promise<null>;
      clearHeader(name: string): Promise<null>;
    };
  };
  log: {
    err(...args: unknown[]): Promise<null>;
    warn(...args: unknown[]): Promise<null>;
  };
}

/** A route or service as kong.router returns it (the fields tollgate reads). */
export interface KongJsNamedEntity {
  id: string;
  name?: string;
}

/**
 * The subset of `kong.log.serialize()` that log-phase plugins read: Kong's basic
 * serializer (kong/pdk/log.lua). kong-pdk's typings declare it as returning null.
 */
export interface KongJsSerializedLog {
  started_at?: number;
  latencies?: { request?: number; proxy?: number; kong?: number };
  request?: { size?: number };
  response?: { size?: number; status?: number };
}

/** The PDK calls a log-phase plugin makes (kafka-usage). */
export interface KongJsLogPdk extends KongJsPdk {
  request: KongJsPdk["request"] & {
    getPath(): Promise<string>;
    getStartTime(): Promise<number>;
  };
  response: KongJsPdk["response"] & {
    getStatus(): Promise<number>;
  };
  router: {
    getRoute(): Promise<KongJsNamedEntity | undefined | null>;
    getService(): Promise<KongJsNamedEntity | undefined | null>;
  };
  node: {
    getId(): Promise<string>;
  };
  log: KongJsPdk["log"] & {
    serialize(): Promise<KongJsSerializedLog | undefined | null>;
  };
}
