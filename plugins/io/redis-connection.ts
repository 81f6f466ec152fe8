/**
 * How to reach Redis, as both clients take it (lua-resty-redis in the Lua plugins,
 * ioredis in the kong-pdk plugins). `cluster_nodes` means Redis Cluster.
 */
export interface RedisConnection {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  database?: number;
  timeout_ms: number;
  pool_size: number;
  keepalive_ms: number;
  cluster_nodes?: string[];
}
