/**
 * The usage facts both Lua hosts read the same way, from nginx variables of the
 * finished request (log phase). Kong and APISIX are both nginx: $request_id,
 * $request_time, $upstream_response_time, $request_length and $bytes_sent mean the
 * same in each. The host-specific facts (consumer, route, service, path) are added by
 * the plugin's Kong handler and APISIX module.
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

export function nginxUsageFacts(method: string, path: string, status: number, consumer: ConsumerFacts | undefined): UsageFacts {
  const v = ngx.var;
  const started = ngx.req.start_time();
  return {
    // nginx's $request_id: 128 random bits, hex.
    requestId: v["request_id"] as string,
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
