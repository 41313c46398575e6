// The recommendation result cache. A key is (model version, variant, subject generations, context bucket,
// request shape). Each subject (user, session) has a generation counter that trackEvents bumps atomically with
// the event append (events/append.ts): a new event changes the key, so the user's old entry is never read
// again (it expires by TTL) and the next request recomputes with the fresh session. Reading the generations
// and the entry is one Lua call (one round trip). Concurrent misses for one key share one computation.
// An entry's key depends on the generations the script reads, so the script builds it and cannot declare it in
// KEYS; it starts with RESULT_CACHE_PREFIX, whose hash tag puts it in the generations' slot on a Redis Cluster.
import type Redis from 'ioredis';
import type { Logger } from '../core';
import { generationKey, recentKey, redisScript, RESULT_CACHE_PREFIX, runScript } from '../events';
import type { Metrics } from './metrics';

const GET_SCRIPT = `
local g = {}
for i, k in ipairs(KEYS) do g[i] = redis.call('GET', k) or '0' end
local key = ARGV[1] .. table.concat(g, '.') .. ARGV[2]
return {key, redis.call('GET', key)}
`;

const GET = redisScript(GET_SCRIPT);

// One round trip for everything a recommendations request reads before it computes. KEYS: the subjects'
// generation keys, then their recent-list keys (ARGV[4] says how many subjects). The pre-rendered answer (ARGV[3],
// a suffix of the entry's key; '' for none) when there is one; else the entry; else the recent lists a
// computation needs. Lua's false becomes nil.
const LOOKUP = redisScript(`
local n = tonumber(ARGV[4])
local g = {}
for i = 1, n do g[i] = redis.call('GET', KEYS[i]) or '0' end
local key = ARGV[1] .. table.concat(g, '.') .. ARGV[2]
if ARGV[3] ~= '' then
  local r = redis.call('GET', key .. ARGV[3])
  if r then return {key, r, false} end
end
local v = redis.call('GET', key)
if v then return {key, false, v} end
local out = {key, false, false}
for i = n + 1, #KEYS do out[#out + 1] = redis.call('LRANGE', KEYS[i], 0, 49) end
return out
`);

/** What one lookup found: the key, and the pre-rendered answer, else the entry, else the recent lists. */
export interface Lookup {
  key: string;
  rendered: string | null;
  raw: string | null;
  /** Per subject, its recent list (newest first, JSON per event); null when an answer or entry was found. */
  recent: string[][] | null;
}

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
    /** What a lookup of the same key already found: the entry is not read again. */
    known?: Lookup,
  ): Promise<{ value: T; hit: boolean; key: string | undefined }>;
  /**
   * One round trip for a request: the entry's key, and the value stored under its key plus `renderedSuffix` when
   * there is one, else the entry, else the subjects' recent lists. Undefined when Redis cannot be asked.
   */
  lookup(
    subjects: string[],
    prefix: string,
    suffix: string,
    renderedSuffix: string,
  ): Promise<Lookup | undefined>;
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
  // The entry alone (no pre-rendered answer, no recent lists): for a request that made no lookup.
  const peek = async (
    subjects: string[],
    prefix: string,
    suffix: string,
  ): Promise<{ key: string | undefined; raw: string | null }> => {
    if (!usable()) return { key: undefined, raw: null };
    try {
      const [key, raw] = (await runScript(redis, GET, subjects.map(generationKey), [
        `${RESULT_CACHE_PREFIX}${prefix}:`,
        `:${suffix}`,
      ])) as [string, string | null];
      return { key, raw };
    } catch (err) {
      logger.debug({ err: (err as Error).message }, 'cache read failed; computing uncached');
      return { key: undefined, raw: null };
    }
  };
  return {
    async lookup(subjects, prefix, suffix, renderedSuffix) {
      if (!usable()) return undefined;
      try {
        const [key, rendered, raw, ...recent] = (await runScript(
          redis,
          LOOKUP,
          [...subjects.map(generationKey), ...subjects.map(recentKey)],
          [`${RESULT_CACHE_PREFIX}${prefix}:`, `:${suffix}`, renderedSuffix, String(subjects.length)],
        )) as [string, string | null, string | null, ...string[][]];
        return { key, rendered, raw, recent: rendered === null && raw === null ? recent : null };
      } catch (err) {
        logger.debug({ err: (err as Error).message }, 'cache read failed; computing uncached');
        return undefined;
      }
    },
    attach(ownerKey, key, raw) {
      if (!usable()) return;
      runScript(redis, ATTACH, [ownerKey, key], [raw]).catch((err: Error) =>
        logger.debug({ err: err.message }, 'cache attach failed'),
      );
    },
    async getOrCompute<T>(
      subjects: string[],
      prefix: string,
      suffix: string,
      compute: () => Promise<T>,
      known?: Lookup,
    ) {
      const { key, raw } = known ?? (await peek(subjects, prefix, suffix));
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
