// The refresh pipeline against the real Redis (private BullMQ prefix and event stream) with real training,
// evaluation and gate on a tiny clustered data set: a deliberately degraded candidate (popularity) is gated
// out against an active MF model, the active pointer is untouched, the lock refuses a second run meanwhile,
// and with two workers on the same queues every stage runs exactly once. Then, on a scratch Neo4j (publish
// rewrites every product's embedding and the vector index, which the shared graph must not see), two refreshes
// that publish: each warm-starts from the active model's E0, the second from the version the first published.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createLogger, type Config } from '../core';
import { startScratchNeo4j, testConfig, uniqueNamespace, type ScratchNeo4j } from '../test/support';
import { trainModel } from '../training';
import {
  readE0Files,
  publishModel,
  readActiveModel,
  pointerAfterPublish,
  writeActivePointer,
} from '../model';
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

async function waitForRun(runId: string, ms: number, dir = dataDir) {
  const t0 = Date.now();
  for (;;) {
    const s = readRun(dir, runId);
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

describe('warm start', () => {
  let scratch: ScratchNeo4j;
  let warmConfig: Config;
  let first: string;

  beforeAll(async () => {
    scratch = await startScratchNeo4j();
    const dir = scratch.config.dataDir;
    await scratch.graph.write({
      name: 'test.products',
      cypher: 'UNWIND range(0, 119) AS i CREATE (:Product {id: toString(i), name: "product " + i})',
    });
    writeClusteredData(path.join(dir, 'lgcn'));
    warmConfig = {
      ...config,
      dataDir: dir,
      neo4j: scratch.config.neo4j,
      // This test is about where training starts, not about the gate: every candidate may publish.
      jobs: {
        ...config.jobs,
        refreshData: `lightgcn:${path.join(dir, 'lgcn')}`,
        refreshTimeBudgetMinutes: 0.2,
        gateMaxNdcgDrop: 1,
        gateMaxColdNdcgDrop: 1,
      },
    };
    const out = await trainModel(
      { model: 'mf', data: warmConfig.jobs.refreshData!, dataDir: dir, home: config.home },
      { logger },
    );
    first = (await publishModel({ dataDir: dir, graph: scratch.graph, logger }, out.summary.version)).version;
  }, 300_000);

  afterAll(async () => scratch?.stop());

  it('starts each refresh from the active model: the second from the version the first published', async () => {
    const dir = warmConfig.dataDir;
    const worker = await startWorker({
      config: warmConfig,
      logger,
      prefix,
      port: null,
      events: false,
      schedule: false,
    });
    const redis = bullConnection(config.redis.url);
    const queue = new Queue(REFRESH_QUEUE, { connection: redis, prefix });
    const refresh = async () => {
      const run = await startRefresh({ config: warmConfig, redis, queue, prefix, logger }, 'test', {
        model: 'mf',
      });
      const s = await waitForRun(run.runId, 240_000, dir);
      expect(s.status).toBe('published');
      return s;
    };
    try {
      const r1 = await refresh();
      const v1 = String(r1.stages.train.result?.version);
      // 240 users + 120 items, every one known to the active model.
      expect(r1.stages.train.result).toMatchObject({ warmStartFrom: first, reusedRows: 360, rows: 360 });
      expect(readActiveModel(dir)?.version).toBe(v1);

      const r2 = await refresh();
      const v2 = String(r2.stages.train.result?.version);
      expect(v2).not.toBe(v1);
      expect(r2.stages.train.result).toMatchObject({ warmStartFrom: v1, reusedRows: 360, rows: 360 });
      expect(readActiveModel(dir)?.version).toBe(v2);
      const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'models', v2, 'config.json'), 'utf8')) as {
        warmStart: { from: string; reusedRows: number };
      };
      expect(cfg.warmStart).toMatchObject({ from: v1, reusedRows: 360 });
      // The new version stores its own E0, so the next night can start from it in turn.
      expect(readE0Files(path.join(dir, 'models', v2))?.table).toHaveLength(360 * 64);
      expect(fs.readFileSync(path.join(dir, 'refresh', r2.runId, 'report.md'), 'utf8')).toContain(
        `- warm start: from ${v1}, 360 of 360 E0 rows reused`,
      );
    } finally {
      await queue.close();
      await redis.quit();
      await worker.stop();
    }
  }, 600_000);
});
