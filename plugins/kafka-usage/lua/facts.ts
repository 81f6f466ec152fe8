/**
 * The usage facts both Lua hosts read the same way, from nginx variables of the
 * finished request (log phase). Kong and APISIX are both nginx: $request_id,
 * $request_time, $upstream_response_time, $request_length and $bytes_sent mean the
 * same in each. The host-specific facts (consumer, route, service, path) are added by
 * the plugin's Kong handler and APISIX module.
 */
import type { ConsumerFacts } from "../../core/facts";
import type { UsageFacts } from "../event";

/** Seconds as nginx prints them ("0.012") → whole ms; undefined for "-" or nothing. */
function secondsToMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // $upstream_response_time lists one time per upstream tried ("0.010, 0.004"): their sum
  // is the time the request spent on upstreams.
  let total: number | undefined;
  for (const [piece] of string.gmatch(value, "[%d.]+")) {
    const seconds = tonumber(piece);
    if (seconds !== undefined) total = (total ?? 0) + seconds;
  }
  return total === undefined ? undefined : Math.floor(total * 1000 + 0.5);
}

export function nginxUsageFacts(method: string, path: string, status: number, consumer: ConsumerFacts | undefined): UsageFacts {
  const v = ngx.var;
  return {
    requestId: v["request_id"] ?? `${ngx.worker.pid()}-${ngx.now()}-${math.random(1, 2147483647)}`,
    startedMs: Math.floor(ngx.req.start_time() * 1000 + 0.5),
    method,
    path,
    status,
    latencyMs: secondsToMs(v["request_time"]) ?? 0,
    upstreamLatencyMs: secondsToMs(v["upstream_response_time"]),
    requestBytes: tonumber(v["request_length"]) ?? 0,
    responseBytes: tonumber(v["bytes_sent"]) ?? 0,
    consumer,
  };
}
