/**
 * Smoke test of tests/runtime/redis.ts: real redis-server processes on loopback,
 * a password, restart with empty data on the same port, a 3-master Redis Cluster,
 * and nothing left listening after stop().
 */
import { afterAll, expect, it } from "vitest";
import { keySlot } from "../../plugins/io/redis-slot.ts";
import { redisCli, startRedis, startRedisCluster, type RedisCluster, type RedisServer } from "./redis.ts";
import { listening } from "./nginx.ts";
import { hostsOnly } from "./targets/suites.ts";

const onHosts = hostsOnly("tests the suites' own Redis runner; starts no gateway");

onHosts("startRedis", () => {
  let server: RedisServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("starts a password-protected server, restarts it empty on the same port, stops and starts it", async () => {
    server = await startRedis({ password: "smoke-pass" });
    expect(server.host).toBe("127.0.0.1");
    await expect(redisCli({ port: server.port }, "SET", "k", "v")).resolves.toMatch(/NOAUTH/);
    expect(await redisCli(server, "SET", "k", "v")).toBe("OK");
    expect(await redisCli(server, "GET", "k")).toBe("v");
    // No persistence: restart() comes back on the same port without the key.
    expect(await redisCli(server, "CONFIG", "GET", "save")).toBe("save"); // name, then an empty value
    expect(await redisCli(server, "CONFIG", "GET", "appendonly")).toBe("appendonly\nno");
    const port = server.port;
    await server.restart();
    expect(server.port).toBe(port);
    expect(await redisCli(server, "GET", "k")).toBe("");
    expect(await redisCli(server, "DBSIZE")).toBe("0");
    // stop() then start(): the same port again.
    await server.stop();
    expect(await listening(port)).toBe(false);
    await server.start();
    expect(await redisCli(server, "PING")).toBe("PONG");
    await server.stop();
    await server.stop(); // idempotent
    server = undefined;
    expect(await listening(port)).toBe(false);
  });
});

onHosts("startRedisCluster", () => {
  let cluster: RedisCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it("starts 3 masters that share all 16384 slots and agree on a key's slot", async () => {
    cluster = await startRedisCluster(3);
    expect(cluster.nodes).toHaveLength(3);
    for (const node of cluster.nodes) {
      const info = await redisCli(node, "CLUSTER", "INFO");
      expect(info).toContain("cluster_state:ok");
      expect(info).toContain("cluster_slots_assigned:16384");
      expect(info).toContain("cluster_known_nodes:3");
    }
    // Each master owns one contiguous range (redis-cli --cluster create splits evenly).
    const lines = (await redisCli(cluster.nodes[0]!, "CLUSTER", "NODES")).split("\n");
    const ranges = lines.map((line) => line.split(" ").slice(8).join(" ")).sort();
    expect(ranges).toEqual(["0-5460", "10923-16383", "5461-10922"]);
    // The TypeScript slot function agrees with the server (vectors cover more keys).
    const key = "{consumer:42}:minute";
    expect(Number(await redisCli(cluster.nodes[1]!, "CLUSTER", "KEYSLOT", key))).toBe(keySlot(key));
    // A write through the cluster-aware redis-cli lands on the owner.
    expect(await redisCli(cluster.nodes[0]!, "-c", "SET", key, "1")).toBe("OK");
    expect(await redisCli(cluster.nodes[2]!, "-c", "GET", key)).toBe("1");

    const ports = cluster.nodes.map((node) => node.port);
    await cluster.stop();
    cluster = undefined;
    for (const port of ports) expect(await listening(port)).toBe(false);
  });
});
