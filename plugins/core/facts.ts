/**
 * The request facts a host adapter hands to plugin logic: plain values read from
 * Kong's PDK, apisix.core or kong-pdk, and nothing the logic would have to call.
 */

/** The authenticated consumer, as the gateway's auth plugin established it. */
export interface ConsumerFacts {
  /** Stable id (Kong consumer id; APISIX consumer username, which is its id). */
  id: string;
  username?: string;
  custom_id?: string;
  /** Kong consumer tags, e.g. ["tier:premium", "plan:pro"]. */
  tags?: readonly string[];
  /** APISIX consumer labels, e.g. { tier: "premium" }. */
  labels?: { readonly [name: string]: string };
  /** APISIX consumer group id. */
  group?: string;
  /**
   * Every attribute of the consumer by name, as consumerAttribute reads them from labels
   * and tags, when an adapter has read them once for this consumer (consumerAttributes):
   * Kong hands out the same consumer entity on every request, so its adapter keeps one
   * ConsumerFacts per consumer, and a request then finds an attribute with one lookup
   * instead of a loop over the tags (a loop that runs once per request costs LuaJIT the
   * traces around it; see hosts/lua/each.ts).
   */
  attributes?: { readonly [name: string]: string };
}

export interface RequestFacts {
  method: string;
  consumer?: ConsumerFacts;
  /** Id of the credential the consumer authenticated with (key-auth key id, jwt secret id…). */
  credentialId?: string;
  /** The client's address as the gateway determined it. */
  clientIp?: string;
  /**
   * Claims of a JWT that a gateway auth plugin has already verified (Kong jwt:
   * kong.ctx.shared.authenticated_jwt_token; APISIX jwt-auth with store_in_ctx:
   * ctx.jwt_auth_payload). Never decoded from a token the gateway did not verify.
   */
  jwtClaims?: { readonly [claim: string]: unknown };
  /** Request headers the plugin asked for (lower-case names), nothing else. */
  headers?: { readonly [name: string]: string };
  /**
   * Which plugin configuration is handling the request: "route:<id>", "service:<id>"
   * or "global" (Kong: the entity the plugin is attached to; APISIX: conf_type and
   * conf_id). Counters are kept per configuration by default, as Kong's rate-limiting
   * does, so a route with its own limits does not share counters with the global ones.
   */
  configScope?: string;
  routeId?: string;
  /** The request path, normalized by the gateway, without the query string (when FactNeeds.path). */
  path?: string;
  serviceId?: string;
  /**
   * The tier tier-limit resolved for this request, when it ran before this plugin (from
   * its configured sources: consumer, consumer_map, verified JWT, trusted header; see
   * AccessOutcome.tier). Gateway-side, like the consumer; read when FactNeeds.decided.
   */
  decidedTier?: string;
  /** The consumer's group as the gateway keeps it per request (Kong Enterprise consumer groups; when FactNeeds.group). */
  consumerGroup?: string;
}

/**
 * The value an operator attached to a consumer under `name`: a Kong tag
 * "<name>:<value>" or an APISIX label `<name>: <value>`. Only gateway-side consumer
 * data is read here, never anything the client sent.
 */
export function consumerAttribute(consumer: ConsumerFacts, name: string): string | undefined {
  const attributes = consumer.attributes;
  if (attributes !== undefined) return attributes[name];
  const label = consumer.labels?.[name];
  if (typeof label === "string" && label !== "") return label;
  const tags = consumer.tags;
  if (tags === undefined) return undefined;
  const prefix = tagPrefix(name);
  for (const tag of tags) {
    // indexOf compiles to a plain string.find in Lua: no runtime-library call per tag.
    if (typeof tag === "string" && tag.length > prefix.length && tag.indexOf(prefix) === 0) {
      return tag.substring(prefix.length);
    }
  }
  return undefined;
}

/**
 * What consumerAttribute answers for every name, read once: labels first, then tags
 * "<name>:<value>" (the first of a name; a name never contains ":"); empty values are
 * no value.
 */
export function consumerAttributes(consumer: ConsumerFacts): { [name: string]: string } {
  const attributes: { [name: string]: string } = {};
  for (const tag of consumer.tags ?? []) {
    if (typeof tag !== "string") continue;
    const colon = tag.indexOf(":");
    if (colon <= 0 || colon === tag.length - 1) continue;
    const name = tag.substring(0, colon);
    if (attributes[name] === undefined) attributes[name] = tag.substring(colon + 1);
  }
  const labels = consumer.labels ?? {};
  for (const name in labels) {
    const label = labels[name];
    if (typeof label === "string" && label !== "") attributes[name] = label;
  }
  return attributes;
}

const TAG_PREFIXES: { [name: string]: string } = {};

/** "<name>:", built once per attribute name. */
function tagPrefix(name: string): string {
  let prefix = TAG_PREFIXES[name];
  if (prefix === undefined) {
    prefix = `${name}:`;
    TAG_PREFIXES[name] = prefix;
  }
  return prefix;
}

/**
 * Which optional facts a plugin config needs, so an adapter reads only those
 * (each PDK call costs something; over kong-pdk each is an RPC round trip).
 * The method and the consumer are always read.
 */
export interface FactNeeds {
  /** Lower-case names of request headers to copy into `headers`. */
  headers: readonly string[];
  jwtClaims: boolean;
  /** The client address (always read for callers without a consumer). */
  clientIp: boolean;
  credential: boolean;
  /** Route and service ids. */
  routeAndService: boolean;
  /** The request path (Kong: kong.request.get_path(); APISIX: ctx.var.uri). */
  path?: boolean;
  /** What tollgate's plugins that ran earlier decided (RequestFacts.decidedTier). */
  decided?: boolean;
  /** The consumer's gateway-side group (RequestFacts.consumerGroup). */
  group?: boolean;
}

/**
 * The wanted request headers that are present, read with a host's own getter.
 * The getter is a module-level function taking a context (never a closure made per
 * request): LuaJIT cannot compile a function that creates a closure (its returns need
 * the UCLO bytecode, which is not JIT-compiled), and this runs on every request.
 */
export function pickHeaders<C>(
  names: readonly string[],
  read: (this: void, context: C, name: string) => string | undefined,
  context: C,
): { [name: string]: string } {
  const headers: { [name: string]: string } = {};
  for (const name of names) {
    const value = read(context, name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
