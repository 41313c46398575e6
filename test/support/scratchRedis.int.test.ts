import Redis from 'ioredis';
import { startScratchRedis, type ScratchRedis } from './scratchRedis';
import { testRedis, uniqueNamespace } from '.';

describe('a scratch Redis', () => {
  let scratch: ScratchRedis;
  beforeAll(async () => {
    scratch = await startScratchRedis();
  });
  afterAll(async () => scratch?.stop());

  it('is a separate, empty server: what it holds is not in the shared Redis', async () => {
    const mine = scratch.client();
    const shared = testRedis();
    try {
      expect(await mine.dbsize()).toBe(0);
      const key = uniqueNamespace('ScratchOnly');
      await mine.set(key, '1');
      expect(await mine.get(key)).toBe('1');
      expect(await shared.exists(key)).toBe(0);
    } finally {
      await mine.quit();
      await shared.quit();
    }
  });

  it('stops: its port refuses connections afterwards', async () => {
    const other = await startScratchRedis();
    await other.stop();
    const probe = new Redis(other.url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
  });
});
