import { evaluate } from '../eval/evaluate';
import { trainAuto, widestAffordableRank } from './auto';
import { plantedTastes } from './testData';

describe('trainAuto', () => {
  const ds = plantedTastes();
  const run = (d = ds) => trainAuto(d, { timeBudgetSeconds: 20, seed: 1, validUsers: 1000 });

  it('reports every family on validation and chooses the best one, which beats popularity on test', () => {
    const m = run();
    const names = m.families.map((f) => f.family);
    expect(names).toEqual(['popularity', 'itemknn', 'lowpass', 'ials', 'blend']);
    const best = Math.max(
      ...m.families.filter((f) => f.family !== 'popularity').map((f) => f.valid['ndcg@20']),
    );
    expect(m.families.find((f) => f.family === m.choice)!.valid['ndcg@20']).toBe(best);
    expect(m.split).toBe('valid.txt');
    const test = evaluate(m.scorer, { exclude: ds.train, truth: ds.test, ks: [20] }).metrics['ndcg@20'];
    const pop = m.families[0];
    expect(test).toBeGreaterThan(1.5 * pop.valid['ndcg@20']);
  }, 60_000);

  it('never looks at test: the choice and figures are the same when test is emptied', () => {
    const a = run();
    const empty = { ...ds.test, ptr: new Int32Array(ds.nUsers + 1), idx: new Int32Array(0) };
    const b = run({ ...ds, test: empty });
    expect(b.choice).toBe(a.choice);
    expect(b.families.map((f) => f.valid)).toEqual(a.families.map((f) => f.valid));
  }, 60_000);

  it('carves validation out of train when the split has none, and refits on all of train', () => {
    const m = run({ ...ds, valid: undefined });
    expect(m.split).toBe('carved');
    expect(m.refitSeconds).toBeGreaterThanOrEqual(0);
  }, 60_000);
});

describe('widestAffordableRank', () => {
  const ranks = [32, 64, 128, 256, 512];
  it('predicts the SVD cost from the probe, growing with the square of the width', () => {
    // Probe at 32 (width 64) took 1 s: 512 (width 544) is predicted at 1.5 x 72 s = 108 s.
    expect(widestAffordableRank(ranks, 1000, 120_000)).toBe(512);
    expect(widestAffordableRank(ranks, 1000, 100_000)).toBe(256);
    expect(widestAffordableRank(ranks, 1000, 2_000)).toBe(32);
  });
  it('falls back to the probed rank when even that would not fit again', () => {
    expect(widestAffordableRank(ranks, 10_000, 1)).toBe(32);
  });
});
