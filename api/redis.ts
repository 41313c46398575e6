// The API's Redis connections: no offline queue, so that when Redis is down a command fails at once and the
// caller serves uncached (or refuses to accept events) instead of hanging. Reads (cache, session state, rate
// limits) time out after 300 ms: serving uncached beats waiting. Event appends get their own connection with a
// longer timeout (EVENT_WRITE_TIMEOUT_MS): on a saturated event loop the reply can sit unread past 300 ms, and a
// storefront told "unavailable" must retry a batch that was in fact stored.
import Redis from 'ioredis';
import type { Logger } from '../core';

export const READ_TIMEOUT_MS = 300;
export const EVENT_WRITE_TIMEOUT_MS = 2000;

export function createApiRedis(url: string, logger: Logger, commandTimeoutMs = READ_TIMEOUT_MS): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: commandTimeoutMs,
    // Keep trying to reconnect in the background, once a second.
    retryStrategy: () => 1000,
    // Commands issued in one tick (the rate limit, cache and session reads of concurrent requests) leave in one
    // write: under load this saves a syscall and a Redis wake-up per command.
    enableAutoPipelining: true,
  });
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
