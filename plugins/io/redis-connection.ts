/**
 * How to reach Redis, as both clients take it (io/lua/redis.ts in the Lua plugins,
 * ioredis in the kong-pdk plugins). `cluster_nodes` means Redis Cluster.
 */
export interface RedisConnection {
  /** Single node (policy redis). */
  host?: string;
  /** Default 6379. */
  port?: number;
  /** ACL user (AUTH username password), optional. */
  username?: string;
  password?: string;
  /** SELECT, single node only; default 0. */
  database?: number;
  /** Connect, send and read timeout. */
  timeout_ms: number;
  /** Idle connections kept per worker (per node). */
  pool_size: number;
  /** Idle time in the pool. */
  keepalive_ms: number;
  /**
   * Calls made while a round trip to a node is under way share the next one
   * (pipelined, per node). Default true.
   */
  auto_pipeline?: boolean;
  /** "host:port" seeds: Redis Cluster mode (policy redis-cluster). */
  cluster_nodes?: string[];
  /** TLS to every node. */
  ssl?: boolean;
  /** With ssl: check the certificate (a trusted chain naming server_name, else the node's host). Default true. */
  ssl_verify?: boolean;
  /** With ssl: the name sent as SNI and checked in the certificate. */
  server_name?: string;
  /** With ssl: the client certificate and key (PEM) for servers that ask for one. */
  client_cert?: string;
  client_key?: string;
}
