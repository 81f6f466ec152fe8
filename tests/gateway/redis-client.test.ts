/**
 * The compiled Redis client (lua-out/tollgate/io/lua/redis.lua) inside real nginx +
 * ngx_lua, against real redis-server processes started here: a password-protected
 * single node, a 3-master Redis Cluster, a stopped server and a server that never
 * answers.
 *
 * nginx (one worker, so the pool and the slot map are one worker's) serves
 * POST /run {id, config, script, keys, args}: it calls runScript and answers
 * {result, err, ms}; POST /parallel runs n calls at once in light threads; POST /map
 * shows the worker's cached slot map. A config is kept per `id`, as a gateway keeps a
 * plugin's conf table, so per-config preparation and per-worker caches work as in
 * production.
 */
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { keySlot } from "../../plugins/io/redis-slot.ts";
import { freePort, LUA_OUT, startNginx, type NginxInstance } from "../runtime/nginx.ts";
import { redisCli, startRedis, startRedisCluster, type RedisCluster, type RedisNode, type RedisServer } from "../runtime/redis.ts";
import { hostsOnly } from "./harness.ts";

const onHosts = hostsOnly("drives lua-out's Redis client in a bare nginx; starts no gateway");

const HELPER = `-- written by tests/gateway/redis-client.test.ts
local cjson = require("cjson.safe")
local client = require("tollgate.io.lua.redis")

local M = {}
local configs, scripts = {}, {}

local function body()
  ngx.req.read_body()
  local data = ngx.req.get_body_data()
  return assert(cjson.decode(data))
end

local function config_of(req)
  local config = configs[req.id]
  if config == nil then
    config = req.config
    configs[req.id] = config
  end
  return config
end

function M.run()
  local req = body()
  local config = config_of(req)
  local script = scripts[req.script]
  if script == nil then
    script = { source = req.script, sha1 = client.scriptSha1(req.script) }
    scripts[req.script] = script
  end
  ngx.update_time()
  local started = ngx.now()
  local res, err = client.runScript(config, script, req.keys, req.args or {})
  ngx.update_time()
  if res == nil then res = cjson.null end
  ngx.say(cjson.encode({ result = res, err = err or cjson.null, ms = (ngx.now() - started) * 1000 }))
end

-- {parallel = n}: n light threads call runScript at once (each needs its own connection
-- while the others wait for Redis); answers the list of {result, err}. With
-- distinct = true, thread i sends keys[1] .. ":" .. i and args {i} instead.
function M.parallel()
  local req = body()
  local config = config_of(req)
  local script = scripts[req.script] or { source = req.script, sha1 = client.scriptSha1(req.script) }
  scripts[req.script] = script
  local threads = {}
  for i = 1, req.parallel do
    threads[i] = ngx.thread.spawn(function()
      local keys, args = req.keys, req.args or {}
      if req.distinct then keys, args = { req.keys[1] .. ":" .. i }, { i } end
      local res, err = client.runScript(config, script, keys, args)
      return { result = res == nil and cjson.null or res, err = err or cjson.null }
    end)
  end
  local out = {}
  for i = 1, #threads do
    local ok, reply = ngx.thread.wait(threads[i])
    out[i] = ok and reply or { result = cjson.null, err = "thread: " .. tostring(reply) }
  end
  ngx.say(cjson.encode(out))
end

function M.map()
  local req = body()
  local info = client.clusterMapInfo(config_of(req), req.slot)
  ngx.say(cjson.encode(info or cjson.null))
end

return M
`;

interface RunReply {
  result: unknown;
  err: string | null;
  ms: number;
}

interface MapInfo {
  loaded: boolean;
  refreshes: number;
  owner?: string;
}

const INCR = `return redis.call("INCRBY", KEYS[1], ARGV[1])`;
const FAIL = `return redis.call("NOSUCHCOMMAND")`;
const CROSS = `return redis.call("MGET", KEYS[1], KEYS[2])`;

let nginx: NginxInstance | undefined;
let base = "";

async function post<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) });
  const text = await response.text();
  // A Lua exception would be a 500 with nginx's error page: the client must never raise.
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}: ${text}\n${nginx?.errorLog().slice(-2000)}`);
  return JSON.parse(text) as T;
}

function run(id: string, config: object, script: string, keys: string[], args: (string | number)[] = []): Promise<RunReply> {
  return post<RunReply>("/run", { id, config, script, keys, args });
}

/** One `INFO` field (e.g. cmdstat_evalsha's `calls`) as a number; 0 when absent. */
function infoNumber(info: string, line: string, field?: string): number {
  const row = info.split(/\r?\n/).find((l) => l.startsWith(`${line}:`));
  if (row === undefined) return 0;
  const value = row.slice(line.length + 1);
  if (field === undefined) return Number(value);
  const match = new RegExp(`(?:^|,)${field}=(\\d+)`).exec(value);
  return match ? Number(match[1]) : 0;
}

const BASE_CONFIG = { timeout_ms: 1000, pool_size: 10, keepalive_ms: 30_000 };

beforeAll(async () => {
  const port = await freePort();
  nginx = await startNginx({
    name: "redis-client",
    workers: 1,
    files: { "conf/redis_client_test.lua": HELPER },
    httpBlock: `
  # lua-out first (tollgate.*), then the defaults.
  lua_package_path "$prefix/conf/?.lua;${LUA_OUT}/?.lua;;";
  server {
    listen 127.0.0.1:${port};
    location = /run { content_by_lua_block { require("redis_client_test").run() } }
    # nginx ends a request whose client went away (Lua code and all): a queued pipelined call dies.
    location = /run-abortable { lua_check_client_abort on; content_by_lua_block { require("redis_client_test").run() } }
    location = /parallel { content_by_lua_block { require("redis_client_test").parallel() } }
    location = /map { content_by_lua_block { require("redis_client_test").map() } }
  }`,
    waitForPorts: [port],
  });
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await nginx?.stop();
});

onHosts("single Redis (requirepass)", () => {
  const PASSWORD = "tollgate-test-pass";
  let redis: RedisServer | undefined;
  let config: typeof BASE_CONFIG & { host: string; port: number; password: string };

  beforeAll(async () => {
    redis = await startRedis({ password: PASSWORD });
    config = { ...BASE_CONFIG, host: "127.0.0.1", port: redis.port, password: PASSWORD };
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("runs a script, with AUTH on the fresh connection", async () => {
    const server = redis!;
    await redisCli(server, "CONFIG", "RESETSTAT");
    expect(await run("single", config, INCR, ["t:{a}:n"], [5])).toMatchObject({ result: 5, err: null });
    expect(await run("single", config, INCR, ["t:{a}:n"], [2])).toMatchObject({ result: 7, err: null });
    expect(await redisCli(server, "GET", "t:{a}:n")).toBe("7");
    const stats = await redisCli(server, "INFO", "commandstats");
    // First call: EVALSHA → NOSCRIPT → EVAL; second call: EVALSHA only.
    expect(infoNumber(stats, "cmdstat_eval", "calls")).toBe(1);
    expect(infoNumber(stats, "cmdstat_evalsha", "calls") + infoNumber(stats, "cmdstat_evalsha", "rejected_calls")).toBe(2);
    // One fresh connection, one AUTH (each redis-cli -a since RESETSTAT, the GET and the INFO, sent one too).
    expect(infoNumber(stats, "cmdstat_auth", "calls") - 2).toBe(1);
  });

  it("uses EVALSHA, and falls back to EVAL after SCRIPT FLUSH", async () => {
    const server = redis!;
    const sha1 = (await redisCli(server, "SCRIPT", "LOAD", INCR)).trim();
    expect(await redisCli(server, "SCRIPT", "EXISTS", sha1)).toBe("1");
    await redisCli(server, "SCRIPT", "FLUSH");
    expect(await redisCli(server, "SCRIPT", "EXISTS", sha1)).toBe("0");
    await redisCli(server, "CONFIG", "RESETSTAT");
    expect(await run("single", config, INCR, ["t:{a}:n"], [1])).toMatchObject({ result: 8, err: null });
    expect(await redisCli(server, "SCRIPT", "EXISTS", sha1)).toBe("1"); // EVAL loaded it again
    for (let i = 0; i < 5; i++) await run("single", config, INCR, ["t:{a}:n"], [1]);
    const stats = await redisCli(server, "INFO", "commandstats");
    expect(infoNumber(stats, "cmdstat_eval", "calls")).toBe(1);
    expect(infoNumber(stats, "cmdstat_evalsha", "calls")).toBeGreaterThanOrEqual(5);
    expect(await redisCli(server, "GET", "t:{a}:n")).toBe("13");
  });

  it("reuses pooled connections: 200 calls (8 in parallel) open at most 8 connections", async () => {
    const server = redis!;
    const before = infoNumber(await redisCli(server, "INFO", "stats"), "total_connections_received");
    let next = 0;
    const errors: string[] = [];
    const worker = async (): Promise<void> => {
      while (next < 200) {
        next++;
        const reply = await run("single", config, INCR, ["t:{pool}:n"], [1]);
        if (reply.err !== null) errors.push(reply.err);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(errors).toEqual([]);
    expect(await redisCli(server, "GET", "t:{pool}:n")).toBe("200");
    // Every redis-cli call is a connection too: count them out.
    const after = infoNumber(await redisCli(server, "INFO", "stats"), "total_connections_received");
    const opened = after - before - 2; // the GET above and this INFO
    const clients = (await redisCli(server, "CLIENT", "LIST")).split("\n").filter((line) => !line.includes("cmd=client")).length;
    console.log(`single: 200 calls opened ${opened} connection(s); ${clients} idle in the pool`);
    expect(opened).toBeLessThanOrEqual(8);
    expect(clients).toBeLessThanOrEqual(8);
  });

  it("keeps at most pool_size idle connections, and SELECTs the database on fresh ones only", async () => {
    const server = redis!;
    // Without pipelining, each call in flight holds a connection of its own.
    const small = { ...config, database: 3, pool_size: 2, auto_pipeline: false };
    await redisCli(server, "CONFIG", "RESETSTAT");
    const replies = await post<RunReply[]>("/parallel", { id: "db3", config: small, script: INCR, keys: ["t:{db}:n"], args: [1], parallel: 12 });
    expect(replies.map((r) => r.err)).toEqual(Array(12).fill(null));
    expect(replies.map((r) => r.result).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    for (let i = 0; i < 20; i++) await run("db3", small, INCR, ["t:{db}:n"], [1]);
    // database 3 got the key, database 0 (other pool: another tag) did not.
    expect(await redisCli(server, "-n", "3", "GET", "t:{db}:n")).toBe("32");
    expect(await redisCli(server, "GET", "t:{db}:n")).toBe("");
    const stats = await redisCli(server, "INFO", "commandstats");
    // Since RESETSTAT, redis-cli sent 3 AUTH (the two GETs, the INFO) and 1 SELECT (GET -n 3).
    const selects = infoNumber(stats, "cmdstat_select", "calls") - 1;
    const auths = infoNumber(stats, "cmdstat_auth", "calls") - 3;
    // the CLIENT LIST filter below: connections of db 3 say db=3
    await new Promise((r) => setTimeout(r, 100));
    const idle = (await redisCli(server, "CLIENT", "LIST")).split("\n").filter((line) => / db=3 /.test(line)).length;
    console.log(`pool_size 2: 32 calls (12 at once) → ${auths} AUTH, ${selects} SELECT, ${idle} connection(s) left on db 3`);
    expect(selects).toBe(auths); // one SELECT per fresh (authenticated) connection
    // 12 calls in flight at once needed 12 connections; the 20 after them reused the pool.
    expect(selects).toBe(12);
    expect(idle).toBeLessThanOrEqual(2);
  });

  it("pipelines calls made at once: 12 in parallel share one connection and are each counted once", async () => {
    const server = redis!;
    const piped = { ...config, database: 4 };
    await redisCli(server, "CONFIG", "RESETSTAT");
    const replies = await post<RunReply[]>("/parallel", { id: "db4", config: piped, script: INCR, keys: ["t:{pipe}:n"], args: [1], parallel: 12 });
    expect(replies.map((r) => r.err)).toEqual(Array(12).fill(null));
    expect(replies.map((r) => r.result).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await redisCli(server, "-n", "4", "GET", "t:{pipe}:n")).toBe("12");
    const stats = await redisCli(server, "INFO", "commandstats");
    // One fresh connection (one SELECT; redis-cli's GET -n 4 sent the other), twelve scripts.
    expect(infoNumber(stats, "cmdstat_select", "calls") - 1).toBe(1);
    expect(infoNumber(stats, "cmdstat_evalsha", "calls") + infoNumber(stats, "cmdstat_eval", "calls")).toBe(12);
  });

  it("pipelined calls that Redis answers NOSCRIPT are sent again with EVAL in the same batch, each counted once", async () => {
    const server = redis!;
    // A read timeout above the pause below: the paused call must wait, not fail.
    const piped = { ...config, database: 5, timeout_ms: 3000 };
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // The script loaded and a connection pooled.
    expect((await post<RunReply>("/run", { id: "noscript", config: piped, script: INCR, keys: ["t:{ns}:warm"], args: [1] })).err).toBeNull();
    await redisCli(server, "CONFIG", "RESETSTAT");
    // SCRIPT FLUSH goes on a connection authenticated before the pause: a new redis-cli
    // would send AUTH first, which the pause holds too, and its FLUSH then raced the batch
    // after the pause (and lost under load: no call refused, no EVAL).
    const flusher = new Redis({ host: "127.0.0.1", port: server.port, password: PASSWORD, lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await flusher.connect();
      expect(await flusher.ping()).toBe("PONG");
      // Redis paused: the first call's EVALSHA waits in Redis, the other 19 queue in the
      // lane. The FLUSH, sent meanwhile, is held behind that EVALSHA and runs right after
      // it: the 19 go out as one batch of EVALSHAs Redis no longer knows. (On a machine
      // too slow to send the first EVALSHA within 150 ms, the FLUSH runs first: that call
      // goes again with EVAL, which loads the script for the 19.)
      await redisCli(server, "CLIENT", "PAUSE", "1200", "ALL");
      const parallel = post<RunReply[]>("/parallel", { id: "noscript", config: piped, script: INCR, keys: ["t:{ns}:n"], args: [1], parallel: 20, distinct: true });
      await sleep(150);
      const flushed = flusher.script("FLUSH");
      const replies = await parallel;
      expect(await flushed).toBe("OK");
      expect(replies.map((r) => r.err)).toEqual(Array(20).fill(null));
      // distinct: thread i added i to its own key, exactly once.
      expect(replies.map((r) => r.result)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      for (let i = 1; i <= 20; i++) expect(await redisCli(server, "-n", "5", "GET", `t:{ns}:n:${i}`)).toBe(String(i));
      const stats = await redisCli(server, "INFO", "commandstats");
      const evals = infoNumber(stats, "cmdstat_eval", "calls");
      const evalshas = infoNumber(stats, "cmdstat_evalsha", "calls") - infoNumber(stats, "cmdstat_evalsha", "failed_calls");
      console.log(`NOSCRIPT in a batch: ${evals} call(s) sent again with EVAL, ${evalshas} served by EVALSHA`);
      // Each call ran once: an EVALSHA that worked, or an EVAL after a refused one (19 of
      // them in one batch when written: the FLUSH ran after the first call's EVALSHA).
      expect(evals).toBeGreaterThanOrEqual(1);
      expect(evalshas + evals).toBe(20);
    } finally {
      flusher.disconnect();
    }
  });

  it("skips a queued call whose request ended as the next leader: the calls behind it are answered at once", async () => {
    const server = redis!;
    // timeout_ms 3000: a queued call may wait 30 s, which is what a dead leader would cost.
    const slow = { ...config, timeout_ms: 3000 };
    const call = { id: "abortable", config: slow, script: INCR, keys: ["t:{abort}:n"], args: [1] };
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    await redisCli(server, "CLIENT", "PAUSE", "1000", "ALL");
    const leader = post<RunReply>("/run-abortable", call);
    await sleep(150);
    const gone = new AbortController();
    const dying = fetch(`${base}/run-abortable`, { method: "POST", body: JSON.stringify(call), signal: gone.signal }).catch(() => "aborted");
    await sleep(150);
    const startedAt = Date.now();
    const behind = post<RunReply>("/run-abortable", call);
    await sleep(150);
    gone.abort();
    expect(await dying).toBe("aborted");
    const [first, last] = await Promise.all([leader, behind]);
    expect(first.err).toBeNull();
    expect(last.err).toBeNull();
    // Answered when Redis answers again (~1 s), not after a queued call's 30 s.
    expect(Date.now() - startedAt).toBeLessThan(3000);
    expect(nginx!.errorLog()).toMatch(/client prematurely closed connection/);
  });

  it("a leader whose request ends mid-batch loses its slot after 3 × timeout_ms: the next call sends what is queued", async () => {
    const server = redis!;
    // timeout_ms 500: a slot is stale after 1.5 s; a queued call may wait 5 s.
    const quick = { ...config, timeout_ms: 500 };
    const call = { id: "dead-leader", config: quick, script: INCR, keys: ["t:{dead}:n"], args: [1] };
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // Warm: a pooled, authenticated connection, so the leader below waits only for its reply.
    expect((await post<RunReply>("/run", call)).err).toBeNull();
    await redisCli(server, "CLIENT", "PAUSE", "1000", "ALL");
    const pausedAt = Date.now();
    const gone = new AbortController();
    const leader = fetch(`${base}/run-abortable`, { method: "POST", body: JSON.stringify(call), signal: gone.signal }).catch(() => "aborted");
    await sleep(100);
    const queued = post<RunReply>("/run-abortable", call);
    await sleep(100);
    gone.abort(); // nginx ends the leader's request while it reads from the paused Redis
    expect(await leader).toBe("aborted");
    // Past the 1.5 s after which the dead leader's slot is stale (with room for a slow machine).
    await sleep(2000 - (Date.now() - pausedAt));
    const next = await post<RunReply>("/run-abortable", call);
    expect(next.err).toBeNull();
    expect((await queued).err).toBeNull();
    // Served when the next call took the stale slot (~2 s), not at the 5 s wait bound.
    expect(Date.now() - pausedAt).toBeLessThan(4000);
  });

  it("authenticates an ACL user with AUTH username password", async () => {
    const server = redis!;
    expect(await redisCli(server, "ACL", "SETUSER", "tollgate", "on", ">acl-pass", "~t:*", "+@all")).toBe("OK");
    const acl = { ...BASE_CONFIG, host: "127.0.0.1", port: server.port, username: "tollgate", password: "acl-pass" };
    expect(await run("acl", acl, INCR, ["t:{acl}:n"], [4])).toMatchObject({ result: 4, err: null });
    // The user may only touch t:* keys: proof the script ran as that user.
    const denied = await run("acl", acl, INCR, ["other:{acl}"], [1]);
    expect(denied.err).toMatch(/NOPERM|No permissions/);
    const wrongUser = await run("acl-wrong", { ...acl, username: "nobody" }, INCR, ["t:{acl}:n"], [1]);
    expect(wrongUser.err).toMatch(new RegExp(`^redis 127.0.0.1:${server.port}: AUTH: WRONGPASS`));
  });

  it("keeps concurrent calls' keys and arguments apart", async () => {
    const replies = await post<RunReply[]>("/parallel", { id: "single", config, script: INCR, keys: ["t:{par}"], args: [], parallel: 30, distinct: true });
    expect(replies).toEqual(Array.from({ length: 30 }, (_, i) => ({ result: i + 1, err: null })));
    for (const i of [1, 17, 30]) expect(await redisCli(redis!, "GET", `t:{par}:${i}`)).toBe(String(i));
  });

  it("returns Redis errors and bad credentials as errors naming the node", async () => {
    const addr = `127.0.0.1:${redis!.port}`;
    const failed = await run("single", config, FAIL, ["t:{a}:x"]);
    expect(failed.result).toBeNull();
    expect(failed.err).toMatch(new RegExp(`^redis ${addr}: ERR .*(Unknown|unknown).*command`));
    const wrong = await run("wrong-pass", { ...config, password: "nope" }, INCR, ["t:{a}:n"], [1]);
    expect(wrong.result).toBeNull();
    expect(wrong.err).toMatch(new RegExp(`^redis ${addr}: AUTH: WRONGPASS`));
    expect(wrong.err).not.toContain("nope");
    const noPass = await run("no-pass", { ...BASE_CONFIG, host: "127.0.0.1", port: redis!.port }, INCR, ["t:{a}:n"], [1]);
    expect(noPass.err).toMatch(new RegExp(`^redis ${addr}: NOAUTH`));
    const noHost = await run("no-host", { ...BASE_CONFIG }, INCR, ["k"], [1]);
    expect(noHost.err).toBe("redis: no host configured");
  });

  it("gives an error, not an exception, when Redis is stopped, and works again after a restart", async () => {
    const server = redis!;
    expect((await run("single", config, INCR, ["t:{r}:n"], [1])).err).toBeNull();
    const port = server.port;
    await server.stop();
    const down = await run("single", config, INCR, ["t:{r}:n"], [1]);
    expect(down.result).toBeNull();
    expect(down.err).toMatch(new RegExp(`^redis 127.0.0.1:${port}: `));
    expect(down.ms).toBeLessThan(config.timeout_ms);
    const again = await run("single", config, INCR, ["t:{r}:n"], [1]);
    expect(again.err).toMatch(/connect: connection refused/);
    console.log(`stopped Redis: "${down.err}" after ${down.ms.toFixed(1)} ms; then "${again.err}" after ${again.ms.toFixed(1)} ms`);
    await server.restart(); // same port, empty data, no scripts
    const back = await run("single", config, INCR, ["t:{r}:n"], [1]);
    expect(back).toMatchObject({ result: 1, err: null });
  });
});

onHosts("a Redis that accepts connections but never answers", () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
    server = createServer((socket) => {
      sockets.push(socket); // read and ignore everything
      socket.on("data", () => undefined);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it("times out within timeout_ms and returns an error", async () => {
    const config = { ...BASE_CONFIG, timeout_ms: 300, host: "127.0.0.1", port };
    const reply = await run("blackhole", config, INCR, ["k"], [1]);
    console.log(`silent server: "${reply.err}" after ${reply.ms.toFixed(1)} ms (timeout_ms 300)`);
    expect(reply.result).toBeNull();
    expect(reply.err).toBe(`redis 127.0.0.1:${port}: timeout`);
    expect(reply.ms).toBeGreaterThanOrEqual(250);
    // The server never answers: any bound shows the timeout fired; this one leaves room for
    // a machine whose cores are busy (the request crosses nginx and Node's event loops).
    expect(reply.ms).toBeLessThan(1_500);
  });
});

onHosts("Redis Cluster (3 masters, one seed)", () => {
  let cluster: RedisCluster | undefined;
  let config: typeof BASE_CONFIG & { cluster_nodes: string[] };
  /** Node id and owned ranges by "host:port". */
  let owners: { addr: string; node: RedisNode; id: string; ranges: [number, number][] }[] = [];

  async function readOwners(): Promise<void> {
    const lines = (await redisCli(cluster!.nodes[0]!, "CLUSTER", "NODES")).split("\n");
    owners = lines.map((line) => {
      const fields = line.split(" ");
      const addr = (fields[1] as string).split("@")[0] as string;
      const ranges = fields
        .slice(8)
        .filter((f) => /^\d/.test(f))
        .map((f) => {
          const [a, b] = f.split("-");
          return [Number(a), Number(b ?? a)] as [number, number];
        });
      const node = cluster!.nodes.find((n) => `${n.host}:${n.port}` === addr) as RedisNode;
      return { addr, node, id: fields[0] as string, ranges };
    });
  }
  const ownerOf = (slot: number) => owners.find((o) => o.ranges.some(([a, b]) => slot >= a && slot <= b))!;
  const mapInfo = (slot: number) => post<MapInfo>("/map", { id: "cluster", config, slot });

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    const seed = cluster.nodes[0]!;
    config = { ...BASE_CONFIG, cluster_nodes: [`${seed.host}:${seed.port}`] };
    await readOwners();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("serves keys of many slots on their owners from one seed, with one CLUSTER SLOTS", async () => {
    for (const node of cluster!.nodes) await redisCli(node, "CONFIG", "RESETSTAT");
    const keys = Array.from({ length: 150 }, (_, i) => `tl:{c${i}}:minute`);
    const slots = new Set(keys.map(keySlot));
    for (const key of keys) {
      const reply = await run("cluster", config, INCR, [key], [3]);
      expect(reply, key).toMatchObject({ result: 3, err: null });
    }
    const perNode = new Map<string, number>();
    for (const key of keys) {
      const owner = ownerOf(keySlot(key));
      expect(await redisCli(owner.node, "GET", key), key).toBe("3"); // no -c: it must be on the owner
      perNode.set(owner.addr, (perNode.get(owner.addr) ?? 0) + 1);
    }
    let clusterCalls = 0;
    let evalCalls = 0;
    for (const node of cluster!.nodes) {
      const stats = await redisCli(node, "INFO", "commandstats");
      clusterCalls += infoNumber(stats, "cmdstat_cluster|slots", "calls");
      evalCalls += infoNumber(stats, "cmdstat_eval", "calls");
    }
    console.log(`cluster: ${keys.length} keys in ${slots.size} slots, per node ${JSON.stringify(Object.fromEntries(perNode))}; CLUSTER SLOTS sent ${clusterCalls}x, EVAL ${evalCalls}x`);
    expect(slots.size).toBeGreaterThan(100);
    expect(perNode.size).toBe(3);
    // The client sent CLUSTER SLOTS once (redis-cli here sent GETs and INFOs only).
    expect(clusterCalls).toBe(1);
    expect(evalCalls).toBe(3); // the script was loaded once per node (NOSCRIPT fallback)
    const info = await mapInfo(keySlot(keys[0]!));
    expect(info).toEqual({ loaded: true, refreshes: 1, owner: ownerOf(keySlot(keys[0]!)).addr });
  });

  it("follows MOVED alone when it may not load the slot map (CLUSTER denied by ACL)", async () => {
    // Another seed, so another per-worker cluster state than the tests above.
    const seed = cluster!.nodes[1]!;
    for (const node of cluster!.nodes) {
      expect(await redisCli(node, "ACL", "SETUSER", "nomap", "on", ">nomap-pass", "~*", "+@all", "-cluster")).toBe("OK");
      await redisCli(node, "CONFIG", "RESETSTAT");
    }
    const nomap = { ...BASE_CONFIG, cluster_nodes: [`${seed.host}:${seed.port}`], username: "nomap", password: "nomap-pass" };
    const keys = Array.from({ length: 30 }, (_, i) => `nm:{k${i}}`);
    for (const key of keys) expect(await run("nomap", nomap, INCR, [key], [1]), key).toMatchObject({ result: 1, err: null });
    for (const key of keys) expect(await run("nomap", nomap, INCR, [key], [1]), key).toMatchObject({ result: 2, err: null });
    let moved = 0;
    for (const node of cluster!.nodes) moved += infoNumber(await redisCli(node, "INFO", "errorstats"), "errorstat_MOVED", "count");
    const elsewhere = keys.filter((key) => ownerOf(keySlot(key)).addr !== `${seed.host}:${seed.port}`).length;
    console.log(`no slot map: ${keys.length} keys (${elsewhere} not on the seed) twice each → ${moved} MOVED`);
    // One MOVED per key that is not on the seed, on its first call only: the slot is remembered.
    expect(moved).toBe(elsewhere);
    expect(await post<MapInfo>("/map", { id: "nomap", config: nomap, slot: 0 })).toMatchObject({ loaded: false, refreshes: 0 });
    expect(nginx!.errorLog()).toMatch(/redis cluster: could not load the slot map \(127\.0\.0\.1:\d+: NOPERM/);
  });

  it("returns CROSSSLOT for keys of different slots, naming the node", async () => {
    const a = "x:{one}";
    const b = "x:{two}";
    expect(keySlot(a)).not.toBe(keySlot(b));
    const reply = await run("cluster", config, CROSS, [a, b]);
    expect(reply.result).toBeNull();
    expect(reply.err).toMatch(new RegExp(`^redis ${ownerOf(keySlot(a)).addr.replace(/\./g, "\\.")}: CROSSSLOT`));
  });

  it("follows ASK during a slot migration, then MOVED after it, and refreshes the map", async () => {
    const key = "tl:{migrating}:minute";
    const sibling = "tl:{migrating}:hour"; // same slot, stays on the source until migrated
    const slot = keySlot(key);
    const source = ownerOf(slot);
    const target = owners.find((o) => o.addr !== source.addr)!;
    expect(await run("cluster", config, INCR, [key], [1])).toMatchObject({ result: 1, err: null });
    expect(await run("cluster", config, INCR, [sibling], [1])).toMatchObject({ result: 1, err: null });

    // Migrate `key` (only) from source to target; the slot stays MIGRATING/IMPORTING.
    expect(await redisCli(target.node, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id)).toBe("OK");
    expect(await redisCli(source.node, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id)).toBe("OK");
    expect(await redisCli(source.node, "MIGRATE", target.node.host, String(target.node.port), key, "0", "5000")).toBe("OK");
    // Without the script on the target, the ASK path also needs ASKING again before EVAL.
    await redisCli(target.node, "SCRIPT", "FLUSH");
    await redisCli(target.node, "CONFIG", "RESETSTAT");

    const asked = await run("cluster", config, INCR, [key], [1]);
    expect(asked).toMatchObject({ result: 2, err: null }); // incremented on the target
    const targetStats = await redisCli(target.node, "INFO", "commandstats");
    // ASKING + EVALSHA (NOSCRIPT), ASKING + EVAL.
    expect(infoNumber(targetStats, "cmdstat_asking", "calls")).toBe(2);
    expect(infoNumber(targetStats, "cmdstat_eval", "calls")).toBe(1);
    expect(infoNumber(await redisCli(source.node, "INFO", "errorstats"), "errorstat_ASK", "count")).toBeGreaterThanOrEqual(1);
    // The key not yet migrated is still served by the source; ASK does not change the map.
    expect(await run("cluster", config, INCR, [sibling], [1])).toMatchObject({ result: 2, err: null });
    expect((await mapInfo(slot)).owner).toBe(source.addr);

    // Finish: move the sibling, then give the slot to the target everywhere.
    expect(await redisCli(source.node, "MIGRATE", target.node.host, String(target.node.port), sibling, "0", "5000")).toBe("OK");
    for (const o of [target, source, ...owners.filter((x) => x !== target && x !== source)]) {
      expect(await redisCli(o.node, "CLUSTER", "SETSLOT", String(slot), "NODE", target.id)).toBe("OK");
    }
    const before = await mapInfo(slot);
    expect(before.owner).toBe(source.addr); // still the old map
    const moved = await run("cluster", config, INCR, [key], [1]);
    expect(moved).toMatchObject({ result: 3, err: null });
    expect((await mapInfo(slot)).owner).toBe(target.addr); // MOVED updated the slot at once
    expect((await mapInfo(slot)).refreshes).toBe(before.refreshes);
    // The whole map is reloaded at the next call once a second has passed since the last load.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await run("cluster", config, INCR, [sibling], [1])).toMatchObject({ result: 3, err: null });
    const after = await mapInfo(slot);
    console.log(`slot ${slot}: ${source.addr} → ${target.addr}; ASK served in ${asked.ms.toFixed(1)} ms, MOVED in ${moved.ms.toFixed(1)} ms; map loads ${before.refreshes} → ${after.refreshes}`);
    expect(after).toEqual({ loaded: true, refreshes: before.refreshes + 1, owner: target.addr });
    expect(await redisCli(target.node, "GET", key)).toBe("3");
    expect(await redisCli(target.node, "GET", sibling)).toBe("3");
  });

  it("gives an error when no seed answers", async () => {
    const port = await freePort();
    const reply = await run("cluster-down", { ...BASE_CONFIG, cluster_nodes: [`127.0.0.1:${port}`] }, INCR, ["k"], [1]);
    expect(reply.result).toBeNull();
    expect(reply.err).toBe(`redis 127.0.0.1:${port}: connect: connection refused`);
    const bad = await run("cluster-bad", { ...BASE_CONFIG, cluster_nodes: ["no-port"] }, INCR, ["k"], [1]);
    expect(bad.err).toBe("redis cluster: cluster_nodes entry 'no-port' is not host:port");
  });
});
