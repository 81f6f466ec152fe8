/**
 * tier-limit's cost_from end to end: real nginx (both test hosts, 2 workers) in front of
 * an upstream that answers like an LLM API (OpenAI's `usage.total_tokens` in a JSON body,
 * or in the last event of an SSE stream before `data: [DONE]`; or an `X-Usage-Units`
 * header), with kafka-usage publishing to a real Kafka broker (one for the file).
 *
 * Per host and policy (local; redis):
 *   - each response's tokens move the counters before the caller's next request is
 *     decided: the RateLimit-Remaining of request n+1, sent as soon as response n has
 *     been read, shows every earlier request's tokens (redis: through this node's
 *     pending amount, then in Redis itself once the charge timer has run);
 *   - the streamed body reaches the client byte for byte as the upstream sent it;
 *   - a negative cost header and a gzip body are not charged (the minimum stays) and are
 *     logged; a caller with quota left is admitted even when its request costs more;
 *   - every usage event carries the request's `units`;
 *   - redis: a worker whose charge timer is held up (a test plugin stalls it) does not let
 *     the caller's next request, decided by the other worker, pass without the charge.
 */
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KAFKA_VERSIONS, readTopic, startKafka, type KafkaBroker } from "../runtime/kafka.ts";
import { redisCli, startRedis, type RedisServer } from "../runtime/redis.ts";
import { NginxStartError } from "../runtime/nginx.ts";
import { describeGateway, errorLogOnceMatching, HOSTS, startGateway, writeTestPlugin, type HostKind } from "./harness.ts";

const LIMIT = 100_000;
const TINY_LIMIT = 100;
const users = ["acme", "tiny"] as const;
const KEYS: Record<(typeof users)[number], string> = { acme: "acme-key", tiny: "tiny-key" };

/** The SSE stream for `tokens`: OpenAI's shape with stream_options.include_usage. */
function sseEvents(tokens: number): string[] {
  const chunk = (content: string) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta: { content } }], usage: null })}\n\n`;
  return [
    chunk("Hel"),
    chunk('lo "usage": {"total_tokens": 999}'),
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [], usage: { prompt_tokens: 3, completion_tokens: tokens - 3, total_tokens: tokens } })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

function completion(tokens: number): string {
  return JSON.stringify({
    id: "c1",
    object: "chat.completion",
    choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 3, completion_tokens: tokens - 3, total_tokens: tokens },
  });
}

/** An LLM-like upstream: x-llm-mode json | sse | header | gzip, x-llm-tokens N. */
function startLlmUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const mode = String(req.headers["x-llm-mode"] ?? "json");
    const tokens = Number(req.headers["x-llm-tokens"] ?? "1");
    req.resume();
    if (mode === "sse") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      // Each event in two writes, split inside its JSON, a moment apart: separate chunks.
      const parts = sseEvents(tokens).flatMap((event) => [event.slice(0, 17), event.slice(17)]);
      const next = (): void => {
        const part = parts.shift();
        if (part === undefined) return void res.end();
        res.write(part);
        setTimeout(next, 2);
      };
      return next();
    }
    if (mode === "header") {
      res.writeHead(200, { "content-type": "application/json", "x-usage-units": req.headers["x-llm-units"] ?? String(tokens) });
      return void res.end('{"ok":true}');
    }
    if (mode === "gzip") {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      return void res.end(gzipSync(completion(tokens)));
    }
    res.writeHead(200, { "content-type": "application/json" });
    return void res.end(completion(tokens));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/**
 * A test-only plugin, above tier-limit (Kong 912, APISIX 1010): on the last body chunk of
 * a request that asks for it (x-test-stall), queues a 0-second timer that keeps its
 * worker busy for 300 ms. tier-limit's charge timer, queued just after it, waits behind it.
 */
const STALL_KONG = `
local function spin(premature)
  local started = ngx.now()
  repeat ngx.update_time() until ngx.now() - started >= 0.3
end
local function body_filter(self, conf)
  if ngx.arg[2] and ngx.var.http_x_test_stall then ngx.timer.at(0, spin) end
end
return { PRIORITY = 2000, VERSION = "0.0.0", body_filter = body_filter }
`;
const STALL_APISIX = `
local handler = require("kong.plugins.stall-charge.handler")
return { version = 0.1, priority = 2000, name = "stall-charge", schema = { type = "object" },
         check_schema = function(conf) return true end,
         body_filter = function(conf, ctx) handler.body_filter(nil, conf) end }
`;

function tierLimit(policy: string, redis: RedisServer, costFrom: Record<string, unknown>): Record<string, unknown> {
  return {
    tiers: { free: { limits: { "*": { month: LIMIT } } }, tiny: { limits: { "*": { month: TINY_LIMIT } } } },
    algorithm: "fixed",
    // Both routes count in one set of counters per caller.
    counter_scope: "global",
    policy,
    redis: { host: redis.host, port: redis.port, timeout_ms: 2000 },
    cost_from: costFrom,
  };
}

function gatewayConfig(kind: HostKind, policy: string, redis: RedisServer, broker: KafkaBroker, topic: string): Record<string, unknown> {
  const usage = { kafka: { brokers: [broker.bootstrap], topic, timeout_ms: 2000 }, batch: { max_events: 20, max_age_ms: 100 }, subject: "username" };
  const json = tierLimit(policy, redis, { json_field: "usage.total_tokens", max_body_bytes: 4096 });
  const header = tierLimit(policy, redis, { header: "X-Usage-Units" });
  if (kind === "kong") {
    const route = (name: string, conf: Record<string, unknown>) => ({
      name,
      paths: [`/${name}`],
      plugins: [
        { name: "key-auth", config: { key_names: ["apikey"] } },
        { name: "tier-limit", config: conf },
        { name: "kafka-usage", config: usage },
        { name: "stall-charge", config: {} },
      ],
    });
    return {
      _format_version: "3.0",
      services: [{ name: "llm", url: "http://127.0.0.1:9000", routes: [route("chat", json), route("units", header)] }],
      consumers: users.map((user) => ({ username: user, tags: [`tier:${user === "tiny" ? "tiny" : "free"}`], keyauth_credentials: [{ key: KEYS[user] }] })),
    };
  }
  const route = (name: string, conf: Record<string, unknown>) => ({
    id: name,
    uri: `/${name}*`,
    upstream_id: "up",
    plugins: { "key-auth": {}, "tier-limit": conf, "kafka-usage": usage, "stall-charge": {} },
  });
  return {
    routes: [route("chat", json), route("units", header)],
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
    consumers: users.map((user) => ({ username: user, labels: { tier: user === "tiny" ? "tiny" : "free" }, plugins: { "key-auth": { key: KEYS[user] } } })),
  };
}

interface Sent {
  status: number;
  remaining: number;
  body: string;
}

async function post(base: string, path: string, user: keyof typeof KEYS, mode: string, tokens: number, extra: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(`${base}/${path}`, { method: "POST", headers: { apikey: KEYS[user], "x-llm-mode": mode, "x-llm-tokens": String(tokens), ...extra }, body: "{}" });
  const body = await response.text();
  return { status: response.status, remaining: Number(response.headers.get("ratelimit-remaining")), body };
}

let llm: { server: Server; url: string };
const stallDir = writeTestPlugin("stall-charge", STALL_KONG, STALL_APISIX);
let redis: RedisServer;
let broker: KafkaBroker;
beforeAll(async () => {
  [llm, redis, broker] = await Promise.all([startLlmUpstream(), startRedis(), startKafka(KAFKA_VERSIONS[0])]);
  for (const kind of HOSTS) for (const policy of ["local", "redis"]) await broker.createTopic(`cost-${kind}-${policy}`, 1);
}, 120_000);
afterAll(async () => {
  await Promise.all([redis?.stop(), broker?.destroy(), new Promise((r) => (llm ? llm.server.close(r) : r(undefined)))]);
});

/** What Redis holds for a tier's (here: one caller's) month counter (the charge timer's work), polled until it equals `want`. */
async function redisCount(tier: string, want: number): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const keys = (await redisCli(redis, "--scan", "--pattern", `tl:{global:*}:${tier}:*:month:*`)).split("\n").filter((k) => k !== "");
    let total = 0;
    for (const key of keys) total += Number(await redisCli(redis, "GET", key));
    if (total === want || Date.now() > deadline) return total;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeGateway("tier-limit cost_from (LLM tokens)", () => {
  describe.each(HOSTS)("on the %s-shaped host", (kind) => {
    it("refuses a cost_from with both a header and a json_field at load, naming the field", async () => {
      const config = gatewayConfig(kind, "local", redis, broker, "unused");
      const text = JSON.stringify(config).replace('"cost_from":{"header":"X-Usage-Units"}', '"cost_from":{"header":"X-Usage-Units","json_field":"usage.total_tokens"}');
      const started = startGateway(kind, JSON.parse(text) as Record<string, unknown>, llm.url, { luaPath: [stallDir] });
      await expect(started).rejects.toThrow(NginxStartError);
      await expect(started).rejects.toThrow(/cost_from.*header\|json_field: exactly one of them must be set/);
    });

    for (const policy of ["local", "redis"]) {
      it(`${policy}: each response's tokens count before the next request; events carry units`, async () => {
        await redisCli(redis, "FLUSHALL");
        const topic = `cost-${kind}-${policy}`;
        const gateway = await startGateway(kind, gatewayConfig(kind, policy, redis, broker, topic), llm.url, { workers: 2, luaPath: [stallDir] });
        try {
          const base = gateway.url;
          // Each request is counted with its minimum (1) when admitted; what it reported
          // shows in the next request's headers. Request n+1 is sent as soon as response n is read.
          const r1 = await post(base, "chat", "acme", "json", 37);
          expect([r1.status, r1.remaining]).toEqual([200, LIMIT - 1]);
          expect(JSON.parse(r1.body)).toMatchObject({ usage: { total_tokens: 37 } });
          const r2 = await post(base, "chat", "acme", "sse", 120);
          expect([r2.status, r2.remaining]).toEqual([200, LIMIT - 37 - 1]);
          // The stream reaches the client exactly as the upstream sent it.
          expect(r2.body).toBe(sseEvents(120).join(""));
          const r3 = await post(base, "units", "acme", "header", 15);
          expect([r3.status, r3.remaining]).toEqual([200, LIMIT - 157 - 1]);
          // A negative cost header: never charged, the minimum stays.
          const r4 = await post(base, "units", "acme", "header", 0, { "x-llm-units": "-5" });
          expect([r4.status, r4.remaining]).toEqual([200, LIMIT - 172 - 1]);
          // A gzip body cannot be read: the minimum stays.
          const r5 = await post(base, "chat", "acme", "gzip", 50);
          expect([r5.status, r5.remaining]).toEqual([200, LIMIT - 173 - 1]);
          const r6 = await post(base, "chat", "acme", "json", 9);
          expect([r6.status, r6.remaining]).toEqual([200, LIMIT - 174 - 1]);
          const r7 = await post(base, "chat", "acme", "json", 1);
          expect([r7.status, r7.remaining]).toEqual([200, LIMIT - 183 - 1]);

          // Admitted with any quota left, whatever it then costs; refused after.
          const t1 = await post(base, "chat", "tiny", "sse", 500);
          expect([t1.status, t1.remaining]).toEqual([200, TINY_LIMIT - 1]);
          const t2 = await post(base, "chat", "tiny", "json", 5);
          expect([t2.status, t2.remaining]).toEqual([429, 0]);

          // The worker that served r8 stalls for 300 ms before its charge timer can run; the
          // next requests, on fresh connections, are decided by both workers meanwhile.
          const r8 = await post(base, "chat", "acme", "json", 1000, { "x-test-stall": "1" });
          expect([r8.status, r8.remaining]).toEqual([200, LIMIT - 184 - 1]);
          const next = await Promise.all(Array.from({ length: 6 }, () => post(base, "chat", "acme", "json", 1, { connection: "close" })));
          expect(next.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
          // Each counted its own minimum too (1 … 6, in whatever order they were decided).
          expect(Math.max(...next.map((r) => r.remaining))).toBe(LIMIT - 1184 - 1);

          if (policy === "redis") {
            // The charges reached Redis, where every node reads them.
            expect(await redisCount("free", 1190)).toBe(1190);
            expect(await redisCount("tiny", 500)).toBe(500);
          }
          const log = await errorLogOnceMatching(gateway, [/cost_from X-Usage-Units: 1 response.*last: negative/, /cost_from usage\.total_tokens: 1 response.*last: compressed/], 5000);
          expect(log).toMatch(/cost_from X-Usage-Units: 1 response.*last: negative/);
          expect(log).toMatch(/cost_from usage\.total_tokens: 1 response.*last: compressed/);

          // Every event carries its request's units (the refused one: none counted, no units).
          // Two workers publish: one caller's events are in order per worker only.
          const records = await readTopic(broker.bootstrap, topic, 16, 20_000);
          const units = records.map((r) => JSON.parse(r.value!.toString()) as { subject: string; data: { status: number; units?: number } });
          const byCount = (a: number, b: number): number => a - b;
          expect(units.filter((e) => e.subject === "acme").map((e) => e.data.units!).sort(byCount)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 15, 37, 120, 1000]);
          expect(units.filter((e) => e.subject === "tiny").map((e) => [e.data.status, e.data.units]).sort((a, b) => a[0]! - b[0]!)).toEqual([
            [200, 500],
            [429, undefined],
          ]);
        } finally {
          await gateway.stop();
        }
      }, 90_000);
    }
  });
});
