// Redis is killed (-9) and restarted under a refresh: with the stack's own redis.conf (AOF on), the nightly
// schedule, the waiting stage job and the refresh lock are all there afterwards, and a worker that stayed up
// through the restart reconnects and finishes the run. The Redis is a private redis-server on a free port with
// its own directory (the shared one is never restarted); the stages are stubs, since what is under test is
// BullMQ's state, not training.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createLogger, loadConfig, type Config } from '../core';
import { renderRedisConf } from '../stack';
import { freePort } from '../test/support';
import {
  bullConnection,
  NIGHTLY_SCHEDULER,
  readRun,
  REFRESH_QUEUE,
  startRefresh,
  startWorker,
  STAGES,
  type RunningWorker,
  type StageImpls,
} from '.';

const logger = createLogger('silent');
const prefix = 'test:restart';
let dir: string;
let config: Config;
let redis: ChildProcess | null = null;

async function startRedis(): Promise<void> {
  redis = spawn('/usr/bin/redis-server', [path.join(dir, 'redis.conf')], { cwd: dir, stdio: 'ignore' });
  const probe = bullConnection(config.redis.url);
  probe.on('error', () => undefined);
  try {
    for (let i = 0; ; i++) {
      // Loading the AOF happens before Redis answers PING with PONG (it says LOADING meanwhile).
      if ((await probe.ping().catch(() => null)) === 'PONG') return;
      if (i > 100) throw new Error('the scratch redis-server did not start in 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    probe.disconnect();
  }
}

async function killRedis(): Promise<void> {
  if (!redis || redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = new Promise((r) => redis!.once('exit', r));
  redis.kill('SIGKILL');
  await exited;
}

/** Every stage succeeds at once; the gate refuses, so nothing is published. */
function stubStages(): StageImpls {
  const ok = async () => ({ status: 'done' as const, result: {} });
  return {
    ingest: ok,
    features: ok,
    export: ok,
    train: async () => ({ status: 'done', result: { version: 'stub' } }),
    evaluate: ok,
    gate: async () => ({ status: 'done', result: { passed: false, checks: [], reason: 'stub gate' } }),
    publish: async () => ({ status: 'skipped', result: { reason: 'gated out' } }),
    warmup: async () => ({ status: 'skipped', result: {} }),
    report: ok,
  };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-redis-restart-'));
  config = loadConfig({
    ...process.env,
    GRAPHREC_DATA_DIR: dir,
    REDIS_URL: undefined,
    REDIS_PORT: String(await freePort()),
    REFRESH_CRON: '30 2 * * *',
  });
  fs.writeFileSync(path.join(dir, 'redis.conf'), renderRedisConf(config, dir));
  await startRedis();
});

afterAll(async () => {
  await killRedis();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('keeps the nightly schedule, a waiting stage job and the lock across a kill -9, and the run then finishes', async () => {
  const conn = bullConnection(config.redis.url);
  conn.on('error', () => undefined);
  const queue = new Queue(REFRESH_QUEUE, { connection: conn, prefix });
  let worker: RunningWorker | null = null;
  try {
    // The worker registers the schedule; the queue is paused so the refresh's first job waits.
    worker = await startWorker({ config, logger, prefix, port: null, events: false, stages: stubStages() });
    await queue.pause();
    const run = await startRefresh({ config, redis: conn, queue, prefix, logger }, 'test');
    const before = await queue.getJobCounts('waiting', 'delayed');

    // No wait for the once-a-second fsync: a killed process loses nothing the kernel already has.
    await killRedis();
    await startRedis();

    const scheduler = await queue.getJobScheduler(NIGHTLY_SCHEDULER);
    expect(scheduler).toMatchObject({ key: NIGHTLY_SCHEDULER, pattern: '30 2 * * *' });
    const after = await queue.getJobCounts('waiting', 'delayed');
    expect(after).toEqual(before);
    expect(after.waiting).toBe(1);
    expect(after.delayed).toBe(1); // the next nightly run
    expect((await queue.getJob(`${run.runId}.ingest`))?.data).toEqual({ runId: run.runId, stage: 'ingest' });
    expect(await conn.get(`${prefix}:refresh:lock`)).toBe(run.runId);

    // The worker that stayed up reconnects and takes the run to its end.
    await queue.resume();
    const t0 = Date.now();
    let s = readRun(config.dataDir, run.runId);
    while (s.status === 'running' && Date.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 200));
      s = readRun(config.dataDir, run.runId);
    }
    expect(s.status).toBe('gated');
    for (const stage of STAGES) expect([stage, s.stages[stage].attempts]).toEqual([stage, 1]);
    expect(await conn.get(`${prefix}:refresh:lock`)).toBeNull();
  } finally {
    if (worker) await worker.stop();
    await queue.close();
    conn.disconnect();
  }
}, 60_000);
