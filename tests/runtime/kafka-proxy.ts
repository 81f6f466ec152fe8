/**
 * A TCP proxy in front of a Kafka broker that can lose one response, for fault tests:
 * the request reaches the broker (which writes the records), but the client never sees
 * the answer — its connection is closed instead, as when a network path fails after the
 * broker acted. A producer that retries then sends the batch a second time; only
 * idempotence (producer id + sequence numbers) keeps the broker from writing it twice.
 *
 * Test infrastructure only: listens on 127.0.0.1 (port from `freePort()`), forwards to
 * 127.0.0.1:<target>. The broker must advertise the proxy's port (startKafka's
 * `advertisedPort`), or clients would find the broker's own port in Metadata and bypass it.
 */
import { createServer, connect, type Socket } from "node:net";
import { freePort } from "./nginx.ts";

export interface KafkaProxy {
  port: number;
  /** Where to forward (the broker's real port); connections before this are refused. */
  setTarget(port: number): void;
  /**
   * The next request of this API key (0 = Produce) is forwarded, but its response is
   * swallowed and the client's connection closed.
   */
  dropNextResponse(apiKey: number): void;
  /** Responses swallowed so far. */
  dropped(): number;
  close(): Promise<void>;
}

/** Splits a byte stream into Kafka frames (int32 size + payload). */
function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
      const size = pending.readInt32BE(0);
      onFrame(pending.subarray(0, 4 + size));
      pending = pending.subarray(4 + size);
    }
  };
}

export async function startKafkaProxy(): Promise<KafkaProxy> {
  const port = await freePort();
  let target: number | undefined;
  let armedApiKey: number | undefined;
  let droppedCount = 0;
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    if (target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: "127.0.0.1", port: target });
    sockets.add(upstream);
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    /** Correlation id whose response this connection must swallow. */
    let victim: number | undefined;
    client.on(
      "data",
      framer((frame) => {
        // Request header: size, api_key int16, api_version int16, correlation_id int32.
        if (armedApiKey !== undefined && frame.length >= 12 && frame.readInt16BE(4) === armedApiKey) {
          armedApiKey = undefined;
          victim = frame.readInt32BE(8);
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      "data",
      framer((frame) => {
        if (victim !== undefined && frame.length >= 8 && frame.readInt32BE(4) === victim) {
          droppedCount++;
          client.destroy();
          upstream.destroy();
          return;
        }
        client.write(frame);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  return {
    port,
    setTarget(p) {
      target = p;
    },
    dropNextResponse(apiKey) {
      armedApiKey = apiKey;
    },
    dropped: () => droppedCount,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
