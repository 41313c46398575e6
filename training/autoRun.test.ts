import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { readModelDir } from '../model';
import { storedAutoScorer, writeAutoVersion } from './autoRun';
import { partsScorer, type AutoParts } from './cf/auto';
import { defaultIalsOptions, trainIals } from './cf/ials';
import { defaultItemItemOptions, trainItemItem } from './cf/itemItem';
import { lowPassBasis } from './cf/lowPass';
import { plantedTastes } from './cf/testData';
import { evaluateVersion, trainModel } from './run';

// `train --model auto` end to end on files: tuned on valid.txt, stored, and `eval --version` of the stored
// version reproduces the test figures train reported.
describe('train --model auto on a split with valid.txt', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-auto-'));
    const ds = plantedTastes(200, 80);
    const lines = (m: typeof ds.train) =>
      Array.from({ length: m.nRows }, (_, u) => [u, ...m.idx.subarray(m.ptr[u], m.ptr[u + 1])])
        .filter((l) => l.length > 1)
        .map((l) => l.join(' '))
        .join('\n');
    fs.writeFileSync(path.join(dir, 'train.txt'), `${lines(ds.train)}\n`);
    fs.writeFileSync(path.join(dir, 'valid.txt'), `${lines(ds.valid!)}\n`);
    fs.writeFileSync(path.join(dir, 'test.txt'), `${lines(ds.test)}\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports every family, stores the choice, and eval reproduces the test figures', async () => {
    const logger = createLogger('silent');
    const out = await trainModel(
      {
        model: 'auto',
        data: `lightgcn:${dir}`,
        dataDir: dir,
        home: process.cwd(),
        backend: 'cpu',
        options: { timeBudgetSeconds: 5 },
      },
      { logger },
    );
    const s = out.summary;
    expect(s.model).toBe('auto');
    expect(s.backend).toBe('cpu');
    expect(s.auto!.split).toBe('valid.txt');
    expect(s.auto!.families.map((f) => f.family)).toEqual([
      'popularity',
      'itemknn',
      'lowpass',
      'ials',
      'blend',
      'lightgcn',
    ]);
    expect(s.peakRssMb).toBeGreaterThan(0);
    const config = JSON.parse(fs.readFileSync(path.join(out.dir!, 'config.json'), 'utf8'));
    expect(config.auto.choice).toBe(s.auto!.choice);
    const again = await evaluateVersion(
      { version: s.version, data: `lightgcn:${dir}`, dataDir: dir, backend: 'cpu' },
      { logger },
    );
    expect(again.metrics['ndcg@20']).toBeCloseTo(s.metrics['ndcg@20'], 5);
    expect(again.metrics['recall@20']).toBeCloseTo(s.metrics['recall@20'], 5);
  }, 120_000);
});

// Every part the blend can hold is stored and read back: the stored scorer equals the trained one on every user.
describe('a stored auto version with all four parts', () => {
  it('scores exactly as the parts it was made from', () => {
    const ds = plantedTastes(60, 40);
    const parts: AutoParts = {
      ials: trainIals(ds.train, { ...defaultIalsOptions, dims: 4, iterations: 2 }),
      itemItem: trainItemItem(ds.train, defaultItemItemOptions),
      lowPass: { basis: lowPassBasis(ds.train, 8, 1), rank: 6 },
      lightgcn: {
        dims: 8,
        users: Float32Array.from({ length: ds.nUsers * 8 }, (_, j) => Math.sin(j)),
        items: Float32Array.from({ length: ds.nItems * 8 }, (_, j) => Math.cos(j)),
      },
      weights: { ials: 1, itemknn: 0.5, lowpass: 0.25, lightgcn: 0.5 },
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-auto-parts-'));
    try {
      const version = 'auto-20260101-000000-abcdef';
      const written = writeAutoVersion(dir, version, ds, parts, { data: 'lightgcn:x', home: process.cwd() });
      expect(fs.readdirSync(written).sort()).toEqual(
        expect.arrayContaining([
          'embeddings.bin',
          'item-item.bin',
          'lowpass.bin',
          'lightgcn.bin',
          'config.json',
        ]),
      );
      const users = Int32Array.from({ length: ds.nUsers }, (_, u) => u);
      const want = new Float32Array(ds.nUsers * ds.nItems);
      const got = new Float32Array(ds.nUsers * ds.nItems);
      partsScorer(parts, ds.train, ds.nItems).scoreBlock(users, want);
      storedAutoScorer(readModelDir(dir, version), ds).scoreBlock(users, got);
      for (let j = 0; j < want.length; j++) expect(got[j]).toBeCloseTo(want[j], 5);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
