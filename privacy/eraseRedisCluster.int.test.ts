// A shopper's erasure from a Redis Cluster (a private one: three masters, stack/testing): their keys spread over
// several slots and masters (the event path's {graphrec} family, the A/B prefix's, cached answers), so erasure
// must scan every master and never send one command across slots.
import type Redis from 'ioredis';
import { connectRedis } from '../stack';
import { startScratchCluster, type ScratchCluster } from '../stack/testing/scratchCluster';
import {
  generationKey,
  idempotencyKey,
  recentKey,
  RESULT_CACHE_PREFIX,
  sequenceKey,
  sessionSubject,
  userSubject,
} from '../events';
import { experimentKeys } from '../experiments';
import { eraseFromRedis } from './eraseRedis';

const stream = '{graphrec}:events:erase';
const prefix = '{graphrec:ab}';
let cluster: ScratchCluster;
let redis: Redis;

beforeAll(async () => {
  cluster = await startScratchCluster({ env: { EVENTS_STREAM: stream, EXPERIMENTS_PREFIX: prefix } });
  redis = connectRedis(cluster.config.redis, { maxRetriesPerRequest: 2 });
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

test('users forget on a cluster removes the shopper from every master and leaves others alone', async () => {
  const xk = experimentKeys(prefix);
  const event = (eventId: string, userId: string, sessionId: string) =>
    JSON.stringify({ eventId, userId, sessionId, productId: 'p1', type: 'view', ts: 1 });
  await redis.xadd(stream, '*', 'e', event('ev1', 'alice', 'sa'));
  await redis.xadd(stream, '*', 'e', event('ev2', 'bob', 'sb'));
  for (const k of [
    recentKey(userSubject('alice')),
    recentKey(sessionSubject('sa')),
    generationKey(userSubject('alice')),
    sequenceKey('sa'),
    idempotencyKey('ev1'),
    xk.attributed('ev1'),
    recentKey(userSubject('bob')),
  ])
    await redis.set(k, '1');
  await redis.hset(xk.exposure('rec-a'), 'e', 'x', 'v', 'A', 'u', 'u:alice');
  await redis.hset(xk.exposure('rec-b'), 'e', 'x', 'v', 'A', 'u', 'u:bob');
  await redis.set(`${RESULT_CACHE_PREFIX}d1`, 'answer');
  await redis.set(`${RESULT_CACHE_PREFIX}d2`, 'answer');

  const out = await eraseFromRedis(redis, 'alice', { stream, experimentsPrefix: prefix, sessions: [] });

  expect(out).toMatchObject({ streamEntries: 1, keys: 7, cacheEntries: 2, sessions: ['sa'] });
  expect(await redis.xlen(stream)).toBe(1);
  expect(await redis.exists(recentKey(userSubject('bob')))).toBe(1);
  expect(await redis.exists(xk.exposure('rec-b'))).toBe(1);
  expect(await redis.exists(xk.exposure('rec-a'), xk.attributed('ev1'))).toBe(0);
});
