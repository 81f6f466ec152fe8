/**
 * The usage event of one request: a CloudEvents 1.0 event in structured JSON mode,
 * built from plain facts a host adapter read in the log phase. Pure: the same facts
 * give the same event in LuaJIT and in Node (tests/vectors/kafka-usage-event.json).
 *
 *   {
 *     "specversion": "1.0", "id": "<unique per request>", "source": "<source>/<node id>",
 *     "type": "com.tollgate.api.request", "subject": "<consumer>",
 *     "time": "2026-11-24T20:01:45.123Z", "datacontenttype": "application/json",
 *     "data": { "method", "path", "status", "latency_ms", "upstream_latency_ms",
 *               "request_bytes", "response_bytes", "route", "service", "consumer",
 *               "tier", "plan", "features", "overage", "overage_windows", "units",
 *               "headers" }
 *   }
 *
 * Absent facts are absent keys (never null), in both runtimes. What is kept out of an
 * event, and why, is in redaction.ts.
 */
import type { ConsumerFacts } from "../core/facts";
import { jsonText } from "../core/utf8";
import type { KafkaUsageConfig } from "./schema";

/** What a host knows about a finished request (log phase). */
export interface UsageFacts {
  /** Unique per request (Lua hosts: 64 random bits per worker and a counter; kong-pdk: a random UUID). */
  requestId: string;
  /** When the request started, epoch milliseconds. */
  startedMs: number;
  method: string;
  /** The normalized path, without the query string. */
  path: string;
  status: number;
  /** Whole request time, ms. */
  latencyMs: number;
  /** Time spent waiting for the upstream, ms; absent when the request never reached it. */
  upstreamLatencyMs?: number;
  requestBytes: number;
  responseBytes: number;
  routeId?: string;
  routeName?: string;
  serviceId?: string;
  serviceName?: string;
  consumer?: ConsumerFacts;
  clientIp?: string;
  /** The allowlisted request headers that were present, by lower-case name. */
  headers?: { readonly [name: string]: string };
  /** What other tollgate plugins decided for this request (see core/outcome.ts). */
  tier?: string;
  plan?: string;
  features?: string;
  /** The windows of a request admitted past a soft limit (tier-limit overage), e.g. "month". */
  overage?: string;
  /** What tier-limit's cost_from charged for this request (tollgate_units in the request context). */
  units?: number;
}

export interface EntityRef {
  id?: string;
  name?: string;
}

export interface UsageData {
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  upstream_latency_ms?: number;
  request_bytes: number;
  response_bytes: number;
  route?: EntityRef;
  service?: EntityRef;
  consumer?: { id: string; username?: string; custom_id?: string };
  tier?: string;
  plan?: string;
  features?: string;
  /** true for a request admitted past a soft limit; overage_windows names them ("month", "minute,month"). */
  overage?: boolean;
  overage_windows?: string;
  units?: number;
  headers?: { [name: string]: string };
}

export interface UsageEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: "application/json";
  data: UsageData;
}

/** The subject of a request's event, or undefined when no event is wanted (anonymous: skip). */
export function subjectOf(conf: KafkaUsageConfig, facts: UsageFacts): string | undefined {
  const consumer = facts.consumer;
  if (consumer !== undefined) {
    const field = conf.subject;
    const value = field === "username" ? consumer.username : field === "custom_id" ? consumer.custom_id : undefined;
    return value !== undefined && value !== "" ? value : consumer.id;
  }
  if (conf.anonymous === "skip") return undefined;
  if (conf.anonymous === "client_ip" && facts.clientIp !== undefined) return `ip:${facts.clientIp}`;
  return conf.anonymous_subject;
}

function entity(id: string | undefined, name: string | undefined): EntityRef | undefined {
  if (id === undefined && name === undefined) return undefined;
  return { id, name };
}

/** The event for a request, or undefined when the config wants none (anonymous: skip). */
export function buildUsageEvent(conf: KafkaUsageConfig, facts: UsageFacts, nodeId: string): UsageEvent | undefined {
  const subject = subjectOf(conf, facts);
  if (subject === undefined) return undefined;
  const consumer = facts.consumer;
  // The upstream's share never exceeds the whole request. The two are measured on different
  // clocks and rounded apart (Lua hosts: $upstream_response_time from nginx's millisecond
  // timer against ngx.now() - ngx.req.start_time(); kong-pdk: Kong's latencies.proxy and
  // .request), so no instant is shared to compute both from: clamped after rounding, here,
  // where every host's facts pass. The clamp removes the skew of the measurement only.
  const upstreamMs = facts.upstreamLatencyMs;
  const data: UsageData = {
    method: facts.method,
    path: facts.path,
    status: facts.status,
    latency_ms: facts.latencyMs,
    upstream_latency_ms: upstreamMs !== undefined && upstreamMs > facts.latencyMs ? facts.latencyMs : upstreamMs,
    request_bytes: facts.requestBytes,
    response_bytes: facts.responseBytes,
    route: entity(facts.routeId, facts.routeName),
    service: entity(facts.serviceId, facts.serviceName),
    consumer: consumer === undefined ? undefined : { id: consumer.id, username: consumer.username, custom_id: consumer.custom_id },
    tier: facts.tier,
    plan: facts.plan,
    features: facts.features,
    units: facts.units,
  };
  if (facts.overage !== undefined) {
    data.overage = true;
    data.overage_windows = facts.overage;
  }
  // Only what the allowlist picked (the adapter reads nothing else); kept only when present.
  const headers = facts.headers;
  if (headers !== undefined) {
    for (const _name in headers) {
      data.headers = headers as { [name: string]: string };
      break;
    }
  }
  return {
    specversion: "1.0",
    id: facts.requestId,
    source: `${conf.source}/${nodeId}`,
    type: conf.type,
    subject,
    time: rfc3339(facts.startedMs),
    datacontenttype: "application/json",
    data,
  };
}

// ---- JSON ----------------------------------------------------------------------------

/**
 * The event as JSON text, keys in the documented order (data.headers sorted by name): the
 * same bytes in LuaJIT and Node, and in LuaJIT a compiled string build instead of a
 * lua-cjson call, which walked the tables through the C API on every request (the
 * largest item in the log phase's profile). Numbers here are integers (status, ms,
 * bytes), printed without exponent below 10^14 in both runtimes.
 */
export function encodeUsageEvent(event: UsageEvent): string {
  const d = event.data;
  // Optional members as small pieces, then one concatenation: LuaJIT builds a chain of
  // `..` in one buffer, where appending to a growing string would copy it each time.
  const upstream = d.upstream_latency_ms === undefined ? "" : `,"upstream_latency_ms":${d.upstream_latency_ms}`;
  const route = d.route === undefined ? "" : `,"route":${entityJson(d.route)}`;
  const service = d.service === undefined ? "" : `,"service":${entityJson(d.service)}`;
  const consumer = d.consumer === undefined ? "" : `,"consumer":${consumerJson(d.consumer)}`;
  const tier = d.tier === undefined ? "" : `,"tier":"${escapedOften(d.tier)}"`;
  const plan = d.plan === undefined ? "" : `,"plan":"${escapedOften(d.plan)}"`;
  const features = d.features === undefined ? "" : `,"features":"${escapedOften(d.features)}"`;
  const overage = d.overage === true ? `,"overage":true,"overage_windows":"${escapedOften(d.overage_windows ?? "")}"` : "";
  const units = d.units === undefined ? "" : `,"units":${d.units}`;
  const headers = d.headers === undefined ? "" : `,"headers":${headersJson(d.headers)}`;
  // The values new in every event are scanned together: one pattern match, not three.
  const unique = !hasSpecial(`${event.id}${event.time}${d.path}`);
  const id = unique ? event.id : escaped(event.id);
  const time = unique ? event.time : escaped(event.time);
  const path = unique ? d.path : escaped(d.path);
  return (
    `{"specversion":"1.0","id":"${id}","source":"${escapedOften(event.source)}","type":"${escapedOften(event.type)}",` +
    `"subject":"${escapedOften(event.subject)}","time":"${time}","datacontenttype":"application/json",` +
    `"data":{"method":"${escapedOften(d.method)}","path":"${path}","status":${d.status},"latency_ms":${d.latency_ms}${upstream},` +
    `"request_bytes":${d.request_bytes},"response_bytes":${d.response_bytes}${route}${service}${consumer}${tier}${plan}${features}${overage}${units}${headers}}}`
  );
}

function entityJson(entity: EntityRef): string {
  if (entity.id === undefined) return `{"name":"${escapedOften(entity.name!)}"}`;
  if (entity.name === undefined) return `{"id":"${escapedOften(entity.id)}"}`;
  return `{"id":"${escapedOften(entity.id)}","name":"${escapedOften(entity.name)}"}`;
}

function consumerJson(consumer: { id: string; username?: string; custom_id?: string }): string {
  const username = consumer.username === undefined ? "" : `,"username":"${escapedOften(consumer.username)}"`;
  const customId = consumer.custom_id === undefined ? "" : `,"custom_id":"${escapedOften(consumer.custom_id)}"`;
  return `{"id":"${escapedOften(consumer.id)}"${username}${customId}}`;
}

function headersJson(headers: { [name: string]: string }): string {
  const names: string[] = [];
  for (const name in headers) names.push(name);
  names.sort();
  let out = "";
  for (const name of names) out = `${out === "" ? "{" : `${out},`}"${escaped(name)}":"${escaped(headers[name]!)}"`;
  return `${out}}`;
}

/** True where strings are byte strings (LuaJIT): see io/kafka/bytes.ts. */
const LUA = "\u00e9".length === 2;

/** The Lua pattern of hasSpecial (built with fromCharCode, which tstl makes string.char). */
const SPECIAL = `[%c"\\${String.fromCharCode(0x80)}-${String.fromCharCode(0xff)}]`;

/** Lua's string.find, declared here so Node's type check accepts the file; called only in LuaJIT. */
declare const string: { find(this: void, s: string, pattern: string): number | undefined };

/**
 * Whether `text` holds a character JSON must escape, or one that may need a UTF-8 repair.
 * LuaJIT: one pattern match in C (a character loop runs interpreted in the log phase,
 * where ngx.var calls keep LuaJIT from compiling); Node: a loop over the code units.
 */
const hasSpecial: (this: void, text: string) => boolean = LUA
  ? // %c: the control characters (and DEL, which then takes the exact path below unchanged);
    // bytes 0x80 … 0xFF: anything not ASCII, checked by jsonText below.
    (text) => string.find(text, SPECIAL) !== undefined
  : (text) => {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code < 32 || code === 34 || code === 92 || (code >= 0xd800 && code <= 0xdfff)) return true;
      }
      return false;
    };

/** Short escapes JSON and JavaScript's JSON.stringify use; other control characters are \u00XX. */
const SHORT_ESCAPES: { [code: number]: string } = { 8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\" };
const HEX = "0123456789abcdef";

/**
 * The inside of a JSON string literal for `text`: valid UTF-8 first (core/utf8.ts: a
 * client's 0xFF byte becomes U+FFFD), then `"`, `\` and control characters escaped;
 * everything else, UTF-8 included, is copied as is (Lua sees bytes ≥ 0x80, JavaScript
 * code units ≥ 0x80: neither is escaped, so both write the same text). Text without any
 * of them, the common case, is returned as it is: one scan, no copy.
 */
export function escaped(raw: string): string {
  if (!hasSpecial(raw)) return raw;
  const text = jsonText(raw);
  const length = text.length;
  let i = 0;
  let out = "";
  let runStart = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 32 && code !== 34 && code !== 92) continue;
    const escape = SHORT_ESCAPES[code] ?? `\\u00${HEX.charAt(code >> 4)}${HEX.charAt(code & 15)}`;
    out = `${out}${text.substring(runStart, i)}${escape}`;
    runStart = i + 1;
  }
  return `${out}${text.substring(runStart)}`;
}

/**
 * escaped() for values that recur from request to request: the source and type, the
 * method, subjects, route, service and consumer names and ids, tiers, plans, feature
 * lists. They come from configuration and a bounded set of callers, so each is scanned
 * once and then found in this table (a string-keyed lookup), instead of a pattern scan
 * per value per event. The table holds at most ESCAPED_LIMIT entries and starts over
 * when full. Values the client chooses freely (the path, header values) and the event
 * id go through escaped() every time: caching them would only churn the table.
 */
function escapedOften(text: string): string {
  let known = escapedCache[text];
  if (known === undefined) {
    if (escapedCount >= ESCAPED_LIMIT) {
      escapedCache = {};
      escapedCount = 0;
    }
    known = escaped(text);
    escapedCache[text] = known;
    escapedCount += 1;
  }
  return known;
}

const ESCAPED_LIMIT = 4096;
let escapedCache: { [text: string]: string } = {};
let escapedCount = 0;

// ---- time ----------------------------------------------------------------------------

function pad(value: number, width: number): string {
  const text = `${value}`;
  const missing = width - text.length;
  // Without a loop: rfc3339 runs per request, and a loop that runs once or twice per
  // call costs LuaJIT its traces (see hosts/lua/each.ts).
  return missing <= 0 ? text : `${ZEROS.substring(0, missing)}${text}`;
}

const ZEROS = "0000";

/**
 * Epoch milliseconds as RFC 3339 UTC with milliseconds ("2026-11-24T20:01:45.123Z"),
 * by arithmetic alone: LuaJIT's os.date would do the date part, Node's Date all of it,
 * and one function keeps both runtimes to the same output.
 */
export function rfc3339(epochMs: number): string {
  const ms = Math.floor(epochMs);
  // Requests of the same second share everything but the milliseconds (one per worker).
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastPrefix = secondPrefix(ms);
    lastSecond = second;
  }
  return `${lastPrefix}${pad(ms - second * 1000, 3)}Z`;
}

let lastSecond = -1;
let lastPrefix = "";

/**
 * "2026-11-24T20:01:45." for the second of `ms` (epoch milliseconds, whole). Civil date
 * from a day count in the proleptic Gregorian calendar, by 400-year eras of 146,097 days
 * counted from 0000-03-01 (a year that starts in March ends with the leap day).
 */
function secondPrefix(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const msOfDay = ms - days * 86_400_000;
  const z = days + 719_468; // days from 0000-03-01 to 1970-01-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(msOfDay / 3_600_000);
  const minute = Math.floor((msOfDay % 3_600_000) / 60_000);
  const second = Math.floor((msOfDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.`;
}
