// The new-arrival placement (which new products fill the ranker's quota): what each term prefers, the stored
// form, the tuning, and the quota picking by it.
import {
  defaultPlacementWeights,
  encodePlacement,
  placementOf,
  placementProfile,
  placementScore,
  reserveNewArrivals,
  type PlacedProduct,
  type PlacementTable,
  type PlacementWeights,
} from '../../model';
import { tunePlacement } from './placementTuning';

const DAY = 86_400_000;
const AT = Date.parse('2026-06-01T00:00:00.000Z');
const req = { at: AT, days: 28 };

// Categories: 0 Outdoor (root) > 1 Camping > {2 Tents, 3 Stoves}; 4 Kitchen (root) > {5 Pans, 6 Knives}.
const table: PlacementTable = {
  categoryIds: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'],
  parent: Int32Array.from([-1, 0, 1, 1, -1, 4, 4]),
  share: Float64Array.from([0.5, 0.5, 0.3, 0.2, 0.5, 0.25, 0.25]),
  mass: Float64Array.from([0, 0, 30, 20, 0, 30, 20]),
  logPrice: Float64Array.from([NaN, NaN, Math.log(100), Math.log(20), NaN, Math.log(30), Math.log(15)]),
  brandIds: ['b0', 'b1', 'b2'],
  strength: Float64Array.from([1, 1, 4]),
};
const TENTS = [2, 1, 0];
const STOVES = [3, 1, 0];
const PANS = [5, 4];
const product = (path: number[], brand = 0, price: number | null = null, age = 14): PlacedProduct => ({
  path,
  brand,
  price,
  launch: AT - age * DAY,
});
const only = (over: Partial<PlacementWeights>): PlacementWeights => ({
  alpha: 5,
  share: 0,
  brand: 0,
  price: 0,
  age: 0,
  ...over,
});
const score = (w: PlacementWeights, past: PlacedProduct[], p: PlacedProduct) =>
  placementScore(table, w, placementProfile(table, past), p, req);

describe('placementScore', () => {
  it('puts a new product of a leaf the user buys in first, then one of its parent, then the rest', () => {
    const w = only({});
    const past = [product(TENTS), product(TENTS)];
    const tent = score(w, past, product(TENTS));
    const stove = score(w, past, product(STOVES));
    const pan = score(w, past, product(PANS));
    expect(tent).toBeGreaterThan(stove);
    expect(stove).toBeGreaterThan(pan);
  });

  it('without history follows the shop: the leaf share, then the brand strength over the leaf mass', () => {
    expect(score(only({}), [], product(PANS))).toBeGreaterThan(score(only({}), [], product(STOVES)));
    const w = only({ share: 1 });
    // Same leaf: the strong brand first.
    expect(score(w, [], product(PANS, 2))).toBeGreaterThan(score(w, [], product(PANS, 0)));
  });

  it('prefers a brand the user chose, a price like theirs, and a product longer on sale', () => {
    const past = [product(TENTS, 1, 100)];
    expect(score(only({ brand: 1 }), past, product(TENTS, 1))).toBeGreaterThan(
      score(only({ brand: 1 }), past, product(TENTS, 0)),
    );
    expect(score(only({ price: 1 }), past, product(TENTS, 0, 110))).toBeGreaterThan(
      score(only({ price: 1 }), past, product(TENTS, 0, 400)),
    );
    expect(score(only({ age: 1 }), past, product(TENTS, 0, null, 20))).toBeGreaterThan(
      score(only({ age: 1 }), past, product(TENTS, 0, null, 1)),
    );
  });

  it('scores products with unknown brand, price, launch or category without failing', () => {
    const odd: PlacedProduct = { path: [], brand: -1, price: null, launch: null };
    expect(Number.isFinite(score(defaultPlacementWeights, [product(TENTS)], odd))).toBe(true);
    expect(Number.isFinite(score(defaultPlacementWeights, [odd], product(TENTS)))).toBe(true);
  });
});

describe('the stored placement', () => {
  it('round-trips through ranker.json exactly', () => {
    const json = JSON.parse(
      JSON.stringify({ newArrivalPlacement: encodePlacement(table, defaultPlacementWeights) }),
    );
    const back = placementOf(json);
    expect(back?.weights).toEqual(defaultPlacementWeights);
    const past = [product(TENTS, 1, 90)];
    for (const p of [product(TENTS, 2, 120), product(PANS, 0, 25)])
      expect(placementScore(back!.table, back!.weights, placementProfile(back!.table, past), p, req)).toBe(
        score(defaultPlacementWeights, past, p),
      );
  });

  it('is absent for an older version or a malformed entry', () => {
    expect(placementOf({ weights: {} })).toBeUndefined();
    expect(placementOf(null)).toBeUndefined();
    const enc = encodePlacement(table, defaultPlacementWeights);
    expect(placementOf({ newArrivalPlacement: { ...enc, share: [1] } })).toBeUndefined();
    expect(placementOf({ newArrivalPlacement: { ...enc, weights: { alpha: 'x' } } })).toBeUndefined();
  });
});

describe('tunePlacement', () => {
  it('keeps the weights with the best validation objective', () => {
    const r = tunePlacement((w) => -Math.abs(w.age - 2) - Math.abs(w.brand - 3));
    expect(r.weights.age).toBe(2);
    expect(r.weights.brand).toBe(3);
    expect(r.tried).toBeGreaterThan(10);
  });
});

describe('reserveNewArrivals with a pick', () => {
  it('fills the quota with the best new arrivals by the pick, not by the score', () => {
    // Items 0-3 warm, 4-6 new; by score the new item 4 is best, by the pick item 6.
    const scores = Float32Array.from([9, 8, 7, 6, 3, 2, 1]);
    const isNew = Uint8Array.from([0, 0, 0, 0, 1, 1, 1]);
    const pick = Float32Array.from([0, 0, 0, 0, -3, -2, -1]);
    const byScore = Float32Array.from(scores);
    reserveNewArrivals(byScore, isNew, 1, 3);
    const byPick = Float32Array.from(scores);
    reserveNewArrivals(byPick, isNew, 1, 3, pick);
    const top3 = (a: Float32Array) => [...a.keys()].sort((x, y) => a[y] - a[x]).slice(0, 3);
    expect(top3(byScore)).toEqual([0, 1, 4]);
    expect(top3(byPick)).toEqual([0, 1, 6]);
  });

  it('never picks an excluded new arrival', () => {
    const scores = Float32Array.from([9, 8, -Infinity, 1]);
    const isNew = Uint8Array.from([0, 0, 1, 1]);
    reserveNewArrivals(scores, isNew, 1, 2, Float32Array.from([0, 0, 5, 1]));
    expect([...scores.keys()].sort((x, y) => scores[y] - scores[x]).slice(0, 2)).toEqual([0, 3]);
  });
});
