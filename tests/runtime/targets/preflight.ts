/**
 * Run by scripts/test-gateways.sh before the suites: one line saying what the chosen target
 * lacks, so a run without a container engine is skipped once instead of per suite, and a
 * missing KONG_BIN / APISIX_HOME is said once instead of by every test.
 *
 * Exit 0: ready; 3: skip the suites (the line says why); 1: cannot run (the line says what to set).
 */
import { apisixBin, apisixHome } from "./apisix-installed.ts";
import { missingCommand } from "./cli.ts";
import { containersUnavailable } from "./containers.ts";
import { kongBin } from "./kong-installed.ts";
import { GATEWAY_KINDS, GATEWAY_TARGET } from "./target.ts";

async function preflight(): Promise<{ code: number; line: string }> {
  const kinds = GATEWAY_KINDS.join(" and ");
  if (GATEWAY_TARGET === "containers") {
    const why = await containersUnavailable();
    if (why !== undefined) return { code: 3, line: `gateway suites skipped: TOLLGATE_GATEWAY=containers, but ${why}` };
  }
  if (GATEWAY_TARGET === "installed") {
    try {
      const missing = [
        GATEWAY_KINDS.includes("kong") ? missingCommand(kongBin(), "KONG_BIN to the kong CLI") : undefined,
        GATEWAY_KINDS.includes("apisix") ? missingCommand(apisixBin(apisixHome()), "APISIX_BIN or APISIX_HOME") : undefined,
      ].filter((line) => line !== undefined);
      if (missing.length > 0) return { code: 1, line: missing.join("; ") };
    } catch (error) {
      return { code: 1, line: (error as Error).message };
    }
  }
  return { code: 0, line: `gateway suites on ${kinds}: TOLLGATE_GATEWAY=${GATEWAY_TARGET}` };
}

const { code, line } = await preflight();
console.log(line);
process.exit(code);
