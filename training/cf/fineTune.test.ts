import { layerMean } from '../kernels/spmm';
import { userItemGraph } from '../graph/propagationGraph';
import { affordsRound, fineTuneLightgcn, lightgcnTables, pickStart } from './fineTune';
import { lowPassBasis } from './lowPass';
import { plantedTastes } from './testData';

describe('pickStart', () => {
  const basis = { rank: 1, inV: new Float32Array(1), outV: new Float32Array(1) };
  const model = { dims: 4, users: new Float32Array(0), items: new Float32Array(0) };
  it('starts from the factor family with the better validation NDCG@20', () => {
    expect(pickStart({ lowpass: { basis, rank: 1, ndcg: 0.2 }, ials: { model, ndcg: 0.3 } })).toBe('ials');
    expect(pickStart({ lowpass: { basis, rank: 1, ndcg: 0.3 }, ials: { model, ndcg: 0.2 } })).toBe('lowpass');
    expect(pickStart({ ials: { model, ndcg: 0.2 } })).toBe('ials');
    expect(pickStart({})).toBeNull();
  });
});

describe('affordsRound', () => {
  it('prices a round as two validations and three layer means a step', () => {
    // 2 x 10 s + 4 steps x 3 x 5 s = 80 s.
    expect(affordsRound(5, 10, 4, 81)).toEqual({ ok: true, needs: 80 });
    expect(affordsRound(5, 10, 4, 80)).toEqual({ ok: false, needs: 80 });
  });
});

describe('lightgcnTables', () => {
  it('is the layer mean over the history graph with items scaled by degree^β', () => {
    const ds = plantedTastes(40, 20);
    const d = 3;
    const nodes = ds.nUsers + ds.nItems;
    const e0 = Float32Array.from({ length: nodes * d }, (_, j) => Math.sin(j + 1));
    const t = lightgcnTables(e0, ds.train, d, 2, 0.5);
    const mean = layerMean(userItemGraph(ds.train).adj, e0, d, 2);
    expect(Array.from(t.users)).toEqual(Array.from(mean.subarray(0, ds.nUsers * d)));
    const i = ds.train.idx[0];
    let deg = 0;
    for (let e = 0; e < ds.train.idx.length; e++) if (ds.train.idx[e] === i) deg++;
    expect(t.items[i * d + 1]).toBeCloseTo(mean[(ds.nUsers + i) * d + 1] * Math.sqrt(deg), 5);
  });
});

describe('fineTuneLightgcn memory', () => {
  it("is skipped, and says why, when the stage would raise the run's peak memory", async () => {
    const ds = plantedTastes(40, 20);
    const basis = lowPassBasis(ds.train, 16, 1);
    const r = await fineTuneLightgcn({
      fit: ds.train,
      valid: ds.test,
      users: Int32Array.from({ length: 40 }, (_, u) => u),
      starts: { lowpass: { basis, rank: basis.rank, ndcg: 0.5 } },
      deadline: Date.now() + 60_000,
      evalSeconds: 0.01,
      seed: 1,
      log: () => undefined,
      freedBytes: 1,
    });
    expect(r.report.skipped).toMatch(/^it would raise the run's peak memory: 0 MB allowed/);
    expect(r.model).toBeUndefined();
  });
});
