import { evaluate } from '../eval/evaluate';
import { adoptLightgcn, trainAuto, widestAffordableRank } from './auto';
import { plantedTastes } from './testData';

const ds = plantedTastes();
const run = (d = ds, fineTuneShare = 0) =>
  trainAuto(d, { timeBudgetSeconds: 20, seed: 1, validUsers: 1000, fineTuneShare });

describe('trainAuto', () => {
  it('reports every family on validation and chooses the best one, which beats popularity on test', async () => {
    const m = await run();
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

  it('never looks at test: the choice and figures are the same when test is emptied', async () => {
    const a = await run();
    const empty = { ...ds.test, ptr: new Int32Array(ds.nUsers + 1), idx: new Int32Array(0) };
    const b = await run({ ...ds, test: empty });
    expect(b.choice).toBe(a.choice);
    expect(b.families.map((f) => f.valid)).toEqual(a.families.map((f) => f.valid));
  }, 60_000);

  it('carves validation out of train when the split has none, and refits on all of train', async () => {
    const m = await run({ ...ds, valid: undefined });
    expect(m.split).toBe('carved');
    expect(m.refitSeconds).toBeGreaterThanOrEqual(0);
  }, 60_000);
});

describe('the LightGCN fine-tune inside trainAuto', () => {
  it('is reported with its start, and the choice moves to it only when validation improves', async () => {
    const without = await run(ds, 0);
    const m = await run(ds, 1);
    expect(m.families.map((f) => f.family)).toEqual([
      'popularity',
      'itemknn',
      'lowpass',
      'ials',
      'blend',
      'lightgcn',
    ]);
    const lg = m.families[5];
    const [lowpass, ials] = [m.families[2], m.families[3]].map((f) => f.valid['ndcg@20']);
    expect(lg.fineTune!.start).toBe(lowpass >= ials ? 'lowpass' : 'ials');
    expect(lg.fineTune!.skipped).toBeUndefined();
    expect(lg.fineTune!.steps).toBeGreaterThan(0);
    const before = Math.max(...without.families.slice(1).map((f) => f.valid['ndcg@20']));
    expect(lg.fineTune!.bestBeforeNdcg).toBeCloseTo(before, 10);
    const chosen = m.families.find((f) => f.family === m.choice)!.valid['ndcg@20'];
    if (lg.fineTune!.adopted === 'no') expect(m.choice).toBe(without.choice);
    else expect(chosen).toBeGreaterThan(before);
    expect(Boolean(m.parts.lightgcn)).toBe(lg.fineTune!.adopted !== 'no');
  }, 120_000);

  it('is skipped, and says why, when no time is left for a validation round', async () => {
    const m = await trainAuto(ds, { timeBudgetSeconds: 20, seed: 1, validUsers: 1000, fineTuneShare: 1e-9 });
    const lg = m.families.find((f) => f.family === 'lightgcn')!;
    expect(lg.fineTune!.skipped).toMatch(
      /^a validation round \(4 steps at \d+ dims and a validation\) needs about/,
    );
    expect(lg.fineTune!.adopted).toBe('no');
    expect(m.parts.lightgcn).toBeUndefined();
  }, 60_000);
});

describe('adoptLightgcn', () => {
  const blended = [
    { weight: 0.1, ndcg: 0.3 },
    { weight: 0.5, ndcg: 0.32 },
    { weight: 1, ndcg: 0.31 },
  ];
  it('keeps the families when neither LightGCN nor a blend with it beats them', () => {
    expect(adoptLightgcn(0.33, 0.2, blended)).toEqual({ adopted: 'no', weight: 0, ndcg: 0.33 });
  });
  it('does not adopt on a tie', () => {
    expect(adoptLightgcn(0.32, 0.32, blended).adopted).toBe('no');
  });
  it('joins the blend at the best weight when only the blend improves', () => {
    expect(adoptLightgcn(0.315, 0.2, blended)).toEqual({ adopted: 'blend', weight: 0.5, ndcg: 0.32 });
  });
  it('is chosen alone when it beats the choice and every blend', () => {
    expect(adoptLightgcn(0.3, 0.35, blended)).toEqual({ adopted: 'alone', weight: 1, ndcg: 0.35 });
  });
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
