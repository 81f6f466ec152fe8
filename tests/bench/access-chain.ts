/**
 * CPU time and Lua heap bytes per run of the access handlers, without the network:
 *
 *   npx tsx tests/bench/access-chain.ts [scenario ...]
 *
 * For each scenario a Kong-shaped host (1 worker) runs the scenario's plugins' access
 * handlers 200,000 times inside one request (tests/bench/access-chain/), five times
 * over, and prints the median CPU µs per run and the bytes one run allocates. A plugin's
 * own figures are its row minus key-auth's. Much steadier than requests per second on
 * a shared 2-core machine (±0.1 µs against ±1 µs), so it shows what a change to a
 * plugin's request path is worth; `make bench` stays the measure of the targets.
 */
import { join } from "node:path";
import { startEchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService } from "../runtime/entitlement-service.ts";
import { startKongHost } from "../runtime/kong-host.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";
import {
  BENCH_API_KEY,
  BENCH_CONSUMER,
  benchKongConfig,
  entitlementCheck,
  featureToggle50,
  HANDWRITTEN_LUA_PATH,
  handwrittenTierLimit,
  keyAuth,
  tierLimit,
} from "./plugins.ts";

const RUNS = 200_000;
const REPEATS = 5;

const SCENARIOS: Record<string, (serviceUrl: string) => object[]> = {
  "key-auth": () => [keyAuth],
  "tier-limit-local": () => [keyAuth, tierLimit()],
  "handwritten-lua": () => [keyAuth, handwrittenTierLimit],
  "entitlement-check-cached": (url) => [keyAuth, entitlementCheck(url)],
  "feature-toggle-50": () => [keyAuth, featureToggle50()],
};

const loop = { name: "access-chain-loop", config: {} };

async function measure(name: string, serviceUrl: string, upstreamUrl: string): Promise<string> {
  const host = await startKongHost({
    config: benchKongConfig([loop, ...SCENARIOS[name]!(serviceUrl)]) as never,
    upstreamUrl,
    workers: 1,
    luaPath: [join(REPO_ROOT, "tests/bench/access-chain"), HANDWRITTEN_LUA_PATH],
  });
  try {
    // A plain request first: entitlement-check fetches and caches its answer.
    const first = await fetch(`${host.url}/bench`, { headers: { apikey: BENCH_API_KEY } });
    await first.arrayBuffer();
    if (first.status !== 200) throw new Error(`${name}: a plain request answered ${first.status}`);
    const us: number[] = [];
    let bytes = 0;
    for (let i = 0; i < REPEATS; i++) {
      const response = await fetch(`${host.url}/bench`, { headers: { apikey: BENCH_API_KEY, "x-access-chain-runs": String(RUNS) } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${name}: ${response.status} ${text}\n${host.errorLog().slice(-2000)}`);
      const run = JSON.parse(text) as { us_per_run: number; bytes_per_run: number };
      us.push(run.us_per_run);
      bytes = run.bytes_per_run;
    }
    us.sort((a, b) => a - b);
    return `| ${name} | ${us[Math.floor(REPEATS / 2)]!.toFixed(2)} | ${us.map((v) => v.toFixed(2)).join(", ")} | ${bytes.toFixed(0)} |`;
  } finally {
    await host.stop();
  }
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => SCENARIOS[name] === undefined);
if (unknown.length > 0) throw new Error(`unknown scenarios: ${unknown.join(", ")} (known: ${Object.keys(SCENARIOS).join(", ")})`);
const names = wanted.length > 0 ? wanted : Object.keys(SCENARIOS);
const upstream = await startEchoUpstream();
const service = await startEntitlementService();
service.answers.set(BENCH_CONSUMER.username, { plan: "premium", status: "active" });
try {
  console.log(`| scenario | CPU µs per run (median of ${REPEATS}) | the ${REPEATS} | bytes allocated per run |`);
  console.log("|---|---:|---|---:|");
  for (const name of names) console.log(await measure(name, service.url, upstream.url));
} finally {
  await service.stop();
  await upstream.stop();
}
