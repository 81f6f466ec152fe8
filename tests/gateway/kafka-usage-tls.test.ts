/**
 * kafka-usage to a Kafka listener that wants TLS and SASL (SASL_SSL, as managed Kafka
 * services run it), through real nginx on both hosts: events arrive when the certificate
 * is trusted and the credentials are right — with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512;
 * a wrong password or a certificate for another name delivers nothing and says why in
 * the error log. The
 * broker's certificate comes from a throwaway CA (tests/runtime/tls.ts) the gateways
 * trust; the test reads the topics back over the broker's PLAINTEXT listener.
 *
 * One Kafka release (4.x): the handshake is the same requests on 3.x, whose protocol
 * vectors (tests/vectors/kafka-*.json) cover SaslHandshake and SaslAuthenticate.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../runtime/echo-upstream.ts";
import { KAFKA_VERSIONS, recordCount, startKafka, waitForRecords, type KafkaBroker } from "../runtime/kafka.ts";
import { createTestPki, type TestPki } from "../runtime/tls.ts";
import { describeGateway, errorLogOnceMatching, HOSTS, startGateway, type HostKind, type RunningGateway } from "./harness.ts";

const VERSION = KAFKA_VERSIONS[KAFKA_VERSIONS.length - 1]!;
const USER = { name: "gateway", password: "gateway-secret" };

const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
const topicOf = (mechanism: string): string => `ok-${mechanism.toLowerCase()}`;

/** Routes /ok-<mechanism>, /bad-password, /wrong-name, /mutual and /no-client-cert, each writing to its own topic. */
function routes(kind: HostKind, broker: KafkaBroker, pki: TestPki): { path: string; conf: Record<string, unknown> }[] {
  const conf = (topic: string, kafka: Record<string, unknown>) => ({
    kafka: { brokers: [broker.secureBootstrap!], topic: `${kind}-${topic}`, tls: true, timeout_ms: 2000, ...kafka },
    batch: { max_events: 10, max_age_ms: 100 },
    retry: { initial_backoff_ms: 100, max_backoff_ms: 500 },
    stats_log_interval_s: 0,
  });
  return [
    ...MECHANISMS.map((mechanism) => ({
      path: `/${topicOf(mechanism)}`,
      conf: conf(topicOf(mechanism), { server_name: "localhost", sasl: { mechanism, username: USER.name, password: USER.password } }),
    })),
    { path: "/bad-password", conf: conf("bad-password", { server_name: "localhost", sasl: { mechanism: "SCRAM-SHA-512", username: USER.name, password: "guess" } }) },
    { path: "/wrong-name", conf: conf("wrong-name", { server_name: "kafka.example.com", sasl: { username: USER.name, password: USER.password } }) },
    // The SSL listener that requires a client certificate (the test CA signed the server one for client use too).
    { path: "/mutual", conf: conf("mutual", { brokers: [broker.mutualBootstrap!], server_name: "localhost", client_cert: pki.server.cert, client_key: pki.server.key }) },
    { path: "/no-client-cert", conf: conf("no-client-cert", { brokers: [broker.mutualBootstrap!], server_name: "localhost" }) },
  ];
}

async function startHost(kind: HostKind, upstreamUrl: string, pki: TestPki, broker: KafkaBroker): Promise<RunningGateway> {
  const specs = routes(kind, broker, pki);
  if (kind === "kong") {
    const config = {
      _format_version: "3.0",
      services: [{ name: "svc", url: "http://127.0.0.1:9000", routes: specs.map((r, i) => ({ name: `r${i}`, paths: [r.path], plugins: [{ name: "kafka-usage", config: r.conf }] })) }],
    };
    return startGateway(kind, config, upstreamUrl, { trustedCaFiles: [pki.caFile] });
  }
  const config = {
    routes: specs.map((r, i) => ({ id: `r${i}`, uri: `${r.path}*`, upstream_id: "up", plugins: { "kafka-usage": r.conf } })),
    upstreams: [{ id: "up", type: "roundrobin", nodes: { "127.0.0.1:9000": 1 } }],
  };
  return startGateway(kind, config, upstreamUrl, { trustedCaFiles: [pki.caFile] });
}

async function traffic(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/${i}`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let pki: TestPki;
let upstream: EchoUpstream;
let broker: KafkaBroker;

beforeAll(async () => {
  pki = createTestPki();
  upstream = await startEchoUpstream();
  broker = await startKafka(VERSION, { secure: { certificate: pki.server, users: { [USER.name]: USER.password }, clientCaFile: pki.caFile } });
  for (const kind of HOSTS) {
    for (const topic of [...MECHANISMS.map(topicOf), "bad-password", "wrong-name", "mutual", "no-client-cert"]) await broker.createTopic(`${kind}-${topic}`, 3);
  }
}, 120_000);

afterAll(async () => {
  await broker?.destroy();
  await upstream?.stop();
  pki?.remove();
});

describeGateway.each(HOSTS)(`kafka-usage to a SASL_SSL listener of Kafka ${VERSION}, on the %s-shaped host`, (kind) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startHost(kind, upstream.url, pki, broker);
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it.each(MECHANISMS)("delivers every event over TLS, authenticated with SASL %s", async (mechanism) => {
    await traffic(`${gateway.url}/${topicOf(mechanism)}`, 20);
    expect(await waitForRecords(broker.bootstrap, `${kind}-${topicOf(mechanism)}`, 20, 15_000)).toBe(20);
  }, 30_000);

  it("to a listener that requires a client certificate: delivers with one (mutual TLS), nothing without", async () => {
    await traffic(`${gateway.url}/mutual`, 20);
    await traffic(`${gateway.url}/no-client-cert`, 5);
    expect(await waitForRecords(broker.bootstrap, `${kind}-mutual`, 20, 15_000)).toBe(20);
    await sleep(1500);
    expect(await recordCount(broker.bootstrap, `${kind}-no-client-cert`)).toBe(0);
  }, 30_000);

  it("a wrong password, or a certificate for another name, delivers nothing and says why", async () => {
    await traffic(`${gateway.url}/bad-password`, 5);
    await traffic(`${gateway.url}/wrong-name`, 5);
    const badPassword = /SASL SCRAM-SHA-512: SASL_AUTHENTICATION_FAILED \(58\): Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/;
    const wrongName = /TLS handshake: certificate host mismatch/;
    // Said once each has been tried (the batch flushes after 100 ms, retries after
    // 100-500 ms; a machine busy with other work was seen to need more than 2 s).
    const log = await errorLogOnceMatching(gateway, [badPassword, wrongName], 15_000);
    // And several attempts later still nothing delivered.
    await sleep(2000);
    expect(await recordCount(broker.bootstrap, `${kind}-bad-password`)).toBe(0);
    expect(await recordCount(broker.bootstrap, `${kind}-wrong-name`)).toBe(0);
    expect(log).toMatch(badPassword);
    expect(log).toMatch(wrongName);
  }, 30_000);
});
