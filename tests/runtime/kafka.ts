/**
 * Starts and stops real Apache Kafka brokers (KRaft mode, one process that is both
 * broker and controller) for tests.
 *
 * Test infrastructure only. The jars come from Maven Central through
 * scripts/install-kafka.sh (cached under ~/.cache/tollgate/kafka/<version>/libs); this
 * module runs that script (a no-op when cached), formats a storage directory with
 * `kafka.tools.StorageTool` and starts `java -cp '<libs>/*' kafka.Kafka server.properties`.
 * Every broker listens on 127.0.0.1 with ports chosen by the kernel (`freePort()`), keeps
 * its log dirs in its own temp directory, runs with a small heap as a child of this
 * process, and is stopped by `stop()` or killed when this process exits.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Admin, type IHeaders } from "kafkajs";
import { freePort, listening, REPO_ROOT } from "./nginx.ts";
import type { ServerCertificate } from "./tls.ts";

/** The broker releases the suites run against: one Kafka 3 (3.9.x) and one Kafka 4. */
export const KAFKA_VERSIONS = ["3.9.2", "4.3.1"] as const;

export interface KafkaBroker {
  version: string;
  host: "127.0.0.1";
  /** The PLAINTEXT listener clients use. */
  port: number;
  /** The KRaft controller listener (not for clients). */
  controllerPort: number;
  /** `127.0.0.1:<port>` (or the advertised port), for a client's bootstrap list. */
  bootstrap: string;
  /** With KafkaOptions.secure: `127.0.0.1:<port>` of the SASL_SSL listener (TLS, then SASL PLAIN or SCRAM). */
  secureBootstrap?: string;
  /** With KafkaOptions.secure.clientCaFile: `127.0.0.1:<port>` of the SSL listener that requires a client certificate. */
  mutualBootstrap?: string;
  /** The broker JVM's pid while it runs. */
  pid(): number | undefined;
  /** The broker's stdout/stderr (its log) since the last start, the last ~2 MB. */
  log(): string;
  /**
   * Creates a topic (replication factor 1), with topic configs if given (e.g.
   * max.message.bytes), and waits until every partition has a leader.
   */
  createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<void>;
  /** Stops the broker cleanly (SIGTERM, SIGKILL after 20 s); data stays for start(). Idempotent. */
  stop(): Promise<void>;
  /** Kills the broker at once (SIGKILL), as a crash would; data stays for start(). */
  kill(): Promise<void>;
  /** Starts a stopped broker again on the same ports with the same data (no-op while it runs). */
  start(): Promise<void>;
  /** stop() then start(). */
  restart(): Promise<void>;
  /** Stops the broker and removes its data: the broker cannot be started again. */
  destroy(): Promise<void>;
}

/** A record read back with readTopic(). */
export interface ReadRecord {
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  timestamp: string;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const LOG_LIMIT = 2_000_000;

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolveOut, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 10_000_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(" ")}: ${err.message}\n${stdout}\n${stderr}`));
      else resolveOut(stdout);
    });
  });
}

/** The directory of a release's jars, installed from Maven Central when missing (quick when cached). */
export async function kafkaLibs(version: string): Promise<string> {
  // Resolving a release the first time downloads ~45 MB through Maven: allow for it.
  await run("bash", [join(REPO_ROOT, "scripts/install-kafka.sh"), version], 600_000);
  const cache = process.env.TOLLGATE_CACHE ?? join(process.env.HOME ?? tmpdir(), ".cache/tollgate");
  return join(cache, "kafka", version, "libs");
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding, not starting with "-"
 * (a command line would take it for an option; Kafka's Uuid.randomUuid avoids it too).
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}

/** The SASL_SSL listener's port and settings, when there is one. */
interface SecureListener {
  port: number;
  /** A PEM file with the private key (PKCS#8) and the certificate. */
  keystore: string;
  users: Record<string, string>;
  /** An SSL listener too, on this port, for clients with a certificate from `caFile`. */
  mutual?: { port: number; caFile: string };
}

function serverProperties(port: number, controllerPort: number, dataDir: string, advertisedPort: number, secure?: SecureListener): string {
  const plain = `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`;
  const users = secure === undefined ? "" : Object.entries(secure.users).map(([user, password]) => `user_${user}="${password}"`).join(" ");
  const secureListeners =
    secure === undefined ? "" : `,SASL_SSL://127.0.0.1:${secure.port}${secure.mutual === undefined ? "" : `,SSL://127.0.0.1:${secure.mutual.port}`}`;
  const mutualLines =
    secure?.mutual === undefined
      ? ""
      : `# clients with a certificate from the test CA (mutual TLS, no SASL)
listener.name.ssl.ssl.keystore.type=PEM
listener.name.ssl.ssl.keystore.location=${secure.keystore}
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=${secure.mutual.caFile}
listener.name.ssl.ssl.client.auth=required
`;
  const secureLines = secure === undefined
    ? ""
    : `# clients: TLS, then SASL PLAIN or SCRAM (the tests read back over PLAINTEXT); the SCRAM
# credentials are written into the metadata log at format time (StorageTool --add-scram)
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${users};
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=${secure.keystore}
${mutualLines}`;
  return `# generated by tests/runtime/kafka.ts
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=${plain}${secureListeners}
advertised.listeners=PLAINTEXT://127.0.0.1:${advertisedPort}${secureListeners}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
${secureLines}log.dirs=${dataDir}
num.partitions=1
auto.create.topics.enable=false
# one node: internal topics with one replica and one partition (quick to create)
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
# quicker recovery after kill(): the restarted node re-registers once the old session ends
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=2000
`;
}

/** Logs to stdout (captured by this module): Kafka 3.x reads log4j 1 properties, Kafka 4.x Log4j 2. */
function loggingFiles(dir: string): { log4j1: string; log4j2: string } {
  const log4j1 = join(dir, "log4j.properties");
  writeFileSync(
    log4j1,
    `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
`,
  );
  const log4j2 = join(dir, "log4j2.properties");
  writeFileSync(
    log4j2,
    `rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
`,
  );
  return { log4j1, log4j2 };
}

interface Process {
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

async function terminate(proc: Process, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await proc.exited;
  clearTimeout(timer);
}

export interface KafkaOptions {
  /** The client listener's port (default: a free one). */
  port?: number;
  /**
   * The port the broker advertises in Metadata (default: its own). A proxy in front of
   * the broker (./kafka-proxy.ts) sets its own, so that clients keep going through it.
   */
  advertisedPort?: number;
  /**
   * Also a SASL_SSL listener: TLS with this certificate, then SASL PLAIN, SCRAM-SHA-256 or
   * SCRAM-SHA-512 for these users (name → password); with `clientCaFile`, an SSL listener
   * that requires a client certificate from that CA as well.
   */
  secure?: { certificate: ServerCertificate; users: Record<string, string>; clientCaFile?: string };
}

/**
 * Starts one Kafka broker+controller of `version` (e.g. "3.9.2", "4.3.1") on free
 * loopback ports, with its data in a new temp directory.
 */
export async function startKafka(version: string, opts: KafkaOptions = {}): Promise<KafkaBroker> {
  const libs = await kafkaLibs(version);
  const classPath = `${libs}/*`;
  const port = opts.port ?? (await freePort());
  const controllerPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `tollgate-kafka-${version}-`));
  const dataDir = join(dir, "data");
  const propsFile = join(dir, "server.properties");
  let secure: SecureListener | undefined;
  if (opts.secure !== undefined) {
    const keystore = join(dir, "keystore.pem");
    writeFileSync(keystore, `${opts.secure.certificate.key}${opts.secure.certificate.cert}`, { mode: 0o600 });
    const caFile = opts.secure.clientCaFile;
    secure = { port: await freePort(), keystore, users: opts.secure.users, mutual: caFile === undefined ? undefined : { port: await freePort(), caFile } };
  }
  writeFileSync(propsFile, serverProperties(port, controllerPort, dataDir, opts.advertisedPort ?? port, secure));
  const logging = loggingFiles(dir);
  const jvm = [
    "-Xms256m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:-UsePerfData",
    "-Djava.awt.headless=true",
    `-Dlog4j.configuration=file:${logging.log4j1}`,
    `-Dlog4j2.configurationFile=${logging.log4j2}`,
    "-cp",
    classPath,
  ];
  try {
    const scram = Object.entries(secure?.users ?? {}).flatMap(([name, password]) =>
      ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((mechanism) => ["--add-scram", `${mechanism}=[name=${name},password=${password}]`]),
    );
    await run("java", [...jvm, "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", propsFile, ...scram], 60_000);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const spawnBroker = (): Process => {
    const child = spawn("java", [...jvm, "kafka.Kafka", propsFile], { stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let output = "";
    const append = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > LOG_LIMIT * 1.5) output = output.slice(-LOG_LIMIT);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    const exited = new Promise<void>((res) =>
      child.on("exit", () => {
        running.delete(child);
        res();
      }),
    );
    return { child, exited, output: () => output };
  };

  /** Waits for "Kafka Server started" (the broker is registered and unfenced) and the client port. */
  const waitReady = async (proc: Process): Promise<void> => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`Kafka ${version} on port ${port} exited during start-up:\n${proc.output().slice(-20_000)}`);
      }
      if (proc.output().includes("Kafka Server started") && (await listening(port))) return;
      await sleep(100);
    }
    await terminate(proc, "SIGKILL");
    throw new Error(`Kafka ${version} on port ${port} did not start within ${START_TIMEOUT_MS} ms:\n${proc.output().slice(-20_000)}`);
  };

  let proc: Process | undefined;
  let lastOutput = "";
  let destroyed = false;
  const start = async (): Promise<void> => {
    if (destroyed) throw new Error(`Kafka ${version}: start() after destroy()`);
    if (proc !== undefined) return;
    const next = spawnBroker();
    await waitReady(next);
    proc = next;
  };
  const halt = async (signal: "SIGTERM" | "SIGKILL"): Promise<void> => {
    if (proc === undefined) return;
    const current = proc;
    proc = undefined;
    await terminate(current, signal);
    lastOutput = current.output();
  };
  try {
    await start();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const bootstrap = `127.0.0.1:${opts.advertisedPort ?? port}`;
  return {
    version,
    host: "127.0.0.1",
    port,
    controllerPort,
    bootstrap,
    secureBootstrap: secure === undefined ? undefined : `127.0.0.1:${secure.port}`,
    mutualBootstrap: secure?.mutual === undefined ? undefined : `127.0.0.1:${secure.mutual.port}`,
    pid: () => proc?.child.pid,
    log: () => (proc === undefined ? lastOutput : proc.output()),
    createTopic: (name, partitions, configs) => createTopic(bootstrap, name, partitions, configs),
    stop: () => halt("SIGTERM"),
    kill: () => halt("SIGKILL"),
    start,
    async restart() {
      await halt("SIGTERM");
      await start();
    },
    async destroy() {
      destroyed = true;
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A kafkajs client for a test's own use (quiet: errors only). */
export function kafkaClient(bootstrap: string, clientId = "tollgate-test"): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
}

async function withAdmin<T>(bootstrap: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaClient(bootstrap, "tollgate-test-admin").admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic (replication factor 1) with kafkajs's admin client and waits for its partition leaders. */
export async function createTopic(bootstrap: string, name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  await withAdmin(bootstrap, async (admin) => {
    const configEntries = Object.entries(configs).map(([key, value]) => ({ name: key, value }));
    // kafkajs's own waitForLeaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft
    // broker answers until the new topic reached its metadata cache: poll here instead.
    await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions, replicationFactor: 1, configEntries }], waitForLeaders: false });
    const deadline = Date.now() + 15_000;
    let last = "";
    for (;;) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: [name] });
        const parts = metadata.topics[0]?.partitions ?? [];
        if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
        last = `${parts.length} partition(s), leaders ${parts.map((p) => p.leader).join(",")}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`topic ${name}: no leader for every partition after 15 s (${last})`);
      await sleep(100);
    }
  });
}

/**
 * Reads every record of `topic` from the beginning with a kafkajs consumer (a fresh
 * group), until `count` records arrived or `timeoutMs` passed; returns what arrived.
 */
export async function readTopic(bootstrap: string, topic: string, count: number, timeoutMs = 15_000): Promise<ReadRecord[]> {
  const consumer = kafkaClient(bootstrap, "tollgate-test-reader").consumer({
    groupId: `tollgate-test-${randomBytes(6).toString("hex")}`,
    // Small waits so a short read ends promptly.
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done: () => void = () => undefined;
    const finished = new Promise<void>((res) => (done = res));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
        });
        if (records.length >= count) done();
      },
    });
    await Promise.race([finished, sleep(timeoutMs)]);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** How many records `topic` holds: the sum over its partitions of high watermark − log start. */
export async function recordCount(bootstrap: string, topic: string): Promise<number> {
  // A topic created a moment ago can still answer NOT_LEADER_OR_FOLLOWER while its leader
  // settles: Kafka marks such errors retriable, and so does this count (for up to 5 s).
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await withAdmin(bootstrap, async (admin) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      });
    } catch (err) {
      if ((err as { retriable?: boolean }).retriable !== true || Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}

/**
 * Polls recordCount() until `topic` holds at least `expected` records or `timeoutMs`
 * passed; returns the last count (a producer's last batch may still be on its way).
 */
export async function waitForRecords(bootstrap: string, topic: string, expected: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let count = await recordCount(bootstrap, topic);
  while (count < expected && Date.now() < deadline) {
    await sleep(200);
    count = await recordCount(bootstrap, topic);
  }
  return count;
}
