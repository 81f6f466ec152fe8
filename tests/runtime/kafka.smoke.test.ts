/**
 * Smoke test of tests/runtime/kafka.ts: for each broker release the suites use, a real
 * KRaft broker from Maven Central's jars starts on loopback, takes a topic, a record
 * produced with kafkajs is consumed back, the broker restarts on the same ports with its
 * data, and nothing is left listening after stop().
 */
import { afterAll, expect, it } from "vitest";
import { KAFKA_VERSIONS, kafkaClient, readTopic, startKafka, type KafkaBroker } from "./kafka.ts";
import { listening } from "./nginx.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the suites' own Kafka runner; starts no gateway");

async function produceOne(broker: KafkaBroker, topic: string, key: string, value: string): Promise<void> {
  const producer = kafkaClient(broker.bootstrap).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key, value, headers: { origin: "smoke" } }] });
  } finally {
    await producer.disconnect();
  }
}

for (const version of KAFKA_VERSIONS) {
  onHosts(`Kafka ${version} (KRaft, one node)`, () => {
    let broker: KafkaBroker | undefined;
    afterAll(async () => {
      await broker?.destroy();
    });

    it("starts, takes a topic, round-trips a record, restarts with its data, stops", async () => {
      let t = Date.now();
      broker = await startKafka(version);
      const startMs = Date.now() - t;
      expect(broker.log()).toContain(version);
      expect(await listening(broker.port)).toBe(true);

      t = Date.now();
      await broker.createTopic("smoke", 3);
      const topicMs = Date.now() - t;

      t = Date.now();
      await produceOne(broker, "smoke", "consumer-1", "hello");
      const before = await readTopic(broker.bootstrap, "smoke", 1);
      const roundTripMs = Date.now() - t;
      expect(before).toHaveLength(1);
      expect(before[0]?.key?.toString()).toBe("consumer-1");
      expect(before[0]?.value?.toString()).toBe("hello");
      expect(before[0]?.headers.origin?.toString()).toBe("smoke");

      const { port, controllerPort } = broker;
      t = Date.now();
      await broker.restart();
      const restartMs = Date.now() - t;
      expect([broker.port, broker.controllerPort]).toEqual([port, controllerPort]);
      await produceOne(broker, "smoke", "consumer-1", "again");
      const after = await readTopic(broker.bootstrap, "smoke", 2);
      // The first record survived the restart; the key kept both on one partition.
      expect(after.map((r) => r.value?.toString())).toEqual(["hello", "again"]);
      expect(new Set(after.map((r) => r.partition)).size).toBe(1);

      t = Date.now();
      await broker.stop();
      const stopMs = Date.now() - t;
      expect(await listening(port)).toBe(false);
      expect(await listening(controllerPort)).toBe(false);
      console.log(
        `Kafka ${version}: start ${startMs} ms, topic ${topicMs} ms, produce+consume ${roundTripMs} ms, restart ${restartMs} ms, stop ${stopMs} ms`,
      );
      // No bound on these times: a cold JVM on a busy 2-core machine may take long to
      // start, and how long is no behaviour of tollgate's. startKafka's own deadline
      // (a clear error naming the broker log) is what fails a broker that never comes up.
    });
  });
}
