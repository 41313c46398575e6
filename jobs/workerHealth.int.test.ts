// The worker's /readyz is honest and bounded: it says 503 with the reason when the event consumer is stuck
// (events wait and nothing is acknowledged: here the graph is unreachable), answers at once while Redis does not
// instead of hanging on the PING, and the server listens on loopback unless WORKER_HOST says otherwise. Redis is
// a private redis-server on a free port (frozen here); Neo4j is a port nothing listens on.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, loadConfig, type Config } from '../core';
import { appendEvents, defaultAppendOptions } from '../events';
import { freePort } from '../test/support';
import { bullConnection, startWorker, type RunningWorker } from '.';
import { sampleEvent } from '../events/testing/sampleEvent';

/** A probe that hangs is cut off here; a bounded /readyz answers well within it. */
const PROBE_LIMIT_MS = 5000;

let dir: string;
let config: Config;
let redisProc: ChildProcess;
let worker: RunningWorker | null = null;

async function startRedis(): Promise<void> {
  const port = new URL(config.redis.url).port;
  redisProc = spawn(
    '/usr/bin/redis-server',
    ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const probe = bullConnection(config.redis.url);
  probe.on('error', () => undefined);
  for (let i = 0; (await probe.ping().catch(() => null)) !== 'PONG'; i++) {
    if (i > 100) throw new Error('the scratch redis-server did not start in 10 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  probe.disconnect();
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-worker-health-'));
  config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dir,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    NEO4J_URI: `bolt://127.0.0.1:${await freePort()}`,
    EVENTS_STREAM: 'graphrec:health:events',
    EVENTS_STUCK_AFTER_S: '5',
    WORKER_HOST: undefined,
  });
  await startRedis();
});

afterAll(async () => {
  if (worker) await worker.stop();
  redisProc.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

async function get(p: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${worker!.port}${p}`, {
    signal: AbortSignal.timeout(PROBE_LIMIT_MS),
  });
  return { status: res.status, body: await res.text() };
}

it('listens on loopback by default, reports a stuck consumer, and answers /readyz while Redis is down', async () => {
  worker = await startWorker({ config, logger: createLogger('silent'), port: 0, schedule: false });
  expect(worker.host).toBe('127.0.0.1');
  expect((await get('/readyz')).status).toBe(200);

  // An event the consumer cannot write (no graph): after EVENTS_STUCK_AFTER_S it is stuck, and says so.
  const redis = bullConnection(config.redis.url);
  await appendEvents(
    redis,
    [sampleEvent({ eventId: 'health-1', userId: 'u1', sessionId: 's1', productId: 'p1' })],
    defaultAppendOptions(config.events.stream),
  );
  redis.disconnect();
  let ready = await get('/readyz');
  for (let i = 0; ready.status === 200 && i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    ready = await get('/readyz');
  }
  expect(ready.status).toBe(503);
  expect(JSON.parse(ready.body).why).toMatch(
    /^event consumer stuck: no event acknowledged for \d+ s while events wait( \(last error: .*\))?$/,
  );
  expect((await get('/metrics')).body).toMatch(/^graphrec_events_consumer_stuck 1$/m);

  // Redis stops answering (frozen: the worst case, a connection that neither replies nor fails): /readyz answers
  // 503 naming Redis instead of waiting for it.
  // /metrics answers too, without the Redis-backed gauges' fresh values.
  process.kill(redisProc.pid!, 'SIGSTOP');
  let scrape: { status: number; body: string };
  try {
    ready = await get('/readyz');
    scrape = await get('/metrics');
  } finally {
    process.kill(redisProc.pid!, 'SIGCONT');
  }
  expect(ready.status).toBe(503);
  expect(JSON.parse(ready.body).why).toMatch(/Redis did not answer within \d+ ms/);
  expect(scrape.status).toBe(200);
  expect(scrape.body).toMatch(/^graphrec_events_consumer_stuck 1$/m);
}, 90_000);

it('listens where WORKER_HOST says', () => {
  expect(loadConfig({ ...process.env, WORKER_HOST: '0.0.0.0' }).jobs.host).toBe('0.0.0.0');
  expect(loadConfig({ ...process.env, WORKER_HOST: undefined }).jobs.host).toBe('127.0.0.1');
});
