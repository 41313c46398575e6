// The one way every part connects to Redis: a single server at REDIS_URL, or a Redis Cluster through ioredis's
// Cluster client, which reads the slot map, follows MOVED and ASK redirections (a slot being resharded) and
// re-reads the map when a master fails over. The Cluster is typed as a Redis: callers use the commands both
// answer; where the two differ (a socket to cork, SCAN and INFO per node) they ask isRedisCluster().
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import type { Config } from '../core';

/** Options as for one server; for a cluster they apply to each node's connection, and the retry to the map. */
export function connectRedis(redis: Config['redis'], options: RedisOptions = {}): Redis {
  if (redis.cluster === null) return new Redis(redis.url, options);
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  const url = new URL(redis.url);
  const cluster = new Cluster(redis.cluster.nodes, {
    redisOptions: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      ...nodeOptions,
    },
    ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
    ...(lazyConnect !== undefined ? { lazyConnect } : {}),
    ...(retryStrategy ? { clusterRetryStrategy: (times: number) => retryStrategy(times) } : {}),
    // A command sent to a master that just died waits for the slot map to name its promoted replica. Redis
    // marks a master failed after cluster-node-timeout; 16 redirections 300 ms apart outlast the local
    // stack's 2 s timeout plus the election.
    retryDelayOnFailover: 300,
    retryDelayOnClusterDown: 300,
    slotsRefreshTimeout: 2000,
  });
  return cluster as unknown as Redis;
}

export function isRedisCluster(redis: Redis): boolean {
  return (redis as unknown) instanceof Cluster;
}

/** The masters of a cluster (each holds its own keys: SCAN and INFO go to each), or the one server. */
export function redisMasters(redis: Redis): Redis[] {
  return isRedisCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}
