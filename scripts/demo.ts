/**
 * `make demo`: the Kong-shaped playground with kong.yml, on real nginx + ngx_lua.
 * Starts the echo upstream and the gateway on free loopback ports, prints curl
 * commands with the demo keys of each tier, and stops everything on Ctrl-C.
 *
 * The playground host is test infrastructure, not Kong: see tests/runtime/kong/.
 */
import { join } from "node:path";
import { startEchoUpstream } from "../tests/runtime/echo-upstream.ts";
import { startKongHost } from "../tests/runtime/kong-host.ts";
import { REPO_ROOT } from "../tests/runtime/nginx.ts";

const upstream = await startEchoUpstream();
const gateway = await startKongHost({ config: join(REPO_ROOT, "kong.yml"), upstreamUrl: upstream.url, workers: 2 });
const url = gateway.url;

console.log(`
tollgate playground: kong.yml on a Kong-shaped nginx at ${url}
(upstream: echo server at ${upstream.url}; it answers with the headers it received)

No key → 401 from key-auth:
  curl -i ${url}/orders

Each tier's key; the upstream sees X-API-Tier, whatever the client sends:
  curl -s ${url}/orders -H 'apikey: demo-free-key' -H 'X-API-Tier: enterprise'
  curl -s ${url}/orders -H 'apikey: demo-premium-key'
  curl -s ${url}/orders -H 'apikey: demo-enterprise-key'

Rate-limit headers (free GET: 500/min on /orders):
  curl -si ${url}/orders -H 'apikey: demo-free-key' | grep -i ratelimit

The sandbox route has tiny limits (free GET 3/min): the 4th call gets 429 with Retry-After:
  for i in 1 2 3 4; do curl -s -o /dev/null -w '%{http_code}\\n' ${url}/sandbox -H 'apikey: demo-free-key'; done
  curl -si ${url}/sandbox -H 'apikey: demo-free-key'

Premium still passes on the sandbox (GET 10/min), enterprise is unlimited:
  curl -s -o /dev/null -w '%{http_code}\\n' ${url}/sandbox -H 'apikey: demo-premium-key'

Ctrl-C stops the gateway and the upstream.
`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  await gateway.stop();
  await upstream.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
