/**
 * LuaJIT trace aborts under kafka-usage, counted: the Kong-shaped host on real nginx
 * (1 worker) with kafka-usage publishing every request to a real Kafka 4 broker, LuaJIT's
 * verbose trace log (jit.v's lines, with whole paths) on from the worker's start, wrk for
 * a few seconds; then the aborts by cause and by where they happened (lua-out file:line,
 * and the .ts line it was compiled from), and the functions and loops LuaJIT blacklisted
 * (never compiled again in that worker), for several fresh workers (each nginx started
 * anew: fresh JIT state).
 *
 *   npx --no-install tsx tests/bench/jit-aborts.ts
 *   JIT_WORKERS=3 JIT_SECONDS=5 JIT_ANONYMOUS=1 JIT_PLUGINS=none …   (defaults: 3, 5, key-auth callers, kafka-usage)
 *
 * JIT_PLUGINS=none runs the same route without kafka-usage (what the host itself aborts).
 * Not part of `make bench`: the trace log costs the worker more than the plugin does.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { SourceMapConsumer, type RawSourceMap } from "source-map-js";
import { startEchoUpstream } from "../runtime/echo-upstream.ts";
import { startKafka } from "../runtime/kafka.ts";
import { startKongHost } from "../runtime/kong-host.ts";
import { LUA_OUT, REPO_ROOT } from "../runtime/nginx.ts";
import { BENCH_API_KEY, benchKongConfig, keyAuth } from "./plugins.ts";

const WORKERS = Number(process.env.JIT_WORKERS ?? 3);
const SECONDS = Number(process.env.JIT_SECONDS ?? 5);
const ANONYMOUS = process.env.JIT_ANONYMOUS === "1";
const WITH_PLUGIN = process.env.JIT_PLUGINS !== "none";
const KAFKA_VERSION = "4.3.1";

/**
 * A test-only Kong plugin: turns the trace log on in init_worker (before any request),
 * and when the worker exits (its timer fires early) writes which functions and loops
 * LuaJIT blacklisted, found by walking the loaded modules and their upvalues.
 */
function traceLogPlugin(dir: string, logFile: string, reportFile: string): void {
  const handler = `
local jutil = require("jit.util")
local vmdef = require("jit.vmdef")
local bit = require("bit")

-- Opcodes LuaJIT patches in when it gives up on a loop or function (lj_trace.c, penalty_pc).
local BLACKLISTED = { IFUNCF = "function", IFUNCV = "function", ILOOP = "loop", IFORL = "loop", IITERL = "loop" }

local function opname(func, pc)
  local ins = jutil.funcbc(func, pc)
  if ins == nil then return nil end
  local op = bit.band(ins, 0xff)
  return (string.gsub(string.sub(vmdef.bcnames, op * 6 + 1, op * 6 + 6), " ", ""))
end

-- jit.v's log, with whole paths (jit.v prints a file's base name only): "file:line" of a
-- Lua function at pc, or a builtin's name.
local function where(func, pc)
  local fi = jutil.funcinfo(func, pc)
  if fi.source ~= nil then return (string.gsub(fi.source, "^@", "")) .. ":" .. tostring(fi.currentline or fi.linedefined) end
  if fi.ffid ~= nil then return vmdef.ffnames[fi.ffid] end
  if fi.addr ~= nil then return string.format("C:%x", fi.addr) end
  return "(?)"
end

local log, startloc, startex
local function on_trace(what, tr, func, pc, otr, oex)
  if what == "start" then
    startloc = where(func, pc)
    startex = otr and ("(" .. otr .. "/" .. (oex == -1 and "stitch" or oex) .. ") ") or ""
  elseif what == "abort" then
    local reason = otr
    if type(otr) == "number" then
      local info = oex
      if type(info) == "function" then info = where(info) end
      reason = string.format(vmdef.traceerr[otr], info)
    end
    log:write(string.format("[TRACE --- %s%s -- %s at %s]\\n", startex, startloc, reason, where(func, pc)))
  elseif what == "stop" then
    log:write(string.format("[TRACE %3s %s%s]\\n", tr, startex, startloc))
  end
end

local function report(premature)
  jit.attach(on_trace)
  log:close()
  local out = assert(io.open(${JSON.stringify(reportFile)}, "w"))
  local seen = {}
  local function visit(value, depth)
    if seen[value] or depth > 12 then return end
    seen[value] = true
    if type(value) == "table" then
      for k, v in pairs(value) do
        if type(v) == "function" or type(v) == "table" then visit(v, depth + 1) end
        if type(k) == "function" or type(k) == "table" then visit(k, depth + 1) end
      end
      local mt = getmetatable(value)
      if type(mt) == "table" then visit(mt, depth + 1) end
    elseif type(value) == "function" then
      local info = jutil.funcinfo(value)
      if info.loc ~= nil and info.bytecodes ~= nil then
        for pc = 0, info.bytecodes - 1 do
          local what = BLACKLISTED[opname(value, pc) or ""]
          if what ~= nil then
            local line = pc == 0 and info.linedefined or jutil.funcinfo(value, pc).currentline
            out:write(what, "\\t", info.source:gsub("^@", ""), ":", tostring(line), "\\n")
          end
        end
      end
      for i = 1, 255 do
        local name, up = debug.getupvalue(value, i)
        if name == nil then break end
        if type(up) == "function" or type(up) == "table" then visit(up, depth + 1) end
      end
    end
  end
  visit(package.loaded, 0)
  visit(_G, 0)
  out:close()
end

local M = { PRIORITY = 1000000, VERSION = "0.0.0" }
function M:init_worker()
  log = assert(io.open(${JSON.stringify(logFile)}, "w"))
  log:setvbuf("line")
  jit.attach(on_trace, "trace")
  ngx.timer.at(86400, report)
end
return M
`;
  mkdirSync(join(dir, "kong/plugins/jit-trace-log"), { recursive: true });
  writeFileSync(join(dir, "kong/plugins/jit-trace-log/handler.lua"), handler);
  writeFileSync(
    join(dir, "kong/plugins/jit-trace-log/schema.lua"),
    `local typedefs = require("kong.db.schema.typedefs")
return { name = "jit-trace-log", fields = { { protocols = typedefs.protocols_http }, { config = { type = "record", fields = {} } } } }
`,
  );
}

/** lua-out file:line → the .ts line it was compiled from, through source maps of a build into a temp dir. */
class SourceLines {
  private readonly consumers = new Map<string, SourceMapConsumer | undefined>();
  constructor(private readonly mapped: string) {}

  static build(): SourceLines {
    const out = mkdtempSync(join(tmpdir(), "tollgate-jit-maps-"));
    execFileSync(join(REPO_ROOT, "node_modules/.bin/tstl"), ["-p", join(REPO_ROOT, "tstl.json"), "--outDir", out, "--sourceMap", "true"], { cwd: REPO_ROOT, stdio: "ignore" });
    return new SourceLines(out);
  }

  /** "plugins/io/kafka/bytes.ts:123" for a lua-out location, else the location as it is (shortened). */
  describe(location: string): string {
    const found = /^(.*\.lua):(\d+)$/.exec(location);
    if (found === null) return location;
    const [, file, line] = found as unknown as [string, string, string];
    const short = file.startsWith(REPO_ROOT) ? relative(REPO_ROOT, file) : file;
    if (!file.startsWith(LUA_OUT)) return `${short}:${line}`;
    const map = this.consumer(relative(LUA_OUT, file));
    if (map === undefined) return `${short}:${line}`;
    const position = map.originalPositionFor({ line: Number(line), column: 0, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
    if (position.source === null || position.line === null) return `${short}:${line}`;
    // tstl writes the sources relative to where the file would have been before its layout plugin moved it.
    const source = /plugins\/.*$/.exec(position.source)?.[0] ?? position.source;
    return `${short}:${line} (${source}:${position.line})`;
  }

  private consumer(path: string): SourceMapConsumer | undefined {
    if (!this.consumers.has(path)) {
      const file = join(this.mapped, `${path}.map`);
      this.consumers.set(path, existsSync(file) ? new SourceMapConsumer(JSON.parse(readFileSync(file, "utf8")) as RawSourceMap) : undefined);
    }
    return this.consumers.get(path);
  }

  remove(): void {
    rmSync(this.mapped, { recursive: true, force: true });
  }
}

interface Abort {
  reason: string;
  /** Where the trace gave up ("at …"), or where it started when the log says nothing more. */
  at: string;
  start: string;
}

/** The aborts in a `jit.v` log: "[TRACE --- (1/3) file:10 -- reason at file:12]". */
function abortsIn(log: string): { aborts: Abort[]; traces: number } {
  const aborts: Abort[] = [];
  let traces = 0;
  for (const line of log.split("\n")) {
    const abort = /^\[TRACE --- (?:\(\d+\/(?:\d+|stitch)\) )?(\S+) -- (.*?)(?: at (\S+))?\]$/.exec(line);
    if (abort !== null) {
      const [, start, reason, at] = abort as unknown as [string, string, string, string | undefined];
      // "NYI: bytecode 51", "loop unroll limit reached", "blacklisted": trace numbers out, so alike ones group.
      aborts.push({ reason: reason.replace(/trace \d+/g, "trace N"), at: at ?? start, start });
    } else if (/^\[TRACE +\d+ /.test(line)) {
      traces++;
    }
  }
  return { aborts, traces };
}

/** Whose code an abort is in: where it gave up, or where the trace started when that is a builtin. */
function owner(abort: Abort): string {
  const location = abort.at.includes("/") ? abort.at : abort.start;
  if (location.includes("/lua-out/")) return "tollgate";
  if (location.includes("/tests/runtime/")) return "host";
  return "other";
}

function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  console.log(`mapping lua-out to the TypeScript (a source-mapped build into a temp dir) …`);
  const lines = SourceLines.build();
  const upstream = await startEchoUpstream();
  const broker = WITH_PLUGIN ? await startKafka(KAFKA_VERSION) : undefined;
  const topic = "jit-aborts";
  if (broker !== undefined) await broker.createTopic(topic, 6);
  const work = mkdtempSync(join(tmpdir(), "tollgate-jit-aborts-"));
  const all: Abort[] = [];
  const blacklistedAll: string[] = [];
  try {
    for (let worker = 1; worker <= WORKERS; worker++) {
      const dir = join(work, `worker-${worker}`);
      const logFile = join(dir, "jit.log");
      const reportFile = join(dir, "blacklisted.txt");
      traceLogPlugin(dir, logFile, reportFile);
      const plugins: object[] = ANONYMOUS ? [] : [keyAuth];
      if (broker !== undefined) plugins.push({ name: "kafka-usage", config: { kafka: { brokers: [broker.bootstrap], topic }, stats_log_interval_s: 0 } });
      const host = await startKongHost({
        config: benchKongConfig(plugins) as never,
        upstreamUrl: upstream.url,
        workers: 1,
        luaPath: [dir],
        plugins: ["jit-trace-log", ...(WITH_PLUGIN ? ["kafka-usage"] : [])],
      });
      let requests = 0;
      try {
        const headers = ANONYMOUS ? [] : ["-H", `apikey: ${BENCH_API_KEY}`];
        const out = execFileSync("wrk", ["-t1", "-c50", `-d${SECONDS}s`, ...headers, `${host.url}/bench`], { encoding: "utf8" });
        requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
        if (/Non-2xx/.test(out)) throw new Error(`non-2xx responses:\n${out}`);
        // The last batch leaves within batch.max_age_ms (1 s).
        await new Promise((resolve) => setTimeout(resolve, 1500));
      } finally {
        await host.stop();
      }
      const { aborts, traces } = abortsIn(existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
      const blacklisted = existsSync(reportFile) ? readFileSync(reportFile, "utf8").split("\n").filter(Boolean) : [];
      all.push(...aborts);
      blacklistedAll.push(...blacklisted);
      const byOwner = countBy(aborts, owner).map(([who, n]) => `${who} ${n}`).join(", ");
      console.log(`worker ${worker}: ${requests} requests in ${SECONDS} s, ${traces} traces compiled, ${aborts.length} aborts (${byOwner || "none"}), ${blacklisted.length} blacklisted`);
      for (const entry of blacklisted) {
        const [what, where] = entry.split("\t") as [string, string];
        console.log(`  blacklisted ${what} ${lines.describe(where)}`);
      }
    }
  } finally {
    if (broker !== undefined) await broker.destroy();
    await upstream.stop();
    if (process.env.JIT_KEEP === "1") console.log(`logs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const callers = ANONYMOUS ? "anonymous callers" : "key-auth callers";
  console.log(`\n${all.length} aborts over ${WORKERS} fresh workers (${SECONDS} s of wrk each, ${callers}, ${WITH_PLUGIN ? "kafka-usage" : "no plugin"}), by owner:`);
  for (const [who, n] of countBy(all, owner)) console.log(`  ${String(n).padStart(6)}  ${who}`);
  console.log(`\nby cause:`);
  for (const [reason, n] of countBy(all, (a) => a.reason)) console.log(`  ${String(n).padStart(6)}  ${reason}`);
  console.log(`\nby cause and place (where the trace gave up; lua-out, then the .ts line):`);
  for (const [key, n] of countBy(all, (a) => `${a.reason}\t${a.at}`)) {
    const [reason, at] = key.split("\t") as [string, string];
    console.log(`  ${String(n).padStart(6)}  ${reason} at ${lines.describe(at)}`);
    if (!at.includes("/")) {
      // A builtin: where the traces that gave up in it started.
      const starts = countBy(all.filter((a) => a.reason === reason && a.at === at), (a) => a.start);
      console.log(`          (started at ${starts.map(([start, k]) => `${lines.describe(start)} ×${k}`).join(", ")})`);
    }
  }
  lines.remove();
}

await main();
process.exit(0);
