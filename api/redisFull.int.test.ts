// A full Redis (maxmemory reached under noeviction, the policy every graphrec Redis runs with) against the
// real API: trackEvents answers a typed SERVICE_UNAVAILABLE that says Redis is full (not "unavailable"), stores
// nothing of the batch, the API logs it, and /readyz reports Redis as not OK because it is full. The Redis is
// a private redis-server on a free port with a tiny maxmemory (the shared one's config is never touched).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../core';
import { appendEvents, defaultAppendOptions, idempotencyKey, RedisFullError } from '../events';
import { deleteLabel, freePort, testGraph, uniqueNamespace } from '../test/support';
import type { GraphClient } from '../graph';
import { startApiServer, type ApiServer } from './index';
import { checkRedis } from './redis';
import { loadFixture, publishFixtureModel, type Fixture } from './testing/fixture';
import { gql } from './testing/client';
import { sampleEvent } from '../events/testing/sampleEvent';

const STREAM = 'graphrec:full:events';
let redisProc: ChildProcess;
let redis: Redis;
let graph: GraphClient;
let fx: Fixture;
let dataDir: string;
let server: ApiServer | undefined;
const logLines: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  redisProc = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  redis = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  await redis.ping(); // queued until the server accepts connections
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Full'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-redis-full-'));
  publishFixtureModel(dataDir, fx, 1);
  const config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dataDir,
    REDIS_URL: `redis://127.0.0.1:${port}`,
    API_PUBLIC_KEYS: '',
    API_ADMIN_KEYS: '',
    EVENTS_STREAM: STREAM,
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  server = await startApiServer({ config, logger: pino({ level: 'warn' }, sink), port: 0 });
  // Full: 2 MB of values, then a maxmemory just under what Redis now holds (a full Redis refuses writes, not
  // reads). Small values, so no large client buffer is counted now and freed later.
  for (let i = 0; i < 64; i++) await redis.set(`test:filler:${i}`, 'x'.repeat(32 * 1024));
  const used = Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))![1]);
  await redis.config('SET', 'maxmemory-policy', 'noeviction');
  await redis.config('SET', 'maxmemory', String(used - 256 * 1024));
}, 120_000);

afterAll(async () => {
  await server?.stop(1000);
  redis.disconnect();
  redisProc.kill('SIGKILL');
  await deleteLabel(graph, fx.ns);
  await graph.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const url = () => `http://127.0.0.1:${server!.port}`;

it('appendEvents refuses the whole batch with a typed RedisFullError and stores none of it', async () => {
  const event = sampleEvent({ eventId: `${fx.ns}-direct`, userId: fx.id('u1'), productId: fx.id('p1') });
  await expect(appendEvents(redis, [event], defaultAppendOptions(STREAM))).rejects.toBeInstanceOf(
    RedisFullError,
  );
  expect(await redis.exists(idempotencyKey(event.eventId), STREAM)).toBe(0);
  await expect(checkRedis(redis)).rejects.toThrow(/^Redis is full: used_memory \d+ of maxmemory \d+ bytes/);
});

it('trackEvents says Redis is full, the API logs it, and /readyz reports Redis as full', async () => {
  const t = await gql(url(), 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }', {
    e: [{ idempotencyKey: `${fx.ns}-k1`, type: 'VIEW', productId: fx.id('p1'), userId: fx.id('u1') }],
  });
  expect(t.errors?.[0]).toMatchObject({
    message: expect.stringMatching(/^events cannot be stored right now: Redis is full/),
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  });
  expect(logLines.join('')).toMatch(/"msg":"trackEvents: Redis is full"/);
  const ready = (await (await fetch(`${url()}/readyz`)).json()) as {
    degraded: boolean;
    checks: { redis: { ok: boolean; error?: string } };
  };
  expect(ready.checks.redis).toEqual({ ok: false, error: expect.stringMatching(/^Redis is full/) });
  expect(ready.degraded).toBe(true);

  // Room again (an operator raised maxmemory or freed keys): the same key is accepted, and Redis is OK.
  await redis.del(...Array.from({ length: 64 }, (_, i) => `test:filler:${i}`));
  const again = await gql(url(), 'mutation T($e: [EventInput!]!) { trackEvents(events: $e) { accepted } }', {
    e: [{ idempotencyKey: `${fx.ns}-k1`, type: 'VIEW', productId: fx.id('p1'), userId: fx.id('u1') }],
  });
  expect(again.data).toEqual({ trackEvents: { accepted: 1 } });
  const after = (await (await fetch(`${url()}/readyz`)).json()) as { checks: { redis: { ok: boolean } } };
  expect(after.checks.redis.ok).toBe(true);
});
