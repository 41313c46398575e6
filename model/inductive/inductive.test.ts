import { inductiveModelOf, inferProductEmbedding, inferUserEmbedding, scoreItems } from '.';
import type { MetaLayout } from '../metaLayout';

const layout: MetaLayout = {
  formatVersion: 1,
  types: [
    { type: 'category', offset: 0, ids: ['c0', 'c1'] },
    { type: 'brand', offset: 2, ids: ['b0'] },
    { type: 'priceBand', offset: 3, ids: ['band0', 'band1'] },
    { type: 'ageBand', offset: 5, ids: ['18-24', '25-34', '35-44', '45-54', '55-64', '65+'] },
    { type: 'region', offset: 11, ids: ['dach'] },
    { type: 'loyaltyTier', offset: 12, ids: ['gold'] },
  ],
  priceEdges: [10],
  refYear: 2026,
  categoryParent: { c1: 'c0' },
  metaWeight: 1,
};
// 2 dims; meta row r is a distinct direction so the sums can be checked by hand.
const meta = new Float32Array(13 * 2);
meta.set([1, 0], 0); // c0
meta.set([0, 1], 2); // c1
meta.set([1, 1], 4); // b0
meta.set([0, 0], 6); // band0
meta.set([-1, 0], 8); // band1
meta.set([0, -1], 5 * 2 + 2 * 2); // ageBand 35-44
meta.set([3, 0], 11 * 2); // dach
const model = inductiveModelOf('lightgcn-20261123-010000-abcdef', 2, {
  users: Float32Array.from([1, 0]),
  items: Float32Array.from([0, 1, 1, 0]),
  userIds: ['u0'],
  itemIds: ['p0', 'p1'],
  meta: { layout, embeddings: meta },
});

const unit = (x: number[]) => {
  const n = Math.hypot(...x);
  return x.map((v) => v / n);
};

describe('inductive inference', () => {
  it('propagates one step from the leaf, its ancestors (half weight), the brand and the price band', () => {
    const v = inferProductEmbedding(model, { categoryId: 'c1', brandId: 'b0', price: 50 });
    // c1 + 0.5 c0 + b0 + band1 = (0,1) + (0.5,0) + (1,1) + (-1,0) = (0.5, 2)
    const want = unit([0.5, 2]);
    expect(v[0]).toBeCloseTo(want[0], 5);
    expect(v[1]).toBeCloseTo(want[1], 5);
  });

  it('adds known recent users and ignores unknown ones', () => {
    const v = inferProductEmbedding(model, { categoryId: 'c0', recentUserIds: ['u0', 'nobody'] });
    // c0 + u0 = (2, 0)
    expect(Array.from(v)).toEqual([1, 0]);
  });

  it('places a new user from age band, region and recent products', () => {
    const v = inferUserEmbedding(model, { birthYear: 1990, region: 'dach', recentProductIds: ['p0'] });
    // age 36 -> 35-44 (0,-1) + dach (3,0) + p0 (0,1) = (3, 0)
    expect(Array.from(v)).toEqual([1, 0]);
    const s = scoreItems(model, v);
    expect(s[1]).toBeGreaterThan(s[0]);
  });

  it('adds recent items by direction: a popularity-scaled (long) row weighs as much as a unit one', () => {
    const scaled = { ...model, items: Float32Array.from([0, 5, 1, 0]), meta: undefined }; // p0 five times as long
    const v = inferUserEmbedding(scaled, { recentProductIds: ['p0', 'p1'] });
    const want = unit([1, 1]);
    expect(v[0]).toBeCloseTo(want[0], 6);
    expect(v[1]).toBeCloseTo(want[1], 6);
  });

  it('names the field of an unknown category or a bad price', () => {
    expect(() => inferProductEmbedding(model, { categoryId: 'c99' })).toThrow(/categoryId is not known.*c99/);
    expect(() => inferProductEmbedding(model, { categoryId: 'c0', price: -1 })).toThrow(/price must be > 0/);
    expect(() => inferUserEmbedding(model, { birthYear: 3000 })).toThrow(/birthYear must be/);
  });

  it('without metadata nodes needs known counterparts', () => {
    const plain = { ...model, meta: undefined };
    expect(() => inferUserEmbedding(plain, { region: 'dach' })).toThrow(/nothing to infer/);
    expect(Array.from(inferUserEmbedding(plain, { recentProductIds: ['p1'] }))).toEqual([1, 0]);
  });
});
