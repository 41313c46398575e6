// The worker's nightly drift report: the worker registers its schedule on the reports queue, runs a drift job
// from that queue, and then exports what the drift and coverage alerts read (PSI and its threshold per feature,
// recommendation coverage) next to the dead-letter stream's length, which the dead-letter alert reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { createLogger, type Config } from '../core';
import { generateShop, GENERATE_DEFAULTS } from '../etl';
import { deadLetterStream } from '../events';
import { testConfig, testRedis, uniqueNamespace } from '../test/support';
import { DRIFT_SCHEDULER, startWorker, type RunningWorker } from '.';

const logger = createLogger('silent');
let dir: string;
let shopDir: string;
let config: Config;
let prefix: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-drift-job-'));
  shopDir = path.join(dir, 'shop');
  await generateShop(
    { ...GENERATE_DEFAULTS, out: shopDir, users: 400, products: 120, interactions: 6000 },
    { logger, progressBar: false },
  );
  const ns = uniqueNamespace('drift');
  prefix = `test:${ns}`;
  const base = testConfig();
  config = {
    ...base,
    dataDir: dir,
    progress: false,
    events: { ...base.events, stream: `test:${ns}:events` },
    jobs: { ...base.jobs, driftCron: '15 6 * * *', driftShop: shopDir },
  };
}, 120_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The value of one series on a Prometheus text page. */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('schedules the nightly drift job, runs it from the reports queue, and exports PSI, thresholds, coverage and dead letters', async () => {
  const redis = testRedis(config);
  let worker: RunningWorker | null = null;
  try {
    worker = await startWorker({ config, logger, prefix, port: 0, events: false });
    const scheduler = await worker.reportsQueue.getJobScheduler(DRIFT_SCHEDULER);
    expect(scheduler).toMatchObject({ key: DRIFT_SCHEDULER, pattern: '15 6 * * *' });
    expect(scheduler?.template?.data).toEqual({ shop: shopDir });

    await redis.xadd(deadLetterStream(config.events.stream), '*', 'id', '1-0', 'reason', 'unparseable entry');
    await redis.xadd(deadLetterStream(config.events.stream), '*', 'id', '2-0', 'reason', 'unparseable entry');

    const job: Job = await worker.reportsQueue.add('drift', { shop: shopDir, out: path.join(dir, 'report') });
    const t0 = Date.now();
    let state = await job.getState();
    while (state !== 'completed' && state !== 'failed' && Date.now() - t0 < 60_000) {
      await new Promise((r) => setTimeout(r, 200));
      state = await job.getState();
    }
    expect(state).toBe('completed');
    const done = await worker.reportsQueue.getJob(job.id!);
    const summary = done!.returnvalue as { psi: Record<string, number>; markdown: string };
    expect(fs.existsSync(summary.markdown)).toBe(true);
    expect(Object.keys(summary.psi).sort()).toEqual([
      'category',
      'event_type',
      'price',
      'season',
      'user_activity',
    ]);

    const page = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    for (const [feature, psi] of Object.entries(summary.psi)) {
      expect([feature, sample(page, `graphrec_drift_psi{feature="${feature}"}`)]).toEqual([feature, psi]);
      expect(sample(page, `graphrec_drift_psi_threshold{feature="${feature}"}`)).toBe(0.2);
    }
    expect(sample(page, 'graphrec_events_dead_letters')).toBe(2);
    expect(
      sample(page, 'graphrec_job_duration_seconds_count{queue="reports",job="drift",outcome="completed"}'),
    ).toBe(1);
  } finally {
    if (worker) {
      await worker.reportsQueue.obliterate({ force: true });
      await worker.refreshQueue.obliterate({ force: true });
      await worker.stop();
    }
    await redis.del(deadLetterStream(config.events.stream));
    redis.disconnect();
  }
}, 180_000);
