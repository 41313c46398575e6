// The API's Redis connections: no offline queue, so that when Redis is down a command fails at once and the
// caller serves uncached (or refuses to accept events) instead of hanging. Reads (cache, session state, rate
// limits) time out after 300 ms: serving uncached beats waiting. Event appends get their own connection with a
// longer timeout (EVENT_WRITE_TIMEOUT_MS): on a saturated event loop the reply can sit unread past 300 ms, and a
// storefront told "unavailable" must retry a batch that was in fact stored.
import Redis from 'ioredis';
import type { Config, Logger } from '../core';
import { connectRedis, redisMasters } from '../stack';

export const READ_TIMEOUT_MS = 300;
export const EVENT_WRITE_TIMEOUT_MS = 2000;

/** `target`: a URL (one server), or the configured Redis, which may be a Cluster (stack/redisClient.ts). */
export function createApiRedis(
  target: string | Config['redis'],
  logger: Logger,
  commandTimeoutMs = READ_TIMEOUT_MS,
): Redis {
  const options = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: commandTimeoutMs,
    // Keep trying to reconnect in the background, once a second.
    retryStrategy: () => 1000,
    // No auto-pipelining: it saves a write per command, but its per-tick pipelines keep each request's commands
    // and replies alive across young-generation GCs. Measured at 1,500 cache hits/s: 1.7 MB of every ~11 MB
    // scavenged survived (15%, against 0.1% without), promoted garbage forced a full GC every ~14 s, and the p99
    // was 10-160 ms against 6.5 ms without (docs/performance.md, "API"). Commands issued in one tick are still in
    // flight at once; each is its own write unless issued inside inOneWrite (below).
    enableAutoPipelining: false,
  };
  const redis = typeof target === 'string' ? new Redis(target, options) : connectRedis(target, options);
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'redis unavailable; serving uncached');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis is back');
    down = false;
  });
  return redis;
}

/**
 * Run `issue`, which sends commands on `redis` synchronously, with the connection's socket corked: the commands
 * leave in one write (one syscall, one Redis wake-up) instead of one each. What auto-pipelining did for the
 * front door's rate limit and lookup, without its per-tick pipelines (see createApiRedis). A Cluster has a
 * socket per node and none to cork: its commands leave one write each.
 */
export function inOneWrite<T>(redis: Redis, issue: () => T): T {
  const socket = redis.status === 'ready' ? redis.stream : undefined;
  if (!socket) return issue();
  socket.cork();
  try {
    return issue();
  } finally {
    socket.uncork();
  }
}

/**
 * /readyz's Redis check: it answers, and it is not full. Redis runs with maxmemory and noeviction
 * (docs/operations.md): at its limit it still answers PING and reads but refuses every write, trackEvents
 * included, so a PING alone would call a Redis that refuses events fine.
 */
export async function checkRedis(redis: Redis): Promise<{ usedMemory: number; maxmemory: number }> {
  // On a cluster each master has its own memory and limit: the fullest one decides (it may hold the events).
  const masters = await Promise.all(redisMasters(redis).map((node) => memoryOf(node)));
  if (masters.length === 0) throw new Error('Redis Cluster: no master is connected');
  const fullest = masters.reduce((a, b) => (fill(b) > fill(a) ? b : a));
  const { usedMemory, maxmemory, address } = fullest;
  if (maxmemory > 0 && usedMemory >= maxmemory)
    throw new Error(
      `Redis${masters.length > 1 ? ` (cluster master ${address})` : ''} is full: used_memory ${usedMemory} of maxmemory ${maxmemory} bytes; it refuses writes (events are not accepted)`,
    );
  return { usedMemory, maxmemory };
}

const fill = (m: { usedMemory: number; maxmemory: number }) =>
  m.maxmemory > 0 ? m.usedMemory / m.maxmemory : 0;

async function memoryOf(node: Redis) {
  const info = await node.info('memory');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    usedMemory: field('used_memory'),
    maxmemory: field('maxmemory'),
    address: `${node.options.host}:${node.options.port}`,
  };
}
