// Wrong API keys are limited per client address, in Redis: past the limit every keyed request from that address
// is refused (even with a right key, so a guess cannot be confirmed), with a typed 429; other addresses and
// requests without a key are unaffected; the count is shared through Redis by every replica.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig } from '../core';
import { testRedis, uniqueNamespace } from '../test/support';
import { authenticate, createKeyGuessLimiter } from './auth';
import { startApiServer } from './index';

const logger = createLogger('silent', 'auth-test');
const redis = testRedis();
const prefix = uniqueNamespace('keyguess');
const api = {
  host: '127.0.0.1',
  port: 0,
  publicKeys: ['public-key-0123456789'],
  adminKeys: ['admin-key-0123456789'],
};

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe('wrong API key limiter', () => {
  it('refuses an address after the limit, before checking its key, and spares other addresses', async () => {
    const t = 1_000_000;
    const limiter = createKeyGuessLimiter(
      redis,
      { limit: 3, windowSeconds: 60, prefix, now: () => t },
      logger,
    );
    for (let i = 0; i < 3; i++) {
      const r = authenticate(api, `guess-${i}`, '10.0.0.1', limiter);
      expect(r).toMatchObject({ ok: false, status: 401, code: 'UNAUTHENTICATED' });
      await limiter.settled();
    }
    // The limit is reached, not passed: a right key still works.
    expect(authenticate(api, 'admin-key-0123456789', '10.0.0.1', limiter).ok).toBe(true);
    authenticate(api, 'guess-4', '10.0.0.1', limiter);
    await limiter.settled();
    const blocked = authenticate(api, 'admin-key-0123456789', '10.0.0.1', limiter);
    expect(blocked).toEqual({
      ok: false,
      status: 429,
      code: 'RATE_LIMITED',
      message: 'too many wrong API keys from this address; retry in 60 s',
      retryAfterSeconds: 60,
    });
    expect(authenticate(api, 'public-key-0123456789', '10.0.0.2', limiter).ok).toBe(true);
    expect(Number(await redis.get(`${prefix}:10.0.0.1`))).toBe(4);
    // The window ends: the address may try again.
    expect(limiter.blockedFor('10.0.0.1', t + 61_000)).toBe(0);
  });

  it('shares the count between replicas through Redis', async () => {
    const t = 2_000_000;
    const a = createKeyGuessLimiter(redis, { limit: 2, windowSeconds: 60, prefix, now: () => t }, logger);
    const b = createKeyGuessLimiter(redis, { limit: 2, windowSeconds: 60, prefix, now: () => t }, logger);
    authenticate(api, 'x1', '10.0.0.3', a);
    await a.settled();
    authenticate(api, 'x2', '10.0.0.3', b);
    await b.settled();
    expect(authenticate(api, 'x3', '10.0.0.3', a).ok).toBe(false);
    await a.settled();
    // Replica a saw the third wrong key of the window (two of them on b): it blocks the address.
    expect(authenticate(api, 'public-key-0123456789', '10.0.0.3', a)).toMatchObject({ status: 429 });
  });

  it('does not count requests without a key', async () => {
    const limiter = createKeyGuessLimiter(redis, { limit: 1, windowSeconds: 60, prefix }, logger);
    for (let i = 0; i < 3; i++) authenticate(api, undefined, '10.0.0.4', limiter);
    await limiter.settled();
    expect(await redis.get(`${prefix}:10.0.0.4`)).toBeNull();
    expect(authenticate(api, 'public-key-0123456789', '10.0.0.4', limiter).ok).toBe(true);
  });
});

describe('wrong API keys at the front door', () => {
  it('answers 401 until the limit is passed, then 429 RATE_LIMITED with retry-after for that address only', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-keyguess-test-'));
    const config = loadConfig({
      ...process.env,
      GRAPHREC_DATA_DIR: dataDir,
      API_PUBLIC_KEYS: api.publicKeys[0],
      API_KEY_GUESS_LIMIT: '2',
      // The counters live in the shared Redis: addresses of this run only, given through a trusted proxy.
      API_TRUSTED_PROXY_HOPS: '1',
    });
    const server = await startApiServer({ config, logger, port: 0 });
    const a = `198.18.${process.pid % 250}.${Math.floor(Math.random() * 250)}`;
    const b = `198.19.${process.pid % 250}.${Math.floor(Math.random() * 250)}`;
    const post = async (address: string, key: string) => {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-forwarded-for': address },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: (await res.json()) as unknown,
      };
    };
    try {
      const wrong = [];
      for (let i = 0; i < 3; i++) wrong.push((await post(a, `guess-${i}`)).status);
      expect(wrong).toEqual([401, 401, 401]);
      // Another client's request takes the same Redis connection: its answer comes after the counts' replies.
      expect((await post(b, api.publicKeys[0])).status).toBe(200);
      const blocked = await post(a, api.publicKeys[0]);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
      expect(blocked.body).toMatchObject({
        errors: [
          {
            extensions: { code: 'RATE_LIMITED' },
            message: expect.stringMatching(/^too many wrong API keys/),
          },
        ],
      });
      expect((await post(b, api.publicKeys[0])).status).toBe(200);
    } finally {
      await server.stop(1000);
      await redis.del(`graphrec:keyguess:${a}`, `graphrec:keyguess:${b}`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
