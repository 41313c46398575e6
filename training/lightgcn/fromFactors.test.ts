import { plantedTastes } from '../cf/testData';
import { lowPassBasis, lowPassTables } from '../cf/lowPass';
import { trainIals, defaultIalsOptions } from '../cf/ials';
import { userItemGraph } from '../graph/propagationGraph';
import { layerMean } from '../kernels/spmm';
import { factorStart, lowPassStart } from './fromFactors';

const ds = plantedTastes();
const nU = ds.nUsers;
const nI = ds.nItems;
const graph = userItemGraph(ds.train);
const LAYERS = 3;

/** Scores of users x items from row-major tables, the user's train items excluded (set to -Infinity). */
function scores(users: Float32Array, items: Float32Array, d: number): Float64Array {
  const s = new Float64Array(nU * nI);
  for (let u = 0; u < nU; u++) {
    for (let i = 0; i < nI; i++) {
      let v = 0;
      for (let c = 0; c < d; c++) v += users[u * d + c] * items[i * d + c];
      s[u * nI + i] = v;
    }
    for (let e = ds.train.ptr[u]; e < ds.train.ptr[u + 1]; e++) s[u * nI + ds.train.idx[e]] = -Infinity;
  }
  return s;
}

const topK = (s: Float64Array, u: number, k: number) =>
  Array.from({ length: nI }, (_, i) => i)
    .sort((a, b) => s[u * nI + b] - s[u * nI + a])
    .slice(0, k);

/** Mean share of each user's top-k under `a` that is also in its top-k under `b`. */
function topOverlap(a: Float64Array, b: Float64Array, k = 10): number {
  let sum = 0;
  for (let u = 0; u < nU; u++) {
    const tb = new Set(topK(b, u, k));
    sum += topK(a, u, k).filter((i) => tb.has(i)).length / k;
  }
  return sum / nU;
}

/** LightGCN's initial scores from E0: the layer mean, item rows scaled by degree^β. */
function lightgcnScores(e0: Float32Array, d: number, beta: number): Float64Array {
  const e = layerMean(graph.adj, e0, d, LAYERS);
  const deg = new Float64Array(nI);
  for (let x = 0; x < ds.train.idx.length; x++) deg[ds.train.idx[x]]++;
  for (let i = 0; i < nI; i++) {
    const f = Math.max(deg[i], 1) ** beta;
    for (let c = 0; c < d; c++) e[(nU + i) * d + c] *= f;
  }
  return scores(e.subarray(0, nU * d), e.subarray(nU * d), d);
}

describe('lowPassStart', () => {
  it("propagates to the low-pass filter's ranking for every user", () => {
    const basis = lowPassBasis(ds.train, 16, 1);
    const filter = lowPassTables(basis, ds.train, 16);
    const { e0, dims } = lowPassStart(basis, ds.train, 16, LAYERS, 0.1);
    expect(dims).toBe(16);
    const overlap = topOverlap(lightgcnScores(e0, dims, 0.5), scores(filter.users, filter.items, dims));
    expect(overlap).toBeGreaterThan(0.97);
  });

  it('scales the table to the requested rms', () => {
    const basis = lowPassBasis(ds.train, 8, 1);
    const { e0 } = lowPassStart(basis, ds.train, 8, LAYERS, 0.1);
    const rms = Math.sqrt(e0.reduce((s, v) => s + v * v, 0) / e0.length);
    expect(rms).toBeCloseTo(0.1, 5);
  });
});

describe('factorStart', () => {
  const als = trainIals(ds.train, { ...defaultIalsOptions, dims: 16, iterations: 6 });
  const source = scores(als.users, als.items, 16);

  it("propagates close to the source model's ranking, closer than using its factors as E0", () => {
    const mapped = factorStart(graph.adj, als.users, als.items, 16, LAYERS, 0.1);
    const naive = new Float32Array((nU + nI) * 16);
    naive.set(als.users, 0);
    naive.set(als.items, nU * 16);
    const got = topOverlap(lightgcnScores(mapped, 16, 0), source);
    const before = topOverlap(lightgcnScores(naive, 16, 0), source);
    expect(got).toBeGreaterThan(0.75);
    expect(got).toBeGreaterThan(before + 0.1);
  });
});
