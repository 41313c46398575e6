// The registry's file-only operations (list, gc); publish and rollback need Neo4j and live in registry.int.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core';
import type { GraphClient } from '../../graph';
import { writeModelDir } from '../artifacts/modelDir';
import { writeActivePointer } from './pointer';
import { gcModels, listModels, publishModel } from './registry';

const v = (day: number) => `lightgcn-202611${String(day).padStart(2, '0')}-010000-aaaaaa`;

function model(dataDir: string, day: number) {
  writeModelDir(dataDir, v(day), {
    embeddings: {
      dims: 2,
      nUsers: 1,
      nItems: 1,
      users: Float32Array.from([1, 0]),
      items: Float32Array.from([0, 1]),
    },
    ids: { users: ['u1'], items: ['p1'] },
    config: { model: 'lightgcn', createdAt: `2026-11-${String(day).padStart(2, '0')}T01:00:00.000Z` },
    metrics: { metrics: { 'recall@20': day / 100, 'ndcg@20': day / 200 } },
    report: '',
  });
}

describe('listModels and gcModels', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-list-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists nothing in an empty data directory', () => {
    expect(listModels(dataDir)).toEqual({ active: null, graphVersion: null, models: [] });
  });

  it('lists newest first with metrics, the active flag and the rollback position; a damaged version is flagged', () => {
    for (const d of [10, 12, 11]) model(dataDir, d);
    fs.rmSync(path.join(dataDir, 'models', v(11), 'metrics.json'));
    fs.mkdirSync(path.join(dataDir, 'models', '.checkpoints'));
    writeActivePointer(dataDir, { version: v(12), publishedAt: new Date().toISOString(), history: [v(10)] });
    const l = listModels(dataDir);
    expect(l.active).toBe(v(12));
    expect(l.models.map((m) => [m.version, m.active, m.historyIndex])).toEqual([
      [v(12), true, null],
      [v(11), false, null],
      [v(10), false, 0],
    ]);
    expect(l.models[0].metrics).toEqual({ 'recall@20': 0.12, 'ndcg@20': 0.06 });
    expect(l.models[1]).toMatchObject({
      metrics: { 'recall@20': null, 'ndcg@20': null },
      problem: 'metrics.json is missing or not JSON',
    });
  });

  it('gc keeps the active version, N rollback steps and the N newest others', async () => {
    for (const d of [10, 11, 12, 13, 14]) model(dataDir, d);
    writeActivePointer(dataDir, {
      version: v(12),
      publishedAt: new Date().toISOString(),
      history: [v(10), v(11)],
    });
    const res = await gcModels(dataDir, 1);
    expect(res.deleted.sort()).toEqual([v(11), v(13)]);
    expect(res.kept).toEqual([v(14), v(12), v(10)]);
    expect(res.freedBytes).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(dataDir, 'models', v(11)))).toBe(false);
  });

  it('gc refuses a negative keep', async () => {
    await expect(gcModels(dataDir, -1)).rejects.toThrow('--keep must be an integer >= 0, but got: -1');
  });

  it('publish refuses a missing version before touching Neo4j or the lock', async () => {
    const untouchable = new Proxy({} as GraphClient, {
      get: () => {
        throw new Error('publish must not reach Neo4j');
      },
    });
    await expect(
      publishModel({ dataDir, graph: untouchable, logger: createLogger('silent', 't') }, v(20)),
    ).rejects.toMatchObject({ kind: 'NOT_FOUND', message: `model version does not exist: ${v(20)}` });
    expect(fs.existsSync(path.join(dataDir, 'models', '.registry.lock'))).toBe(false);
  });
});
