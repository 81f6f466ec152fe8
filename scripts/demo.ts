/**
 * `make demo`: the Kong-shaped playground with kong.yml, on real nginx + ngx_lua.
 * Starts the echo upstream, a Kafka broker (KRaft, the jars `make deps` installed) and
 * the gateway on free loopback ports, prints curl commands with the demo keys of each
 * tier, prints every usage event kafka-usage publishes as it arrives in Kafka, and stops
 * everything on Ctrl-C.
 *
 * The playground host is test infrastructure, not Kong: see tests/runtime/kong/.
 */
import { join } from "node:path";
import { loadStandaloneConfig, startApisixHost } from "../tests/runtime/apisix-host.ts";
import { startEchoUpstream } from "../tests/runtime/echo-upstream.ts";
import { kafkaClient, startKafka } from "../tests/runtime/kafka.ts";
import { loadDeclarativeConfig, startKongHost } from "../tests/runtime/kong-host.ts";
import { REPO_ROOT } from "../tests/runtime/nginx.ts";

const KAFKA_VERSION = "4.3.1";

// `make demo CONFIG=<file>` runs another config: a *.apisix.yaml on the APISIX-shaped host.
const file = process.argv[2] ?? "kong.yml";
const apisix = file.endsWith(".apisix.yaml");
const [upstream, broker] = await Promise.all([startEchoUpstream(), startKafka(KAFKA_VERSION)]);
const config = apisix ? loadStandaloneConfig(join(REPO_ROOT, file)) : loadDeclarativeConfig(join(REPO_ROOT, file));
// The examples name a broker at 127.0.0.1:9092; the demo's broker listens on a free port.
let topic = "api-usage";
function pointKafkaAtDemoBroker(node: unknown): void {
  if (node === null || typeof node !== "object") return;
  const kafka = (node as { kafka?: { brokers?: string[]; topic?: string } }).kafka;
  if (kafka?.brokers !== undefined && typeof kafka.topic === "string") {
    kafka.brokers = [broker.bootstrap];
    topic = kafka.topic;
  }
  for (const value of Object.values(node)) pointKafkaAtDemoBroker(value);
}
pointKafkaAtDemoBroker(config);
await broker.createTopic(topic, 3);
const gateway = apisix
  ? await startApisixHost({ config: config as never, upstreamUrl: upstream.url, workers: 2 })
  : await startKongHost({ config: config as never, upstreamUrl: upstream.url, workers: 2 });
const url = gateway.url;

// Every event kafka-usage publishes, one line each, as the billing side would read it.
const reader = kafkaClient(broker.bootstrap, "tollgate-demo").consumer({ groupId: "tollgate-demo", maxWaitTimeInMs: 100 });
await reader.connect();
await reader.subscribe({ topic, fromBeginning: true });
await reader.run({
  eachMessage: async ({ partition, message }) => {
    const event = JSON.parse(message.value?.toString() ?? "{}") as { id: string; subject: string; time: string; data: Record<string, unknown> };
    const d = event.data;
    console.log(`usage event  partition ${partition}  ${event.time}  subject=${event.subject}  ${String(d["method"])} ${String(d["path"])} → ${String(d["status"])}  tier=${String(d["tier"] ?? "-")}${d["overage"] === true ? `  overage=${String(d["overage_windows"])}` : ""}  id=${event.id}`);
  },
});

if (file !== "kong.yml") {
  console.log(`
tollgate playground: ${file} on a ${apisix ? "APISIX" : "Kong"}-shaped nginx at ${url}
(upstream: echo server at ${upstream.url}; Kafka ${KAFKA_VERSION} at ${broker.bootstrap}, topic ${topic}:
 each request's usage event is printed here). Send requests with the keys the file names, e.g.
  curl -si ${url}/orders -H 'apikey: <key>'

Ctrl-C stops the gateway, the upstream and Kafka.
`);
} else {
  console.log(`
tollgate playground: kong.yml on a Kong-shaped nginx at ${url}
(upstream: echo server at ${upstream.url}; it answers with the headers it received;
 Kafka ${KAFKA_VERSION} at ${broker.bootstrap}, topic ${topic}: each request's usage event is printed here)

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

Plans (entitlement-check on /reports): premium has the feature, free gets 403 with the upgrade:
  curl -s ${url}/reports -H 'apikey: demo-free-key'
  curl -s ${url}/reports -H 'apikey: demo-premium-key'

Feature flags (feature-toggle on /beta): the beta is for paying tiers; the upstream sees X-Features:
  curl -s ${url}/beta -H 'apikey: demo-free-key'
  curl -s ${url}/beta -H 'apikey: demo-enterprise-key' -H 'X-Features: everything'

Ctrl-C stops the gateway, the upstream and Kafka.
`);

}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  await gateway.stop();
  await reader.disconnect();
  await broker.destroy();
  await upstream.stop();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
// Keep the process alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
