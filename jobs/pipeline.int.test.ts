// The refresh pipeline against the real Redis (private BullMQ prefix and event stream) with real training,
// evaluation and gate on a tiny clustered data set: a deliberately degraded candidate (popularity) is gated
// out against an active MF model, the active pointer is untouched, the lock refuses a second run meanwhile,
// and with two workers on the same queues every stage runs exactly once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createLogger, type Config } from '../core';
import { testConfig, uniqueNamespace } from '../test/support';
import { trainModel } from '../training';
import { readActiveModel } from '../training/registry';
import { pointerAfterPublish, writeActivePointer } from '../training/registry/pointer';
import {
  bullConnection,
  readRun,
  REFRESH_QUEUE,
  startRefresh,
  startWorker,
  STAGES,
  type RunningWorker,
} from '.';
import { writeClusteredData } from './testing/clusteredData';

const logger = createLogger('silent');
let dataDir: string;
let config: Config;
let prefix: string;
let activeVersion: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-refresh-'));
  const ns = uniqueNamespace('refresh');
  prefix = `test:${ns}`;
  writeClusteredData(path.join(dataDir, 'lgcn'));
  const base = testConfig();
  config = {
    ...base,
    dataDir,
    progress: false,
    events: { ...base.events, stream: `test:${ns}:events` },
    jobs: {
      ...base.jobs,
      refreshData: `lightgcn:${path.join(dataDir, 'lgcn')}`,
      attempts: 2,
      backoffMs: 200,
    },
  };
  const out = await trainModel(
    { model: 'mf', data: config.jobs.refreshData!, dataDir, home: config.home },
    { logger },
  );
  activeVersion = out.summary.version;
  writeActivePointer(dataDir, pointerAfterPublish(null, { version: activeVersion, model: 'mf' }));
}, 180_000);

afterAll(async () => {
  const redis = bullConnection(config.redis.url);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitForRun(runId: string, ms: number) {
  const t0 = Date.now();
  for (;;) {
    const s = readRun(dataDir, runId);
    if (s.status !== 'running') return s;
    if (Date.now() - t0 > ms) throw new Error(`run ${runId} still running: ${JSON.stringify(s.stages)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

it('gates out a degraded model, keeps the active one, never overlaps, runs each stage once with two workers', async () => {
  const workers: RunningWorker[] = [];
  const opts = { config, logger, prefix, port: null, events: false, schedule: false };
  workers.push(await startWorker(opts), await startWorker(opts));
  const redis = bullConnection(config.redis.url);
  const queue = new Queue(REFRESH_QUEUE, { connection: redis, prefix });
  try {
    const run = await startRefresh({ config, redis, queue, prefix, logger }, 'test', { model: 'pop' });
    await expect(
      startRefresh({ config, redis, queue, prefix, logger }, 'test', { model: 'pop' }),
    ).rejects.toThrow(/still running .* never overlap/);
    const s = await waitForRun(run.runId, 150_000);
    expect(s.status).toBe('gated');
    expect(s.reason).toContain(`${activeVersion} stays active`);
    expect(s.stages.gate.result?.passed).toBe(false);
    expect(String(s.stages.gate.result?.reason)).toMatch(/ndcg@20 overall .* drops more than the allowed/);
    expect(s.stages.publish.status).toBe('skipped');
    expect(s.stages.features.status).toBe('skipped');
    for (const name of STAGES) expect(s.stages[name].attempts).toBe(1);
    expect(readActiveModel(dataDir)?.version).toBe(activeVersion);
    expect(fs.readFileSync(path.join(dataDir, 'refresh', run.runId, 'report.md'), 'utf8')).toContain(
      '**gated**',
    );
    // The lock is free again.
    const again = await startRefresh({ config, redis, queue, prefix, logger }, 'test', { data: 'nope' });
    const failed = await waitForRun(again.runId, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/stage export failed .*--data must look like/);
    expect(readActiveModel(dataDir)?.version).toBe(activeVersion);
  } finally {
    await queue.close();
    await redis.quit();
    for (const w of workers) await w.stop();
  }
}, 300_000);
