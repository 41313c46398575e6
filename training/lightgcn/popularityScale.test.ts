import * as tf from '@tensorflow/tfjs';
import { csrFromTriples } from '../data/csr';
import { createRng } from '../../core';
import { normaliseRows } from './losses';
import { itemWeightedDegree, scaleItemsByPopularity, tunePopularityExponent } from './popularityScale';

const nU = 40;
const nI = 30;
const d = 4;

/** Item i has i + 1 weighted train events (item 29 the most popular); user u's is on item u % nI. */
function fitWithDegrees() {
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < nI; i++) {
    rows.push(i % nU);
    cols.push(i);
    vals.push(i + 1);
  }
  return csrFromTriples(nU, nI, Int32Array.from(rows), Int32Array.from(cols), Float32Array.from(vals));
}

function unitTable(seed: number): Float32Array {
  const rng = createRng(seed);
  const e = Float32Array.from({ length: (nU + nI) * d }, () => rng.normal());
  normaliseRows(e, d);
  return e;
}

/** Every user's validation items: the k most popular (or least popular) items they did not train on. */
function truthOf(fit: ReturnType<typeof fitWithDegrees>, popular: boolean, k = 3) {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < nU; u++) {
    const had = new Set(fit.idx.subarray(fit.ptr[u], fit.ptr[u + 1]));
    let n = 0;
    for (let j = 0; j < nI && n < k; j++) {
      const i = popular ? nI - 1 - j : j;
      if (had.has(i)) continue;
      rows.push(u);
      cols.push(i);
      n++;
    }
  }
  return csrFromTriples(nU, nI, Int32Array.from(rows), Int32Array.from(cols));
}

describe('popularity scale', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('weighted degree sums the entry weights; rows below degree 1 keep unit length', () => {
    const fit = fitWithDegrees();
    const deg = itemWeightedDegree(fit);
    expect(deg[0]).toBe(1);
    expect(deg[29]).toBe(30);
    const items = new Float32Array(nI * d).fill(1);
    scaleItemsByPopularity(items, d, deg, 0.5);
    expect(items[0]).toBeCloseTo(1, 6);
    expect(items[29 * d + 3]).toBeCloseTo(Math.sqrt(30), 5);
  });

  it('keeps a γ > 0 when validation favours popular items, and scales the stored rows by it', () => {
    const fit = fitWithDegrees();
    const emb = unitTable(7);
    const before = Float32Array.from(emb);
    const users = Int32Array.from({ length: nU }, (_, u) => u);
    const t = tunePopularityExponent(emb, fit, d, { truth: truthOf(fit, true), users });
    expect(t.gamma).toBeGreaterThan(0);
    expect(t.tried[0].gamma).toBe(0);
    const chosen = t.tried.find((x) => x.gamma === t.gamma)!;
    expect(chosen.ndcg).toBeGreaterThan(t.tried[0].ndcg);
    expect(Array.from(emb.subarray(0, nU * d))).toEqual(Array.from(before.subarray(0, nU * d)));
    const f = 30 ** t.gamma;
    expect(emb[(nU + 29) * d]).toBeCloseTo(before[(nU + 29) * d] * f, 5);
  });

  it('keeps pure cosines (γ = 0) when the popular items are not what users do next', () => {
    const fit = fitWithDegrees();
    const emb = unitTable(7);
    const before = Float32Array.from(emb);
    const users = Int32Array.from({ length: nU }, (_, u) => u);
    const t = tunePopularityExponent(emb, fit, d, { truth: truthOf(fit, false), users });
    expect(t.gamma).toBe(0);
    expect(Array.from(emb)).toEqual(Array.from(before));
  });
});
