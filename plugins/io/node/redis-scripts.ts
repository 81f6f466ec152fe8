/**
 * Redis for the Kong JS plugin server (ioredis): one client per connection
 * setting, single node or Redis Cluster, and scripts run with EVALSHA falling back
 * to EVAL (ioredis's defineCommand does exactly that).
 */
import { Cluster, Redis } from "ioredis";
import type { RedisConnection } from "../redis-connection";

type Client = Redis | Cluster;
const clients = new Map<string, Client>();

function clientFor(connection: RedisConnection): Client {
  const id = JSON.stringify(connection);
  let client = clients.get(id);
  if (client !== undefined) return client;
  const common = {
    username: connection.username,
    password: connection.password,
    connectTimeout: connection.timeout_ms,
    commandTimeout: connection.timeout_ms,
    // While (re)connecting, a command waits at most timeout_ms (commandTimeout) and is
    // failed at the first failed reconnect (maxRetriesPerRequest 0): the plugin then
    // degrades as configured instead of holding requests.
    maxRetriesPerRequest: 0,
    // Commands issued while others are in flight share one write (as the Lua client's auto_pipeline).
    enableAutoPipelining: connection.auto_pipeline !== false,
    // Node checks the certificate against its CAs (plus NODE_EXTRA_CA_CERTS).
    tls:
      connection.ssl === true
        ? { servername: connection.server_name, rejectUnauthorized: connection.ssl_verify !== false, cert: connection.client_cert, key: connection.client_key }
        : undefined,
  };
  if (connection.cluster_nodes !== undefined) {
    const nodes = connection.cluster_nodes.map((node) => {
      const at = node.lastIndexOf(":");
      return { host: node.substring(0, at), port: Number(node.substring(at + 1)) };
    });
    client = new Cluster(nodes, { redisOptions: common, enableAutoPipelining: common.enableAutoPipelining });
  } else {
    client = new Redis({ ...common, host: connection.host, port: connection.port, db: connection.database });
  }
  // Errors surface on the commands; an unhandled 'error' event would crash the plugin server.
  client.on("error", () => undefined);
  clients.set(id, client);
  return client;
}

/** Runs a script atomically; resolves to its reply, rejects with the Redis error. */
export async function runScript(
  connection: RedisConnection,
  name: string,
  source: string,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  const client = clientFor(connection);
  const command = `tollgate_${name}`;
  if (!(command in client)) client.defineCommand(command, { lua: source });
  const run = (client as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[command]!;
  return run.call(client, keys.length, ...keys, ...args);
}

/** Closes every client (tests, and plugin server shutdown). */
export async function closeRedisClients(): Promise<void> {
  for (const client of clients.values()) client.disconnect();
  clients.clear();
}
