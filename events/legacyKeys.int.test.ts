// An upgraded single Redis: the old (untagged) layout, as a deployment before the hash tags left it, moves to
// the new names when the worker starts. On a private redis-server (the migration scans the whole keyspace) and
// the shared Neo4j under a fixture of its own: the consumer group's unacknowledged events (pending and never
// delivered) reach the graph exactly once, acknowledged ones are not replayed, dead letters, recent lists (with
// their TTL), sequences, an experiment's assignment and counters move, the old cache goes, a copy killed after
// one chunk resumes to the same end state, and a second run is a no-op.
import type Redis from 'ioredis';
import { createLogger, loadConfig, type Config } from '../core';
import type { GraphClient } from '../graph';
import { loadFixture, type Fixture } from '../api/testing/fixture';
import { startWorker } from '../jobs';
import {
  deleteLabel,
  startScratchRedis,
  testGraph,
  uniqueNamespace,
  type ScratchRedis,
} from '../test/support';
import { CONSUMER_GROUP, migrateLegacyKeys, startEventConsumer, type LegacyTargets } from './index';
import { progressKey } from './legacyKeys';
import { sampleEvent } from './testing/sampleEvent';

let graph: GraphClient;
let fx: Fixture;
let scratch: ScratchRedis;
let redis: Redis;
let config: Config;
let targets: LegacyTargets;
const logger = createLogger('warn');

beforeAll(async () => {
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Lg'));
  scratch = await startScratchRedis();
  redis = scratch.client();
  config = loadConfig({
    ...process.env,
    REDIS_URL: scratch.url,
    REDIS_CLUSTER: '0',
    EVENTS_STREAM: '{graphrec}:events',
    EXPERIMENTS_PREFIX: '{graphrec:ab}',
    JOBS_PREFIX: '{graphrec:bull}',
  });
  targets = {
    stream: config.events.stream,
    experimentsPrefix: config.experiments.prefix,
    jobsPrefix: config.jobs.prefix,
  };
}, 120_000);

afterAll(async () => {
  redis.disconnect();
  await scratch.stop();
  await graph.write(
    { name: 'test.deleteSessions', cypher: 'MATCH (s:Session) WHERE s.id STARTS WITH $p DETACH DELETE s' },
    { p: `${fx.ns}_` },
  );
  await deleteLabel(graph, fx.ns);
  await graph.close();
});

const eventIds = (n: number) => Array.from({ length: n }, (_, i) => `${fx.ns}-old-${i}`);

/** The old layout: 10 events, the group acknowledged 0-2, holds 3-5 pending and never delivered 6-9. */
async function seedOldLayout(): Promise<void> {
  const ids = eventIds(10);
  for (const [i, eventId] of ids.entries()) {
    const e = sampleEvent({
      eventId,
      userId: fx.id(`u${i}`),
      productId: fx.id(`p${i}`),
      ts: 1_700_000_000_000 + i,
    });
    await redis.xadd('graphrec:events', '*', 'e', JSON.stringify(e), 'seq', String(i + 1));
  }
  await redis.xgroup('CREATE', 'graphrec:events', CONSUMER_GROUP, '0');
  const read = (await redis.xreadgroup(
    'GROUP',
    CONSUMER_GROUP,
    'old-worker',
    'COUNT',
    6,
    'STREAMS',
    'graphrec:events',
    '>',
  )) as Array<[string, Array<[string, string[]]>]>;
  await redis.xack('graphrec:events', CONSUMER_GROUP, ...read[0][1].slice(0, 3).map(([id]) => id));
  await redis.xadd('graphrec:events:dead', '*', 'id', '1-1', 'reason', 'unparseable entry: no event field');
  await redis.lpush(`graphrec:recent:u:${fx.id('u1')}`, 'older', 'newer');
  await redis.expire(`graphrec:recent:u:${fx.id('u1')}`, 100_000);
  await redis.set(`graphrec:seq:${fx.id('s1')}`, '7', 'EX', 100_000);
  await redis.set(`graphrec:evk:${ids[0]}`, '1', 'EX', 100_000);
  await redis.hset('graphrec:ab:rec:r1', 'e', 'exp1', 'v', 'B', 'u', fx.id('u1'));
  await redis.expire('graphrec:ab:rec:r1', 100_000);
  await redis.hset('graphrec:ab:x:exp1:B:n', 'exposures', '5');
  await redis.set('graphrec:rc:digest', 'cached answer');
  await redis.set('graphrec:bull:refresh:meta', 'x');
}

async function streamEventIds(stream: string): Promise<string[]> {
  const entries = await redis.xrange(stream, '-', '+');
  return entries.map(([, f]) => (JSON.parse(f[f.indexOf('e') + 1]) as { eventId: string }).eventId);
}

async function written(): Promise<{ rels: number; distinct: number }> {
  const [row] = await graph.read<{ rels: number; distinct: number }>(
    {
      name: 'test.countEvents',
      cypher: `MATCH (:User)-[r:VIEWED|ADDED_TO_CART|PURCHASED]->(:Product) WHERE r.eventId STARTS WITH $prefix
               RETURN count(r) AS rels, count(DISTINCT r.eventId) AS distinct`,
    },
    { prefix: `${fx.ns}-old-` },
  );
  return row;
}

test('the old layout moves at worker start, resumes after a kill, and the unacknowledged events reach the graph once', async () => {
  await seedOldLayout();
  const ids = eventIds(10);

  // Killed after its first chunk: what it copied is recorded with its progress, the old stream is still there.
  const partial = await migrateLegacyKeys(redis, targets, { chunk: 4, stopAfterChunks: 1 });
  expect(partial).toMatchObject({ eventsCopied: 1, eventsSkipped: 3, oldStreamsDeleted: false });
  expect(await redis.exists('graphrec:events')).toBe(1);

  // The worker's start finishes it (no consumer yet, so the new stream can be read as the copy left it).
  const worker = await startWorker({ config, logger, port: null, events: false, schedule: false });
  await worker.stop();
  expect(await streamEventIds('{graphrec}:events')).toEqual(ids.slice(3));
  expect(await redis.xlen('{graphrec}:events:dead')).toBe(1);
  expect(await redis.exists('graphrec:events', 'graphrec:events:dead', progressKey('graphrec:events'))).toBe(
    0,
  );

  const recent = `{graphrec}:recent:u:${fx.id('u1')}`;
  expect(await redis.lrange(recent, 0, -1)).toEqual(['newer', 'older']);
  expect(await redis.ttl(recent)).toBeGreaterThan(90_000);
  expect(await redis.get(`{graphrec}:seq:${fx.id('s1')}`)).toBe('7');
  expect(await redis.ttl(`{graphrec}:seq:${fx.id('s1')}`)).toBeGreaterThan(90_000);
  expect(await redis.exists(`{graphrec}:evk:${ids[0]}`)).toBe(1);
  expect(await redis.hgetall('{graphrec:ab}:rec:r1')).toEqual({ e: 'exp1', v: 'B', u: fx.id('u1') });
  expect(await redis.ttl('{graphrec:ab}:rec:r1')).toBeGreaterThan(90_000);
  expect(await redis.hget('{graphrec:ab}:x:exp1:B:n', 'exposures')).toBe('5');
  expect(await redis.exists('graphrec:rc:digest')).toBe(0);
  expect((await redis.keys('graphrec:*')).sort()).toEqual(['graphrec:bull:refresh:meta']);

  // A second run finds nothing left to move.
  const again = await migrateLegacyKeys(redis, targets);
  expect(again).toMatchObject({
    eventsCopied: 0,
    deadLettersCopied: 0,
    keysMerged: 0,
    resultCacheDeleted: 0,
    oldQueueKeys: 1,
    oldStreamsDeleted: true,
  });
  expect(Object.values(again.keysRenamed).every((n) => n === 0)).toBe(true);

  const consumer = startEventConsumer({ config, logger, graph, blockMs: 200 });
  try {
    const deadline = Date.now() + 60_000;
    while ((await written()).distinct < 7 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
  } finally {
    await consumer.stop();
  }
  expect(await written()).toEqual({ rels: 7, distinct: 7 });
}, 180_000);

test('a key written under the new name since the upgrade is merged with the old one, not overwritten', async () => {
  await redis.rpush('graphrec:recent:s:m1', 'old1', 'old2');
  await redis.rpush('{graphrec}:recent:s:m1', 'new1');
  await redis.expire('{graphrec}:recent:s:m1', 500);
  await redis.hset('graphrec:ab:x:exp2:A:n', 'exposures', '3');
  await redis.hset('{graphrec:ab}:x:exp2:A:n', 'exposures', '2');
  await redis.set('graphrec:seq:m1', '9');
  await redis.set('{graphrec}:seq:m1', '2');
  const out = await migrateLegacyKeys(redis, targets);
  expect(out.keysMerged).toBe(3);
  expect(await redis.lrange('{graphrec}:recent:s:m1', 0, -1)).toEqual(['new1', 'old1']);
  expect(await redis.ttl('{graphrec}:recent:s:m1')).toBeGreaterThan(0);
  expect(await redis.hget('{graphrec:ab}:x:exp2:A:n', 'exposures')).toBe('5');
  expect(await redis.get('{graphrec}:seq:m1')).toBe('9');
});
