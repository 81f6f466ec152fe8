/**
 * The usage facts both Lua hosts read the same way, from nginx of the finished request
 * (log phase). Kong and APISIX are both nginx: $upstream_response_time, $request_length
 * and $bytes_sent mean the same in each. The host-specific facts (consumer, route,
 * service, path) are added by the plugin's Kong handler and APISIX module.
 */
import type { ConsumerFacts } from "../../core/facts";
import type { UsageFacts } from "../event";

/**
 * $upstream_response_time → whole ms, or undefined when no upstream answered ("-", or
 * unset). It lists one time per upstream tried ("0.010, 0.004"): their sum is the time
 * the request spent on upstreams. (string.find in a loop, not string.gmatch: LuaJIT
 * cannot compile gmatch's iterator, and this runs for every request.)
 */
function upstreamMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // One upstream tried: the usual case, without a pattern match (which LuaJIT interprets).
  // The ms go through a local: `return math.floor(…)`, a tail call to a builtin, aborts
  // every trace that starts in this function ("leaving loop in root trace").
  const single = tonumber(value);
  if (single !== undefined) {
    const ms = Math.floor(single * 1000 + 0.5);
    return ms;
  }
  let total: number | undefined;
  let from = 1;
  for (;;) {
    const [first, last] = string.find(value, "[%d.]+", from);
    if (first === undefined || last === undefined) break;
    const seconds = tonumber(string.sub(value, first, last));
    if (seconds !== undefined) total = (total ?? 0) + seconds;
    from = last + 1;
  }
  return total === undefined ? undefined : Math.floor(total * 1000 + 0.5);
}

/**
 * Event ids: 64 random bits drawn once per worker, then a counter — unique per request
 * across workers, restarts and nodes. Not nginx's $request_id: nginx draws 128 random bits
 * from OpenSSL on every request that reads it, which cost more than all the other facts
 * of the log phase together.
 */
let idPrefix: string | undefined;
let idCounter = 0;

function nextEventId(): string {
  if (idPrefix === undefined) idPrefix = randomHex(8);
  idCounter += 1;
  return `${idPrefix}-${idCounter}`;
}

/** `bytes` random bytes as hex, from the kernel (once per worker: a file read). */
function randomHex(bytes: number): string {
  const [file] = io.open("/dev/urandom", "rb");
  let raw: string | undefined;
  if (file !== undefined) {
    raw = file.read(bytes) as string | undefined;
    file.close();
  }
  if (raw === undefined || raw.length < bytes) {
    // No /dev/urandom: the worker's pid and start time, which still differ per worker.
    return `${ngx.worker.pid()}x${Math.floor(ngx.now() * 1000)}`;
  }
  let hex = "";
  for (let i = 1; i <= bytes; i++) hex += string.format("%02x", string.byte(raw, i));
  return hex;
}

export function nginxUsageFacts(method: string, path: string, status: number, consumer: ConsumerFacts | undefined): UsageFacts {
  const v = ngx.var;
  const started = ngx.req.start_time();
  return {
    requestId: nextEventId(),
    startedMs: Math.floor(started * 1000 + 0.5),
    method,
    path,
    status,
    // What $request_time says, from nginx's cached clock without an ngx.var read.
    latencyMs: Math.floor((ngx.now() - started) * 1000 + 0.5),
    upstreamLatencyMs: upstreamMs(v["upstream_response_time"]),
    requestBytes: tonumber(v["request_length"]) ?? 0,
    responseBytes: tonumber(v["bytes_sent"]) ?? 0,
    consumer,
  };
}
