// The result cache against the real Redis: hits, the generation bump that retires an entry, coalesced misses,
// and the script sent by hash surviving a SCRIPT FLUSH (as after a Redis restart).
import { createLogger } from '../core';
import { generationKey, recentKey, RESULT_CACHE_PREFIX } from '../events';
import { testRedis, uniqueNamespace } from '../test/support';
import { createResultCache } from './cache';
import { createMetrics } from './metrics';

const redis = testRedis();
const ns = uniqueNamespace('cache');
const cache = createResultCache(redis, 60, createMetrics(), createLogger('silent', 'cache-test'));

afterAll(async () => {
  const keys = [...(await redis.keys(`${RESULT_CACHE_PREFIX}${ns}*`)), generationKey(`user:${ns}`)];
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('result cache (Redis)', () => {
  it('computes once, then hits; a generation bump recomputes', async () => {
    let computed = 0;
    const compute = async () => ({ n: ++computed });
    const subject = `user:${ns}`;
    await redis.ping();
    expect(await cache.getOrCompute([subject], ns, 'shape', compute)).toMatchObject({
      value: { n: 1 },
      hit: false,
    });
    expect(await cache.getOrCompute([subject], ns, 'shape', compute)).toMatchObject({
      value: { n: 1 },
      hit: true,
    });
    await redis.incr(generationKey(subject));
    expect(await cache.getOrCompute([subject], ns, 'shape', compute)).toMatchObject({
      value: { n: 2 },
      hit: false,
    });
  });

  it('still reads after SCRIPT FLUSH (falls back from EVALSHA to EVAL)', async () => {
    const compute = async () => 'v';
    await cache.getOrCompute([], ns, 'flush', compute);
    await redis.script('FLUSH');
    expect(await cache.getOrCompute([], ns, 'flush', compute)).toMatchObject({ value: 'v', hit: true });
  });

  it('keeps a value beside an entry for exactly its remaining life, under the key a lookup makes', async () => {
    const subject = `user:${ns}:beside`;
    const { key } = await cache.getOrCompute([subject], ns, 'owner', async () => 'result');
    expect(key).toBe(`${RESULT_CACHE_PREFIX}${ns}:0:owner`);
    await redis.pexpire(key!, 5_000);
    const look = () => cache.lookup([subject], ns, 'owner', ':r:plan');
    expect(await look()).toMatchObject({ key, rendered: null, raw: '"result"' });
    cache.attach(key!, `${key}:r:plan`, 'rendered');
    await redis.ping(); // the attach is pipelined before this
    expect(await look()).toMatchObject({ key, rendered: 'rendered', raw: null });
    const ttl = await redis.pttl(`${key}:r:plan`);
    expect(ttl).toBeGreaterThan(4_000);
    expect(ttl).toBeLessThanOrEqual(5_000);
    // Nothing is attached to an entry that is gone; a new event (generation) hides both.
    cache.attach(`${key}:gone`, `${key}:gone:r:plan`, 'orphan');
    await redis.ping();
    expect(await redis.exists(`${key}:gone:r:plan`)).toBe(0);
    await redis.incr(generationKey(subject));
    expect(await look()).toMatchObject({ rendered: null, raw: null });
    await redis.del(generationKey(subject));
  });

  it('looks up a pre-rendered answer, else the entry, else the recent lists, in one round trip', async () => {
    const [user, session] = [`user:${ns}:look`, `session:${ns}:look`];
    await redis.rpush(recentKey(user), '{"p":"a"}', '{"p":"b"}');
    await redis.rpush(recentKey(session), '{"p":"c"}');
    const look = () => cache.lookup([user, session], ns, 'look', ':r:plan');
    expect(await look()).toEqual({
      key: `${RESULT_CACHE_PREFIX}${ns}:0.0:look`,
      rendered: null,
      raw: null,
      recent: [['{"p":"a"}', '{"p":"b"}'], ['{"p":"c"}']],
    });
    const { key } = await cache.getOrCompute([user, session], ns, 'look', async () => 'result');
    await redis.ping();
    expect(await look()).toEqual({ key, rendered: null, raw: '"result"', recent: null });
    cache.attach(key!, `${key}:r:plan`, 'answer');
    await redis.ping();
    expect(await look()).toEqual({ key, rendered: 'answer', raw: null, recent: null });
    // What a lookup found is not read again.
    let computed = 0;
    const known = { key: `${key}:other`, rendered: null, raw: null, recent: [] };
    const r = await cache.getOrCompute([user, session], ns, 'look', async () => ++computed, known);
    expect(r).toEqual({ value: 1, hit: false, key: known.key });
    await redis.del(recentKey(user), recentKey(session), `${key}:r:plan`);
  });

  it('coalesces concurrent misses of one key into one computation', async () => {
    let computed = 0;
    const compute = () => new Promise<number>((resolve) => setTimeout(() => resolve(++computed), 50));
    const all = await Promise.all(
      Array.from({ length: 5 }, () => cache.getOrCompute([], ns, 'together', compute)),
    );
    expect(all.map((r) => r.value)).toEqual([1, 1, 1, 1, 1]);
    expect(computed).toBe(1);
  });
});
