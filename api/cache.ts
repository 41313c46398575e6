// The recommendation result cache. A key is (model version, variant, subject generations, context bucket,
// request shape). Each subject (user, session) has a generation counter that trackEvents bumps atomically with
// the event append (events/append.ts): a new event changes the key, so the user's old entry is never read
// again (it expires by TTL) and the next request recomputes with the fresh session. Reading the generations
// and the entry is one Lua call (one round trip). Concurrent misses for one key share one computation.
import type Redis from 'ioredis';
import type { Logger } from '../core';
import { generationKey, redisScript, runScript } from '../events';
import type { Metrics } from './metrics';

const GET_SCRIPT = `
local g = {}
for i, k in ipairs(KEYS) do g[i] = redis.call('GET', k) or '0' end
local key = ARGV[1] .. table.concat(g, '.') .. ARGV[2]
return {key, redis.call('GET', key)}
`;

const GET = redisScript(GET_SCRIPT);

export interface ResultCache {
  /** Return the cached value or compute it once (concurrent callers of the same key wait for the same). */
  getOrCompute<T>(
    subjects: string[],
    prefix: string,
    suffix: string,
    compute: () => Promise<T>,
  ): Promise<{ value: T; hit: boolean }>;
}

export function createResultCache(
  redis: Redis,
  ttlSeconds: number,
  metrics: Metrics,
  logger: Logger,
): ResultCache {
  const inflight = new Map<string, Promise<unknown>>();
  return {
    async getOrCompute<T>(subjects: string[], prefix: string, suffix: string, compute: () => Promise<T>) {
      let key: string | undefined;
      if (ttlSeconds > 0 && redis.status === 'ready') {
        try {
          const gens = subjects.map(generationKey);
          const [k, raw] = (await runScript(redis, GET, gens, [`graphrec:rc:${prefix}:`, `:${suffix}`])) as [
            string,
            string | null,
          ];
          key = k;
          if (raw !== null) {
            metrics.cacheRequests.inc({ cache: 'recommendations', result: 'hit' });
            return { value: JSON.parse(raw) as T, hit: true };
          }
        } catch (err) {
          logger.debug({ err: (err as Error).message }, 'cache read failed; computing uncached');
        }
      }
      metrics.cacheRequests.inc({ cache: 'recommendations', result: 'miss' });
      const flightKey = key ?? `nocache:${prefix}:${subjects.join(',')}:${suffix}`;
      const running = inflight.get(flightKey) as Promise<T> | undefined;
      if (running) return { value: await running, hit: false };
      const p = compute();
      inflight.set(flightKey, p);
      try {
        const value = await p;
        if (key !== undefined && redis.status === 'ready') {
          redis.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
        }
        return { value, hit: false };
      } finally {
        inflight.delete(flightKey);
      }
    },
  };
}
