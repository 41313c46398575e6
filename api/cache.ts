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

// A value kept beside an entry (a pre-rendered answer) lives exactly as long as the entry it was made from.
const ATTACH = redisScript(`
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('SET', KEYS[2], ARGV[1], 'PX', ttl) end
return ttl
`);

export interface ResultCache {
  /** Return the cached value or compute it once (concurrent callers of the same key wait for the same). */
  getOrCompute<T>(
    subjects: string[],
    prefix: string,
    suffix: string,
    compute: () => Promise<T>,
  ): Promise<{ value: T; hit: boolean; key: string | undefined }>;
  /**
   * Read a raw value under a key made like an entry's (prefix, the subjects' generations, suffix) without counting
   * or computing anything. `key` is undefined when Redis cannot be asked.
   */
  peek(
    subjects: string[],
    prefix: string,
    suffix: string,
  ): Promise<{ key: string | undefined; raw: string | null }>;
  /** Store `raw` under `key` for as long as the entry `ownerKey` has left to live (nothing if it is gone). */
  attach(ownerKey: string, key: string, raw: string): void;
}

export function createResultCache(
  redis: Redis,
  ttlSeconds: number,
  metrics: Metrics,
  logger: Logger,
): ResultCache {
  const inflight = new Map<string, Promise<unknown>>();
  const usable = () => ttlSeconds > 0 && redis.status === 'ready';
  const peek: ResultCache['peek'] = async (subjects, prefix, suffix) => {
    if (!usable()) return { key: undefined, raw: null };
    try {
      const [key, raw] = (await runScript(redis, GET, subjects.map(generationKey), [
        `graphrec:rc:${prefix}:`,
        `:${suffix}`,
      ])) as [string, string | null];
      return { key, raw };
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'cache read failed; computing uncached');
      return { key: undefined, raw: null };
    }
  };
  return {
    peek,
    attach(ownerKey, key, raw) {
      if (!usable()) return;
      runScript(redis, ATTACH, [ownerKey, key], [raw]).catch((err: Error) =>
        logger.debug({ err: err.message }, 'cache attach failed'),
      );
    },
    async getOrCompute<T>(subjects: string[], prefix: string, suffix: string, compute: () => Promise<T>) {
      const { key, raw } = await peek(subjects, prefix, suffix);
      if (raw !== null) {
        metrics.cacheRequests.inc({ cache: 'recommendations', result: 'hit' });
        return { value: JSON.parse(raw) as T, hit: true, key };
      }
      metrics.cacheRequests.inc({ cache: 'recommendations', result: 'miss' });
      const flightKey = key ?? `nocache:${prefix}:${subjects.join(',')}:${suffix}`;
      const running = inflight.get(flightKey) as Promise<T> | undefined;
      if (running) return { value: await running, hit: false, key };
      const p = compute();
      inflight.set(flightKey, p);
      try {
        const value = await p;
        if (key !== undefined && redis.status === 'ready') {
          redis.set(key, JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
        }
        return { value, hit: false, key };
      } finally {
        inflight.delete(flightKey);
      }
    },
  };
}
