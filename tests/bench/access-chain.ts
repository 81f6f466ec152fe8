/**
 * CPU time and Lua heap bytes per run of the access handlers, without the network:
 *
 *   npx tsx tests/bench/access-chain.ts [scenario ...]
 *
 * For each scenario a Kong-shaped host (1 worker) runs the scenario's plugins' access
 * handlers 200,000 times inside one request (tests/bench/access-chain/), five times
 * over, and prints the median CPU µs per run and the bytes one run allocates. A plugin's
 * own figures are its row minus key-auth's. Steadier than requests per second on a
 * shared 2-core machine, so it shows what a change to a plugin's request path is worth
 * (look at every repeat: LuaJIT may settle in a different set of traces from one repeat
 * to the next, e.g. the hand-written Lua at 3.5 or 5.6 µs). `make bench` runs it too, shorter, and
 * stays the measure of the targets.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEchoUpstream } from "../runtime/echo-upstream.ts";
import { startEntitlementService } from "../runtime/entitlement-service.ts";
import { startKongHost } from "../runtime/kong-host.ts";
import { REPO_ROOT } from "../runtime/nginx.ts";
import {
  BENCH_API_KEY,
  BENCH_CONSUMER,
  benchKongConfig,
  entitlementCheck,
  entitlementCheckFloor,
  featureToggle50,
  featureToggleFloor,
  FLOORS_LUA_PATH,
  HANDWRITTEN_LUA_PATH,
  handwrittenFeatureToggle50,
  handwrittenTierLimit,
  keyAuth,
  tierLimit,
  tierLimitQuota,
} from "./plugins.ts";

/** One scenario's figures: CPU µs per run (median and all repeats) and bytes one run allocates. */
export interface AccessChainResult {
  scenario: string;
  us_per_run: number;
  repeats_us: number[];
  bytes_per_run: number;
}

const SCENARIOS: Record<string, (serviceUrl: string) => object[]> = {
  "key-auth": () => [keyAuth],
  "tier-limit-local": () => [keyAuth, tierLimit()],
  "tier-limit-usage-path": () => [keyAuth, tierLimit({ usage_path: "/v1/usage" })],
  "tier-limit-thresholds": () => [keyAuth, tierLimit({ thresholds: [80, 100] })],
  "tier-limit-quota": () => [keyAuth, tierLimitQuota()],
  "handwritten-lua": () => [keyAuth, handwrittenTierLimit],
  "entitlement-check-floor": () => [keyAuth, entitlementCheckFloor],
  "entitlement-check-cached": (url) => [keyAuth, entitlementCheck(url)],
  "feature-toggle-floor": () => [keyAuth, featureToggleFloor()],
  "feature-toggle-50": () => [keyAuth, featureToggle50()],
  "feature-toggle-50-evaluated": () => [keyAuth, featureToggle50({ decision_cache_size: 0 })],
  "handwritten-feature-toggle-50": () => [keyAuth, handwrittenFeatureToggle50()],
};
export const ACCESS_CHAIN_SCENARIOS = Object.keys(SCENARIOS);

const loop = { name: "access-chain-loop", config: {} };

async function measure(name: string, serviceUrl: string, upstreamUrl: string, runs: number, repeats: number): Promise<AccessChainResult> {
  const host = await startKongHost({
    config: benchKongConfig([loop, ...SCENARIOS[name]!(serviceUrl)]) as never,
    upstreamUrl,
    workers: 1,
    luaPath: [join(REPO_ROOT, "tests/bench/access-chain"), HANDWRITTEN_LUA_PATH, FLOORS_LUA_PATH],
  });
  try {
    // A plain request first: entitlement-check fetches and caches its answer.
    const first = await fetch(`${host.url}/bench`, { headers: { apikey: BENCH_API_KEY } });
    await first.arrayBuffer();
    if (first.status !== 200) throw new Error(`${name}: a plain request answered ${first.status}`);
    const us: number[] = [];
    let bytes = 0;
    for (let i = 0; i < repeats; i++) {
      const response = await fetch(`${host.url}/bench`, { headers: { apikey: BENCH_API_KEY, "x-access-chain-runs": String(runs) } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${name}: ${response.status} ${text}\n${host.errorLog().slice(-2000)}`);
      const run = JSON.parse(text) as { us_per_run: number; bytes_per_run: number };
      us.push(run.us_per_run);
      bytes = run.bytes_per_run;
    }
    const sorted = [...us].sort((a, b) => a - b);
    return { scenario: name, us_per_run: sorted[Math.floor(repeats / 2)]!, repeats_us: us, bytes_per_run: Math.round(bytes) };
  } finally {
    await host.stop();
  }
}

/** Measures the named scenarios (all by default), each in a host of its own. */
export async function measureAccessChains(names: string[] = ACCESS_CHAIN_SCENARIOS, runs = 200_000, repeats = 5): Promise<AccessChainResult[]> {
  const unknown = names.filter((name) => SCENARIOS[name] === undefined);
  if (unknown.length > 0) throw new Error(`unknown scenarios: ${unknown.join(", ")} (known: ${ACCESS_CHAIN_SCENARIOS.join(", ")})`);
  const upstream = await startEchoUpstream();
  const service = await startEntitlementService();
  service.answers.set(BENCH_CONSUMER.username, { plan: "premium", status: "active" });
  try {
    const results: AccessChainResult[] = [];
    for (const name of names) results.push(await measure(name, service.url, upstream.url, runs, repeats));
    return results;
  } finally {
    await service.stop();
    await upstream.stop();
  }
}

/** Markdown rows: | scenario | µs (median) | the repeats | bytes |. */
export function accessChainRows(results: AccessChainResult[]): string[] {
  return results.map((r) => `| ${r.scenario} | ${r.us_per_run.toFixed(2)} | ${r.repeats_us.map((v) => v.toFixed(2)).join(", ")} | ${r.bytes_per_run} |`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await measureAccessChains(process.argv.slice(2).length > 0 ? process.argv.slice(2) : undefined);
  console.log("| scenario | CPU µs per run (median) | each repeat | bytes allocated per run |");
  console.log("|---|---:|---|---:|");
  for (const row of accessChainRows(results)) console.log(row);
}
