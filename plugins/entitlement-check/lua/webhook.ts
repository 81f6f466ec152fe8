/**
 * The billing webhook on the Lua hosts (Kong and APISIX): reads the request, hands it
 * to ../webhook.ts, and applies what that says through the cache's invalidation entry
 * point (io/lua/cache.ts invalidateSubject, the one the Admin API and the APISIX plugin
 * API call) or, for a signed answer, lua/access.ts storeServiceAnswer.
 *
 * The raw body: refused unread when Content-Length is over webhook.max_body_bytes; else
 * read with ngx.req.read_body. nginx keeps a body larger than client_body_buffer_size
 * in a temporary file (get_body_data is then nil): it is read from that file, at most
 * max_body_bytes + 1 bytes (a blocking read of a local file, on a rare request), so a
 * body without Content-Length (chunked) is bounded too. Event ids are remembered in
 * the cache dict ("w:<provider>:<id>") for the replay check.
 */
import { LogThrottle } from "../../core/log-throttle";
import { invalidateSubject } from "../../io/lua/cache";
import { logGate } from "../../io/lua/log-gate";
import { LUA_WEBHOOK_PLATFORM } from "../../io/lua/webhook-platform";
import type { EntitlementCheckConfig } from "../schema";
import { handleWebhook, SIGNATURE_HEADERS, type ReplayMemory, type WebhookRequest } from "../webhook";
import { storeServiceAnswer } from "./access";

const throttles = setmetatable(new LuaTable<EntitlementCheckConfig, LogThrottle>(), { __mode: "k" });

function throttleFor(conf: EntitlementCheckConfig): LogThrottle {
  let throttle = throttles.get(conf);
  if (throttle === undefined) {
    throttle = new LogThrottle(conf.error_log_interval, `entitlement-check:webhook:${conf.webhook!.provider}`);
    throttles.set(conf, throttle);
  }
  return throttle;
}

/** The body, or undefined; `oversized` when it is over `max` bytes. */
function readBody(max: number): LuaMultiReturn<[string | undefined, boolean]> {
  const declared = tonumber(ngx.var["content_length"] ?? "");
  if (declared !== undefined && declared > max) return $multi(undefined, true);
  ngx.req.read_body();
  let body = ngx.req.get_body_data();
  if (body === undefined) {
    const path = ngx.req.get_body_file();
    if (path === undefined) return $multi(undefined, false);
    const [file] = io.open(path, "rb");
    if (file === undefined) return $multi(undefined, false);
    body = file.read(max + 1) as string | undefined;
    file.close();
  }
  if (body !== undefined && body.length > max) return $multi(undefined, true);
  return $multi(body, false);
}

/** Drops or sets the subjects' answers; undefined when done, else why not. */
function apply(conf: EntitlementCheckConfig, subjects: string[], answer: ReturnType<typeof handleWebhook>["answer"]): string | undefined {
  for (const subject of subjects) {
    const [ok, err] = answer === undefined ? invalidateSubject(conf.cache.dict, subject) : storeServiceAnswer(conf, subject, answer);
    if (!ok) return err ?? "cache update failed";
  }
  return undefined;
}

/** Answers a webhook request on a route whose config has `webhook`: status and JSON body. */
export function webhookResponse(conf: EntitlementCheckConfig): LuaMultiReturn<[number, object]> {
  const webhook = conf.webhook!;
  const dict = ngx.shared[conf.cache.dict];
  if (dict === undefined) return $multi(500, { error: "misconfigured", message: `lua_shared_dict '${conf.cache.dict}' is not declared` });
  const header = `http_${string.gsub(string.lower(SIGNATURE_HEADERS[webhook.provider]), "-", "_")[0]}`;
  const [body, oversized] = readBody(webhook.max_body_bytes);
  const request: WebhookRequest = { method: ngx.req.get_method(), signature: ngx.var[header], body, oversized };
  const replay: ReplayMemory = {
    remember: (id, ttl) => {
      // A full dict cannot remember: refused as if seen, rather than risk accepting a replay.
      const [added] = dict.add(`w:${id}`, true, ttl);
      return added;
    },
  };
  const result = handleWebhook(webhook, LUA_WEBHOOK_PLATFORM, request, ngx.now(), replay);
  if (result.refused !== undefined) {
    const report = throttleFor(conf).occurrence(ngx.now(), logGate(conf.cache.dict));
    if (report > 0) ngx.log(ngx.WARN, `[entitlement-check] webhook (${webhook.provider}) refused ${report} request(s) since the last report; latest: ${result.refused}`);
    return $multi(result.status, result.body);
  }
  const failed = apply(conf, result.subjects, result.answer);
  if (failed !== undefined) {
    // Not handled: the sender's retry must not look like a replay.
    if (result.replayKey !== undefined) dict.delete(`w:${result.replayKey}`);
    ngx.log(ngx.ERR, `[entitlement-check] webhook (${webhook.provider}) could not update the cache: ${failed}`);
    return $multi(500, { error: "cache_update_failed", message: "The event could not be applied; retry later" });
  }
  return $multi(result.status, result.body);
}
