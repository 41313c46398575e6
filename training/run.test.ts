import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../core';
import { createRng } from '../core';
import { trainModel } from './run';

// The benchmark path's refit: after validation picks a step count, the model is fitted again on all of train,
// unless --no-refit, or unless it would not fit the time budget.
describe('trainModel on benchmark data: the refit', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphrec-run-'));
    const rng = createRng(9);
    const train: string[] = [];
    const test: string[] = [];
    for (let u = 0; u < 80; u++) {
      const items = new Set<number>();
      while (items.size < 8) items.add((u % 2) * 30 + rng.int(30));
      const list = [...items];
      train.push(`${u} ${list.slice(0, 6).join(' ')}`);
      test.push(`${u} ${list.slice(6).join(' ')}`);
    }
    fs.writeFileSync(path.join(dir, 'train.txt'), `${train.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'test.txt'), `${test.join('\n')}\n`);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (refit: boolean, timeBudgetSeconds = Infinity) =>
    trainModel(
      {
        model: 'lightgcn',
        data: `lightgcn:${dir}`,
        dataDir: dir,
        home: process.cwd(),
        save: false,
        refit,
        backend: 'cpu',
        options: { dims: 8, epochs: 2, batchSize: 128, evalEverySteps: 2, timeBudgetSeconds },
      },
      { logger: createLogger('silent') },
    );

  it('refits by default and not with refit false; the refit counts as training time', async () => {
    const withRefit = await run(true);
    const without = await run(false);
    expect(withRefit.refitSeconds).toBeGreaterThan(0);
    expect(without.refitSeconds).toBe(0);
    expect(withRefit.summary.seconds).toBeGreaterThanOrEqual(withRefit.refitSeconds);
    expect(withRefit.summary.metrics['recall@20']).toBeGreaterThan(0);
  }, 60_000);

  it('skips the refit when it would not fit the time budget', async () => {
    const tight = await run(true, 1e-6);
    expect(tight.refitSeconds).toBe(0);
  }, 60_000);
});
