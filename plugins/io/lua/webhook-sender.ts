/**
 * Delivery of events to an HTTP(S) webhook, for the Lua hosts: at least once, signed,
 * never on the request path.
 *
 *   enqueueWebhook (any phase)  appends the JSON body to the worker's bounded queue for
 *                               that webhook config (full: the event is dropped, and the
 *                               error log says how many), and schedules a flush;
 *   ngx.timer                   sends the queue in order, one POST each. A 2xx answer
 *                               releases the event; anything else (an error, a timeout,
 *                               3xx/4xx/5xx) keeps it at the head and retries after a
 *                               jittered exponential backoff (kafka-usage/delivery.ts
 *                               backoffMs), so events wait, in order, while the endpoint
 *                               is down.
 *   worker exit                 the pending timer fires early ("premature"): one last
 *                               attempt per queued event; what fails is logged as lost.
 *
 * Every POST carries `<signature_header>: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" with the secret>`, the scheme of Stripe's webhooks (Stripe-Signature), so
 * receivers verify it with the code they have (e.g. stripe's webhooks.constructEvent)
 * and refuse stale timestamps. The timestamp is taken per attempt, so a retried event is
 * signed afresh.
 */
import { parseHttpUrl, tlsSettings } from "../../core/http-url";
import { backoffMs } from "../../kafka-usage/delivery";
import { httpRequest, type HttpGetOptions } from "./http";
import { LUA_WEBHOOK_PLATFORM } from "./webhook-platform";

/** The webhook settings (tier-limit's threshold_events.webhook). */
export interface WebhookConf {
  url: string;
  secret: string;
  signature_header: string;
  ssl_verify: boolean;
  server_name?: string;
  client_cert?: string;
  client_key?: string;
  timeout_ms: number;
  max_events: number;
  initial_backoff_ms: number;
  max_backoff_ms: number;
}

interface Sender {
  conf: WebhookConf;
  options: HttpGetOptions;
  path: string;
  /** Bodies not yet acknowledged, oldest at `head`. */
  queue: string[];
  head: number;
  /** Consecutive failed attempts. */
  failures: number;
  /** A flush timer is pending or running. */
  active: boolean;
  /** Events dropped because the queue was full, not yet logged. */
  dropped: number;
  lastLogAt: number;
}

/** Seconds between two error-log lines of one sender about failures or drops. */
const LOG_INTERVAL_S = 10;
/** Largest answer body read from the endpoint (it is not used). */
const MAX_ANSWER_BYTES = 65_536;

/** Per worker, per config table (weak: a replaced config's sender lives while its timer runs). */
const senders = setmetatable(new LuaTable<WebhookConf, Sender>(), { __mode: "k" });

function senderFor(conf: WebhookConf): Sender {
  let sender = senders.get(conf);
  if (sender !== undefined) return sender;
  // The schema checked the URL.
  const target = parseHttpUrl(conf.url)!;
  sender = {
    conf,
    options: {
      host: target.host,
      port: target.port,
      tls: tlsSettings(target, conf),
      connectTimeoutMs: conf.timeout_ms,
      timeoutMs: conf.timeout_ms,
      poolSize: 4,
      keepaliveMs: 60_000,
      maxBodyBytes: MAX_ANSWER_BYTES,
    },
    path: target.basePath === "" ? "/" : target.basePath,
    queue: [],
    head: 0,
    failures: 0,
    active: false,
    dropped: 0,
    lastLogAt: 0,
  };
  senders.set(conf, sender);
  return sender;
}

function pending(sender: Sender): number {
  return sender.queue.length - sender.head;
}

function schedule(sender: Sender, delayMs: number): void {
  const [ok, err] = ngx.timer.at(delayMs / 1000, flush, sender);
  if (ok === undefined) {
    sender.active = false;
    ngx.log(ngx.ERR, `[tollgate webhook] cannot schedule a delivery to ${sender.conf.url}: ${err}`);
    return;
  }
  sender.active = true;
}

/** Queues one event body (JSON); returns false when the queue is full and it was dropped. */
export function enqueueWebhook(conf: WebhookConf, body: string): boolean {
  const sender = senderFor(conf);
  if (pending(sender) >= conf.max_events) {
    sender.dropped += 1;
    logThrottled(sender, `queue full (${conf.max_events} events): dropped ${sender.dropped} event(s)`);
    return false;
  }
  sender.queue.push(body);
  if (!sender.active) schedule(sender, 0);
  return true;
}

/** The signature header's value for `body` at `timestamp` (unix seconds). */
export function webhookSignature(secret: string, timestamp: number, body: string): string | undefined {
  // The HMAC entitlement-check's webhook receiver verifies with (empty without libcrypto).
  const digest = LUA_WEBHOOK_PLATFORM.hmacSha256Hex(secret, `${timestamp}.${body}`);
  return digest === "" ? undefined : `t=${timestamp},v1=${digest}`;
}

/** One POST; undefined when the endpoint answered 2xx, else what went wrong. */
function post(sender: Sender, body: string): string | undefined {
  const signature = webhookSignature(sender.conf.secret, Math.floor(ngx.time()), body);
  if (signature === undefined) return "libcrypto not found: cannot sign";
  const headers: { [name: string]: string } = {};
  headers[sender.conf.signature_header] = signature;
  const [response, err] = httpRequest(sender.options, "POST", sender.path, body, headers);
  if (response === undefined) return err ?? "no response";
  if (response.status < 200 || response.status > 299) return `status ${response.status}`;
  return undefined;
}

function logThrottled(sender: Sender, message: string): void {
  const now = ngx.now();
  if (now - sender.lastLogAt < LOG_INTERVAL_S) return;
  sender.lastLogAt = now;
  ngx.log(ngx.ERR, `[tollgate webhook] ${sender.conf.url}: ${message}`);
  sender.dropped = 0;
}

/** Releases the head event; compacts the queue once most of it is released. */
function release(sender: Sender): void {
  sender.head += 1;
  if (sender.head >= 1024 && sender.head * 2 >= sender.queue.length) {
    const rest: string[] = [];
    for (let i = sender.head; i < sender.queue.length; i++) rest.push(sender.queue[i]!);
    sender.queue = rest;
    sender.head = 0;
  }
}

function flush(this: void, premature: boolean, sender: Sender): void {
  while (pending(sender) > 0) {
    const failure = post(sender, sender.queue[sender.head]!);
    if (failure === undefined) {
      sender.failures = 0;
      release(sender);
      continue;
    }
    if (premature || ngx.worker.exiting()) {
      ngx.log(ngx.ERR, `[tollgate webhook] ${sender.conf.url}: worker exiting, ${pending(sender)} event(s) not delivered are lost (${failure})`);
      sender.queue = [];
      sender.head = 0;
      sender.active = false;
      return;
    }
    sender.failures += 1;
    const wait = backoffMs(sender.failures, sender.conf.initial_backoff_ms, sender.conf.max_backoff_ms, math.random());
    logThrottled(sender, `attempt ${sender.failures} failed (${failure}); ${pending(sender)} event(s) waiting, retrying with backoff`);
    schedule(sender, wait);
    return;
  }
  sender.active = false;
}
