import { csrFromTriples } from '../data/csr';
import { evaluate } from '../eval/evaluate';
import { popularityTables } from '../models/popularity';
import { coCounts, defaultItemItemOptions, itemItemScorer, trainItemItem } from './itemItem';
import { plantedTastes } from './testData';

// Users x items: u0 {0, 1}, u1 {0, 1, 2}, u2 {1, 2}. Item degrees 2, 3, 2; user degrees 2, 3, 2.
const train = csrFromTriples(
  3,
  3,
  Int32Array.from([0, 0, 1, 1, 1, 2, 2]),
  Int32Array.from([0, 1, 0, 1, 2, 1, 2]),
);

describe('item-item neighbourhoods', () => {
  it('computes cosine similarity (exponents 0.5, 0.5, no user weight) exactly', () => {
    const m = trainItemItem(train, { ...defaultItemItemOptions, neighbours: 5 });
    const s = m.similarity;
    const row = (i: number) =>
      Object.fromEntries(
        Array.from(s.idx.subarray(s.ptr[i], s.ptr[i + 1]), (j, e) => [j, s.val[s.ptr[i] + e]]),
      );
    // co(0,1) = 2 (u0, u1), co(0,2) = 1 (u1), co(1,2) = 2 (u1, u2).
    expect(row(0)[1]).toBeCloseTo(2 / Math.sqrt(2 * 3), 6);
    expect(row(0)[2]).toBeCloseTo(1 / Math.sqrt(2 * 2), 6);
    expect(row(1)[2]).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
    // No item is its own neighbour.
    expect(Array.from(s.idx.subarray(s.ptr[0], s.ptr[1]))).toEqual([1, 2]);
  });

  it('weights users by degree^-userExponent and adds shrink to the denominator (RP3beta-style)', () => {
    const m = trainItemItem(train, {
      neighbours: 5,
      fromExponent: 1,
      toExponent: 0,
      userExponent: 1,
      shrink: 1,
    });
    const s = m.similarity;
    // s(0, 1) = (1/2 + 1/3) / (2^1 * 3^0 + 1).
    expect(s.val[s.ptr[0]]).toBeCloseTo((1 / 2 + 1 / 3) / 3, 6);
  });

  it('keeps only the strongest `neighbours` per item', () => {
    const m = trainItemItem(train, { ...defaultItemItemOptions, neighbours: 1 });
    for (let i = 0; i < 3; i++) expect(m.similarity.ptr[i + 1] - m.similarity.ptr[i]).toBe(1);
  });

  it("scores a user as the sum of its history's neighbour rows", () => {
    const m = trainItemItem(train, { ...defaultItemItemOptions, neighbours: 5 });
    const out = new Float32Array(3);
    itemItemScorer(m, train).scoreBlock(Int32Array.from([0]), out);
    // u0 = {0, 1}: item 2 gets s(0,2) + s(1,2).
    expect(out[2]).toBeCloseTo(1 / 2 + 2 / Math.sqrt(6), 6);
  });

  it('learns planted tastes well beyond popularity', () => {
    const ds = plantedTastes();
    const m = trainItemItem(ds.train, defaultItemItemOptions);
    const opts = { exclude: ds.train, truth: ds.valid!, ks: [10] };
    const knn = evaluate(itemItemScorer(m, ds.train), opts).metrics['ndcg@10'];
    const pop = evaluate(popularityTables(ds.train), opts).metrics['ndcg@10'];
    expect(knn).toBeGreaterThan(1.5 * pop);
  });

  it('gives the same similarity from kept co-occurrence counts as from a fresh accumulation', () => {
    const ds = plantedTastes();
    const kept = coCounts(ds.train, 0.5, Infinity)!;
    for (const o of [
      { neighbours: 7, fromExponent: 0.5, toExponent: 0.25, userExponent: 0.5, shrink: 2 },
      { neighbours: 50, fromExponent: 1, toExponent: 0, userExponent: 0.5, shrink: 0 },
    ]) {
      const fresh = trainItemItem(ds.train, o).similarity;
      const reused = trainItemItem(ds.train, o, undefined, kept).similarity;
      expect(Array.from(reused.ptr)).toEqual(Array.from(fresh.ptr));
      expect(Array.from(reused.idx)).toEqual(Array.from(fresh.idx));
      expect(Array.from(reused.val)).toEqual(Array.from(fresh.val));
    }
  });

  it('ignores kept counts of another userExponent, and keeps none past the byte cap', () => {
    const kept = coCounts(train, 1, Infinity)!;
    const o = { ...defaultItemItemOptions, neighbours: 5 };
    expect(trainItemItem(train, o, undefined, kept).similarity.val).toEqual(
      trainItemItem(train, o).similarity.val,
    );
    expect(coCounts(train, 0, 8 * 5)).toBeUndefined();
    expect(coCounts(train, 0, 8 * 6)!.counts.idx.length).toBe(6);
  });
});
