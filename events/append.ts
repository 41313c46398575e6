// The durable half of trackEvents: one Lua script, so that for each event the idempotency check, the stream
// append, the session state and the cache invalidation happen atomically (no event is half-accepted).
// Redis runs with AOF on (appendfsync everysec, stack/redis.ts): an acknowledged append survives a Redis
// crash except for the last second of writes on a machine crash; see docs/api.md.
import type Redis from 'ioredis';
import { GraphrecError } from '../core';
import { redisScript, runScript } from './redisScript';
import type { TrackedEvent } from './types';
import { generationKey, idempotencyKey, recentKey, sequenceKey, sessionSubject, userSubject } from './keys';

export interface AppendOptions {
  stream: string;
  /** How long an idempotency key is remembered. */
  idempotencyTtlSeconds: number;
  /** How long a session's or user's recent events stay in Redis. */
  recentTtlSeconds: number;
  /** How many recent events are kept per subject. */
  recentLength: number;
}

export const defaultAppendOptions = (stream: string): AppendOptions => ({
  stream,
  idempotencyTtlSeconds: 7 * 24 * 3600,
  // Two days: a model's history snapshot (api/recs/history.ts) stands in for Neo4j while every event since its
  // export is still here, which then covers a nightly refresh that failed once.
  recentTtlSeconds: 48 * 3600,
  recentLength: 50,
});

// KEYS: the stream, then per event (idempotency, recent lists, generations, sequence), so the script only touches
// keys it was given (on a Redis Cluster they all carry the {graphrec} hash tag: one slot, events/keys.ts). ARGV:
// idemTtl, recentTtl, recentLen, then one JSON payload and the event's recent-entry JSON per event. Returns per
// event: the stream id, or 0 for a duplicate.
const SCRIPT = redisScript(`
local stream = KEYS[1]
local idemTtl = tonumber(ARGV[1])
local recentTtl = tonumber(ARGV[2])
local recentLen = tonumber(ARGV[3])
local n = (#KEYS - 1) / 6
local out = {}
for i = 0, n - 1 do
  local k = 1 + i * 6
  local payload = ARGV[4 + i * 2]
  local recent = ARGV[5 + i * 2]
  if redis.call('SET', KEYS[k + 1], '1', 'NX', 'EX', idemTtl) then
    local seq = redis.call('INCR', KEYS[k + 6])
    redis.call('EXPIRE', KEYS[k + 6], recentTtl)
    local id = redis.call('XADD', stream, '*', 'e', payload, 'seq', seq)
    for _, rk in ipairs({KEYS[k + 2], KEYS[k + 3]}) do
      redis.call('LPUSH', rk, recent)
      redis.call('LTRIM', rk, 0, recentLen - 1)
      redis.call('EXPIRE', rk, recentTtl)
    end
    for _, gk in ipairs({KEYS[k + 4], KEYS[k + 5]}) do
      redis.call('INCR', gk)
      redis.call('EXPIRE', gk, recentTtl)
    end
    out[i + 1] = id
  else
    out[i + 1] = 0
  end
end
return out
`);

/** What the session state holds per recent event (newest first). */
export interface RecentEvent {
  p: string;
  t: EventTypeShort;
  ts: number;
}
type EventTypeShort = 'view' | 'cart' | 'purchase';

/**
 * Redis refused the append because it is at its maxmemory (it runs with noeviction: the stream and the queues
 * must never be evicted, so a full Redis refuses writes instead). Nothing of the batch was stored: the script
 * fails at its first write. A typed UNAVAILABLE, so the storefront retries with the same idempotency keys, with
 * a message that says what an operator must fix.
 */
export class RedisFullError extends GraphrecError {
  constructor(cause: unknown) {
    super(
      'UNAVAILABLE',
      'events cannot be stored right now: Redis is full (maxmemory reached, it refuses writes); retry with the same idempotency keys',
      { field: 'events' },
      { cause },
    );
    this.name = 'RedisFullError';
  }
}

/** Redis's answer to a write past maxmemory under noeviction: "OOM command not allowed when used memory...". */
export const isRedisOom = (err: unknown): boolean =>
  /\bOOM\b.*maxmemory/i.test(err instanceof Error ? err.message : String(err));

export interface AppendResult {
  accepted: string[];
  duplicates: string[];
}

export async function appendEvents(
  redis: Redis,
  events: TrackedEvent[],
  opts: AppendOptions,
): Promise<AppendResult> {
  if (events.length === 0) return { accepted: [], duplicates: [] };
  const keys: string[] = [opts.stream];
  const argv: string[] = [
    String(opts.idempotencyTtlSeconds),
    String(opts.recentTtlSeconds),
    String(opts.recentLength),
  ];
  for (const e of events) {
    const session = sessionSubject(e.sessionId ?? `none:${e.userId}`);
    const user = userSubject(e.userId);
    keys.push(
      idempotencyKey(e.eventId),
      recentKey(session),
      recentKey(user),
      generationKey(session),
      generationKey(user),
      sequenceKey(e.sessionId ?? `none:${e.userId}`),
    );
    const recent: RecentEvent = { p: e.productId, t: e.type, ts: e.ts };
    argv.push(JSON.stringify(e), JSON.stringify(recent));
  }
  let res: Array<string | number>;
  try {
    res = (await runScript(redis, SCRIPT, keys, argv)) as Array<string | number>;
  } catch (err) {
    throw isRedisOom(err) ? new RedisFullError(err) : err;
  }
  const out: AppendResult = { accepted: [], duplicates: [] };
  res.forEach((r, i) => (r === 0 ? out.duplicates : out.accepted).push(events[i].eventId));
  return out;
}
