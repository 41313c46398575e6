// Rate limits per client of a shared key, against the real Redis, and the client address behind proxies.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '../core';
import { testRedis } from '../test/support';
import type { Caller } from './auth';
import { startApiServer } from './index';
import { createRateLimiter } from './rateLimit';

const unique = () => `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('createRateLimiter', () => {
  const redis = testRedis();
  afterAll(async () => {
    await redis.quit();
  });

  it('limits each client of a key on its own, under a ceiling for the key that a refused client does not use up', async () => {
    const limiter = createRateLimiter(redis, { perClientPerMinute: 3, perKeyPerMinute: 5 });
    const caller: Caller = { role: 'public', clientId: `key:test-${unique()}` };
    const from = async (address: string, n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push((await limiter.consume(caller, address))?.scope ?? 'ok');
      return out;
    };
    expect(await from('203.0.113.1', 8)).toEqual([
      'ok',
      'ok',
      'ok',
      'client',
      'client',
      'client',
      'client',
      'client',
    ]);
    // The first client's refused requests gave their share of the ceiling back: 2 of 5 are left.
    expect(await from('203.0.113.2', 3)).toEqual(['ok', 'ok', 'key']);
    const refused = await limiter.consume(caller, '203.0.113.3');
    expect(refused).toMatchObject({ scope: 'key', pointsPerMinute: 5 });
    expect(refused!.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe('the API behind a proxy', () => {
  const KEY = `rl-key-${unique()}`;
  const dirs: string[] = [];
  const start = async (env: Record<string, string>) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-rl-test-'));
    dirs.push(dataDir);
    const config = loadConfig({
      ...process.env,
      GRAPHREC_DATA_DIR: dataDir,
      API_PUBLIC_KEYS: KEY,
      API_RATE_LIMIT_PER_MIN: '2',
      ...env,
    });
    return startApiServer({ config, logger: createLogger('silent'), port: 0 });
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
  const statuses = async (url: string, forwardedFor: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY, 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };

  it('limits each browser of the shared key by the address the trusted proxy saw', async () => {
    const s = await start({ API_TRUSTED_PROXY_HOPS: '1' });
    // Addresses unique to this run: the buckets live in the shared Redis for a minute.
    const a = `198.51.100.${1 + (process.pid % 100)}`;
    const b = `198.51.100.${101 + (process.pid % 100)}`;
    expect(await statuses(s.url, `6.6.6.6, ${a}`, 3)).toEqual([200, 200, 429]);
    expect(await statuses(s.url, b, 2)).toEqual([200, 200]);
    await s.stop(1000);
  });

  it('ignores X-Forwarded-For when no proxy is trusted: a client cannot pick new addresses for itself', async () => {
    const s = await start({ API_TRUSTED_PROXY_HOPS: '0', API_RATE_LIMIT_PER_MIN: '3' });
    const first = await statuses(s.url, '192.0.2.1', 3);
    expect(first).toEqual([200, 200, 200]);
    expect(await statuses(s.url, '192.0.2.2', 1)).toEqual([429]);
    await s.stop(1000);
  });
});
