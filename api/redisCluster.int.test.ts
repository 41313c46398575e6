// The API's uses of Redis on a Redis Cluster (a private one of three masters, stack/testing): the result cache's
// one-script lookup, its generation bump by an event append, the pre-rendered answer attached beside an entry,
// the rate limits (rate-limiter-flexible), /readyz's memory check over every master, and the A/B store, exposures
// and attribution. Each would fail with CROSSSLOT (or "non local key" inside a script) without the hash tags.
import { createLogger } from '../core';
import { appendEvents, defaultAppendOptions, generationKey, recentKey, userSubject } from '../events';
import {
  attributeOutcomes,
  createExperimentStore,
  parseDefinition,
  lookupExposures,
  readCounts,
  recordExposure,
} from '../experiments';
import { connectRedis, isRedisCluster } from '../stack';
import { startScratchCluster, type ScratchCluster } from '../stack/testing/scratchCluster';
import { sampleEvent } from '../events/testing/sampleEvent';
import type Redis from 'ioredis';
import { uniqueNamespace } from '../test/support';
import { createResultCache } from './cache';
import { createMetrics } from './metrics';
import { createRateLimiter } from './rateLimit';
import { checkRedis, createApiRedis } from './redis';

const ns = uniqueNamespace('rc');
let cluster: ScratchCluster;
let redis: Redis;

beforeAll(async () => {
  cluster = await startScratchCluster();
  redis = createApiRedis(cluster.config.redis, createLogger('silent', 'cluster-test'), 2000);
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
});

it('connects to the cluster as a cluster', () => {
  expect(isRedisCluster(redis)).toBe(true);
});

it('caches, pre-renders and retires an entry when the subject gets an event', async () => {
  const cache = createResultCache(redis, 60, createMetrics(), createLogger('silent', 'cache'));
  const subjects = [userSubject(`${ns}-u1`)];
  let computed = 0;
  const compute = async () => ({ n: ++computed });
  const first = await cache.getOrCompute(subjects, ns, 'shape', compute);
  expect(first).toMatchObject({ value: { n: 1 }, hit: false });
  await new Promise((r) => setTimeout(r, 100)); // the entry is written in the background
  const found = await cache.lookup(subjects, ns, 'shape', ':html');
  expect(found).toMatchObject({ key: first.key, raw: JSON.stringify({ n: 1 }), rendered: null });
  cache.attach(first.key!, `${first.key}:html`, '<answer>');
  await new Promise((r) => setTimeout(r, 100));
  expect(await cache.lookup(subjects, ns, 'shape', ':html')).toMatchObject({ rendered: '<answer>' });
  // An event for the user bumps its generation in the append script: the old entry is not read again, and the
  // lookup returns the recent list the computation needs instead.
  await appendEvents(
    redis,
    [sampleEvent({ eventId: `${ns}-e1`, userId: `${ns}-u1`, productId: 'p1' })],
    defaultAppendOptions(cluster.config.events.stream),
  );
  expect(await redis.get(generationKey(subjects[0]))).toBe('1');
  const after = await cache.lookup(subjects, ns, 'shape', ':html');
  expect(after).toMatchObject({ rendered: null, raw: null });
  expect(after!.key).not.toBe(first.key);
  expect(after!.recent).toEqual([await redis.lrange(recentKey(subjects[0]), 0, -1)]);
  expect((await cache.getOrCompute(subjects, ns, 'shape', compute, after)).value).toEqual({ n: 2 });
});

it('rate-limits per client and per key', async () => {
  const limiter = createRateLimiter(redis, { perClientPerMinute: 2, perKeyPerMinute: 3 });
  const caller = { role: 'public' as const, clientId: `key:${ns}` };
  const scopes: string[] = [];
  for (const address of ['203.0.113.1', '203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2'])
    scopes.push((await limiter.consume(caller, address))?.scope ?? 'ok');
  expect(scopes).toEqual(['ok', 'ok', 'client', 'ok', 'key']);
});

it("checks every master's memory for /readyz", async () => {
  const { maxmemory } = await checkRedis(redis);
  expect(maxmemory).toBe(256 * 1024 * 1024);
});

it('stores experiments, logs exposures and attributes outcomes once', async () => {
  const prefix = cluster.config.experiments.prefix;
  const store = createExperimentStore(redis, prefix);
  const exp = await store.create(
    parseDefinition(
      {
        id: `${ns}-exp`,
        description: 'cluster',
        variants: [
          { name: 'control', weight: 0.5 },
          { name: 'b', weight: 0.5 },
        ],
      },
      'admin',
    ),
  );
  const exposure = (recId: string, variant: string) => ({
    recId,
    experimentId: exp.id,
    variant,
    unitId: `${ns}-unit-${recId}`,
    latencyMs: 4,
    itemIds: ['p1', 'p2'],
    catalogSize: 20,
  });
  await recordExposure(redis, prefix, 600, exposure('r1', 'control'));
  await recordExposure(redis, prefix, 600, exposure('r2', 'b'));
  const exposures = await lookupExposures(redis, prefix, ['r1', 'r2', 'nope']);
  expect([...exposures.keys()].sort()).toEqual(['r1', 'r2']);
  const outcomes = [
    { eventId: `${ns}-o1`, recId: 'r1', type: 'cart' as const, revenueCents: 0 },
    { eventId: `${ns}-o2`, recId: 'r2', type: 'purchase' as const, revenueCents: 1250 },
  ];
  expect(await attributeOutcomes(redis, prefix, 600, outcomes, exposures)).toEqual({
    attributed: 2,
    duplicates: 0,
    unmatched: 0,
  });
  expect(await attributeOutcomes(redis, prefix, 600, outcomes, exposures)).toMatchObject({ duplicates: 2 });
  const counts = await readCounts(redis, prefix, exp);
  expect(counts.catalogSize).toBe(20);
  expect(counts.variants.control).toMatchObject({ exposures: 1, carts: 1 });
  expect(counts.variants.b).toMatchObject({ exposures: 1, purchases: 1, revenueCents: 1250 });
});

it('reaches the cluster through a node list naming an unreachable member', async () => {
  const { basePort } = cluster.config.redis.cluster!;
  const partly = connectRedis(
    {
      ...cluster.config.redis,
      cluster: {
        ...cluster.config.redis.cluster!,
        nodes: [
          { host: '127.0.0.1', port: 1 },
          { host: '127.0.0.1', port: basePort + 1 },
        ],
      },
    },
    { maxRetriesPerRequest: 1 },
  );
  partly.on('error', () => undefined);
  try {
    await partly.set(`${ns}:reach`, 'yes');
    expect(await redis.get(`${ns}:reach`)).toBe('yes');
  } finally {
    partly.disconnect();
  }
});

it('fails at once with a clear error when no member of the node list answers', async () => {
  const none = createApiRedis(
    {
      ...cluster.config.redis,
      cluster: { ...cluster.config.redis.cluster!, nodes: [{ host: '127.0.0.1', port: 1 }] },
    },
    createLogger('silent', 'cluster-test'),
  );
  try {
    await expect(none.get('x')).rejects.toThrow(
      /Stream isn't writeable|enableOfflineQueue|None of startup nodes/,
    );
  } finally {
    none.disconnect();
  }
});
