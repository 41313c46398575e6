// The API's Redis connection: short timeouts, no offline queue, so that when Redis is down a command fails
// at once and the caller serves uncached (or refuses to accept events) instead of hanging.
import Redis from 'ioredis';
import type { Logger } from '../core';

export function createApiRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    commandTimeout: 300,
    // Keep trying to reconnect in the background, once a second.
    retryStrategy: () => 1000,
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
