// A shopper's traces in Redis, removed: the event stream's entries (and dead letters) that carry them, their and
// their sessions' recent lists, generations and sequence counters, the idempotency and attribution markers of
// their events, the A/B exposures and unit memberships, and every cached or pre-rendered recommendation.
//
// The result cache is dropped whole: its keys are digests of the request (api/cache.ts, api/recRequest.ts), so
// the entries made for one shopper cannot be told apart, and each would be recomputed within API_CACHE_TTL_S
// anyway. Erasure is rare; a cold cache for a minute is its price.
import type Redis from 'ioredis';
import {
  deadLetterStream,
  generationKey,
  idempotencyKey,
  recentKey,
  RESULT_CACHE_PREFIX,
  sequenceKey,
  sessionSubject,
  userSubject,
} from '../events';
import { createExperimentStore, experimentKeys, unitOf } from '../experiments';
import { isRedisCluster, redisMasters } from '../stack';

/** api/cache.ts's key family (entries and their pre-rendered answers); the erasure test proves they go. */
export const RESULT_CACHE_PATTERN = `${RESULT_CACHE_PREFIX}*`;

export interface RedisErasure {
  /** Event stream entries and dead letters deleted. */
  streamEntries: number;
  /** Per-shopper and per-session keys deleted (recent lists, generations, sequences, markers, exposures). */
  keys: number;
  /** A/B unit memberships removed (exposed, carted, bought, revenue). */
  unitMemberships: number;
  /** Cached and pre-rendered recommendation answers dropped. */
  cacheEntries: number;
  /** Sessions of the shopper found in the stream (beside those the graph knew). */
  sessions: string[];
}

export interface RedisEraseOptions {
  stream: string;
  experimentsPrefix: string;
  /** The shopper's sessions as the graph knows them. */
  sessions: string[];
}

const PAGE = 1000;

/** A stream entry's event, whichever field carries it (`e` in the stream and in dead letters). */
function eventOf(fields: string[]): { userId?: unknown; sessionId?: unknown; eventId?: unknown } | null {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'e') continue;
    try {
      const v = JSON.parse(fields[i + 1]) as unknown;
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return null;
}

async function* entries(redis: Redis, stream: string): AsyncGenerator<[string, string[]]> {
  let start = '-';
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', PAGE);
    for (const entry of page) yield entry;
    if (page.length < PAGE) return;
    start = `(${page[page.length - 1][0]}`;
  }
}

/** Every key matching `pattern`, page by page; on a Redis Cluster each master holds its own keys, so each is
 * scanned. */
async function* scan(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  for (const node of redisMasters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', PAGE);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** Delete keys; returns how many existed. One command may not span slots on a cluster, so there each key goes
 * on its own (the client routes it); one Redis takes them a page at a time. */
export async function deleteKeys(redis: Redis, keys: string[]): Promise<number> {
  let n = 0;
  for (let i = 0; i < keys.length; i += PAGE) {
    const page = keys.slice(i, i + PAGE);
    if (!isRedisCluster(redis)) n += await redis.unlink(...page);
    else for (const c of await Promise.all(page.map((k) => redis.unlink(k)))) n += c;
  }
  return n;
}

export async function eraseFromRedis(
  redis: Redis,
  userId: string,
  opts: RedisEraseOptions,
): Promise<RedisErasure> {
  const streams = [opts.stream, deadLetterStream(opts.stream)];
  const sessions = new Set(opts.sessions);
  // First the sessions the stream knows (events not yet in the graph), so that the anonymous events of those
  // sessions (before sign-in) are found by the second pass.
  for (const s of streams)
    for await (const [, fields] of entries(redis, s)) {
      const e = eventOf(fields);
      if (e?.userId === userId && typeof e.sessionId === 'string') sessions.add(e.sessionId);
    }
  const anonymous = new Set([...sessions].map((s) => `anon:${s}`));
  const eventIds: string[] = [];
  let streamEntries = 0;
  for (const s of streams) {
    const doomed: string[] = [];
    for await (const [id, fields] of entries(redis, s)) {
      const e = eventOf(fields);
      if (!e) continue;
      const mine =
        e.userId === userId ||
        (typeof e.userId === 'string' && anonymous.has(e.userId)) ||
        (typeof e.sessionId === 'string' && sessions.has(e.sessionId));
      if (!mine) continue;
      doomed.push(id);
      if (typeof e.eventId === 'string') eventIds.push(e.eventId);
    }
    for (let i = 0; i < doomed.length; i += PAGE)
      streamEntries += await redis.xdel(s, ...doomed.slice(i, i + PAGE));
  }

  const xk = experimentKeys(opts.experimentsPrefix);
  // A/B units as experiments/ names them: the user, or the session when the request had no user.
  const units = [
    ...[userId, ...anonymous].map((u) => unitOf({ unit: 'user' }, { userId: u, sessionId: null })),
    ...[...sessions].map((sid) => unitOf({ unit: 'session' }, { userId: null, sessionId: sid })),
  ].filter((u): u is string => u !== null);
  const subjects = [
    userSubject(userId),
    ...[...anonymous].map(userSubject),
    ...[...sessions, `none:${userId}`].map(sessionSubject),
  ];
  const keys = [
    ...subjects.flatMap((s) => [recentKey(s), generationKey(s)]),
    ...[...sessions, `none:${userId}`].map(sequenceKey),
    ...eventIds.flatMap((id) => [idempotencyKey(id), xk.attributed(id)]),
  ];
  // Exposures name their unit (the user or the session): those of this shopper go.
  for await (const batch of scan(redis, xk.exposure('*'))) {
    const pipe = redis.pipeline();
    for (const k of batch) pipe.hget(k, 'u');
    const res = (await pipe.exec()) ?? [];
    batch.forEach((k, i) => {
      const unit = res[i]?.[1];
      if (typeof unit === 'string' && units.includes(unit)) keys.push(k);
    });
  }
  const deleted = await deleteKeys(redis, keys);

  let unitMemberships = 0;
  const experiments = await createExperimentStore(redis, opts.experimentsPrefix).list();
  for (const x of experiments)
    for (const v of x.variants) {
      const pipe = redis.pipeline();
      for (const set of [xk.units, xk.carters, xk.buyers]) pipe.srem(set(x.id, v.name), ...units);
      pipe.hdel(xk.revenue(x.id, v.name), ...units);
      for (const [, n] of (await pipe.exec()) ?? []) unitMemberships += typeof n === 'number' ? n : 0;
    }

  const cacheEntries = await dropResultCache(redis);

  return {
    streamEntries,
    keys: deleted,
    unitMemberships,
    cacheEntries,
    sessions: [...sessions].filter((s) => !opts.sessions.includes(s)),
  };
}

/** Drop every cached and pre-rendered recommendation answer; returns how many keys went. */
export async function dropResultCache(redis: Redis): Promise<number> {
  let n = 0;
  for await (const batch of scan(redis, RESULT_CACHE_PATTERN)) n += await deleteKeys(redis, batch);
  return n;
}
