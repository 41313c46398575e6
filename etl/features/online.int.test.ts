import type Redis from 'ioredis';
import { testRedis, uniqueNamespace } from '../../test/support';
import {
  onlineUserKey,
  readOnlineProductFeatures,
  readOnlineUserFeatures,
  recordOnlineEvents,
} from './online';

const DAY = 86_400_000;

describe('online features in Redis', () => {
  let redis: Redis;
  const prefix = `${uniqueNamespace('of')}:`;
  beforeAll(() => {
    redis = testRedis();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts arriving events per user and product and keeps the newest timestamp', async () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    await recordOnlineEvents(
      redis,
      [
        { userId: 'u1', productId: 'p1', type: 'view', ts: now - 2 * DAY },
        { userId: 'u1', productId: 'p1', type: 'cart', ts: now - DAY },
        { userId: 'u1', productId: 'p2', type: 'view', ts: now - 20 * DAY }, // arrives late, older
        { userId: 'u2', productId: 'p1', type: 'purchase', ts: now - 3 * DAY },
      ],
      prefix,
    );
    const u1 = await readOnlineUserFeatures(redis, 'u1', now, prefix);
    expect(u1.counts).toMatchObject({ views_7d: 1, views_30d: 2, carts_7d: 1, purchases_30d: 0 });
    expect(u1.recencyDays).toBeCloseTo(1);
    const p1 = await readOnlineProductFeatures(redis, 'p1', now, prefix);
    expect(p1.counts).toMatchObject({ views_7d: 1, carts_7d: 1, purchases_7d: 1 });
    expect(await redis.ttl(onlineUserKey(prefix, 'u1'))).toBeGreaterThan(365 * 86_400);
  });
});
