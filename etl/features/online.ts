// Online features in Redis, kept fresh as events arrive (the events consumer calls recordOnlineEvents), so
// serving sees activity since the last batch run. One hash per user and per product holds day buckets
// (`<type>:<utcDay>` -> count) plus `last` (ms of the newest event); windowed counts are sums of buckets.
// Buckets make increments idempotent per day and windows exact at day granularity, with no sliding state.
import type Redis from 'ioredis';
import { TYPE_NAMES, WINDOWS_DAYS } from './compute';

export type EventTypeName = (typeof TYPE_NAMES)[number];

export interface OnlineEvent {
  userId: string;
  productId: string;
  type: EventTypeName;
  ts: number;
}

export interface OnlineCounts {
  /** counts[`${type}s_${days}d`], e.g. views_7d, purchases_30d. */
  counts: Record<string, number>;
  /** Days since the newest event, or null when there is none. */
  recencyDays: number | null;
}

const DAY = 86_400_000;
/** Longest window plus slack; buckets older than that are never read, and keys expire with the user. */
const TTL_SECONDS = (Math.max(...WINDOWS_DAYS) + 7) * 86_400;

export const onlineUserKey = (prefix: string, userId: string) => `${prefix}of:u:${userId}`;
export const onlineProductKey = (prefix: string, productId: string) => `${prefix}of:p:${productId}`;

/** Apply a batch of events in one round trip. `prefix` namespaces keys (e.g. `gr:`; tests use their own). */
export async function recordOnlineEvents(redis: Redis, events: OnlineEvent[], prefix = 'gr:'): Promise<void> {
  if (events.length === 0) return;
  const pipe = redis.pipeline();
  for (const e of events) {
    const field = `${e.type}:${Math.floor(e.ts / DAY)}`;
    for (const key of [onlineUserKey(prefix, e.userId), onlineProductKey(prefix, e.productId)]) {
      pipe.hincrby(key, field, 1);
      // `last` only moves forward, even when events arrive out of order.
      pipe.eval(
        "local c = tonumber(redis.call('HGET', KEYS[1], 'last') or '0'); if tonumber(ARGV[1]) > c then redis.call('HSET', KEYS[1], 'last', ARGV[1]) end; return 0",
        1,
        key,
        String(e.ts),
      );
      pipe.expire(key, TTL_SECONDS);
    }
  }
  const results = await pipe.exec();
  const failed = results?.find(([err]) => err !== null);
  if (failed?.[0]) throw failed[0];
}

/** Sum day buckets into the same windows as the batch features (ending at `now`). */
export function countsFromHash(hash: Record<string, string>, now: number): OnlineCounts {
  const today = Math.floor(now / DAY);
  const counts: Record<string, number> = {};
  for (const type of TYPE_NAMES) for (const w of WINDOWS_DAYS) counts[`${type}s_${w}d`] = 0;
  for (const [field, value] of Object.entries(hash)) {
    const m = /^(view|cart|purchase):(\d+)$/.exec(field);
    if (!m) continue;
    const age = today - Number(m[2]);
    if (age < 0) continue; // a bucket from the future (clock skew) is not "within the last N days"
    for (const w of WINDOWS_DAYS) if (age < w) counts[`${m[1]}s_${w}d`] += Number(value);
  }
  const last = hash.last ? Number(hash.last) : NaN;
  return { counts, recencyDays: Number.isFinite(last) ? Math.max(0, (now - last) / DAY) : null };
}

export async function readOnlineUserFeatures(
  redis: Redis,
  userId: string,
  now: number,
  prefix = 'gr:',
): Promise<OnlineCounts> {
  return countsFromHash(await redis.hgetall(onlineUserKey(prefix, userId)), now);
}

export async function readOnlineProductFeatures(
  redis: Redis,
  productId: string,
  now: number,
  prefix = 'gr:',
): Promise<OnlineCounts> {
  return countsFromHash(await redis.hgetall(onlineProductKey(prefix, productId)), now);
}
