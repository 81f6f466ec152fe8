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
    /** kong.request.get_path: the normalized path, without the query. */
    getPath(): Promise<string>;
    getHeader(name: string): Promise<string | undefined | null>;
    /** kong.request.get_raw_body: the body, and an error when it cannot be read; the RPC may hand back the pair or the body alone. */
    getRawBody(): Promise<Buffer | string | [Buffer | string | null, string | null] | null>;
  };
  client: {
    getConsumer(): Promise<KongJsConsumer | undefined | null>;
    getCredential(): Promise<KongJsEntity | undefined | null>;
    getForwardedIp(): Promise<string>;
  };
  ctx: {
    shared: {
      get(key: string): Promise<unknown>;
      set(key: string, value: unknown): Promise<null>;
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

/** A route or service as Kong serializes it (the fields tollgate reads). */
export interface KongJsNamedEntity {
  id?: string;
  name?: string | null;
}

/**
 * The part of `kong.log.serialize()` that log-phase plugins read (Kong's serializer,
 * kong/pdk/log.lua). Over the plugin-server RPC Kong answers it as a JSON *string*
 * (kong/runloop/plugin_servers: `cjson_encode(saved.serialize_data)`), which kong-pdk's
 * typings do not say (they declare `Promise<null>`).
 */
export interface KongJsSerializedLog {
  started_at?: number;
  client_ip?: string;
  latencies?: { request?: number; proxy?: number; kong?: number };
  request?: { method?: string; uri?: string; size?: number };
  response?: { status?: number; size?: number };
  consumer?: { id?: string; username?: string | null; custom_id?: string | null; tags?: string[] | null } | null;
  route?: KongJsNamedEntity | null;
  service?: KongJsNamedEntity | null;
}

/**
 * The PDK calls a log-phase plugin may make. Kong runs an external plugin's log phase
 * in a timer after the request ended, and answers only the calls it saved data for:
 * kong.log.serialize, kong.request.get_header(s), kong.response.get_status,
 * kong.ctx.shared.get, kong.nginx.get_ctx / req_start_time; request-bound calls such as
 * kong.request.get_method or get_path would fail there (no request in a timer).
 */
export interface KongJsLogPdk {
  request: {
    getHeader(name: string): Promise<string | undefined | null>;
  };
  ctx: KongJsPdk["ctx"];
  node: {
    getId(): Promise<string>;
  };
  log: KongJsPdk["log"] & {
    serialize(): Promise<string | KongJsSerializedLog | null | undefined>;
  };
}
