import type { InteractionColumns } from '../split';
import { computeFeatures, priceBands, productFeatureRecord, userFeatureRecord } from './compute';

const t = (s: string) => Date.parse(s);
const cutoff = t('2025-12-01T00:00:00Z');

function columns(extra: [u: number, p: number, type: number, iso: string][] = []): InteractionColumns {
  const events: [number, number, number, string][] = [
    [0, 0, 0, '2025-11-28T10:00:00Z'], // u0 views p0 3 days before the cutoff
    [0, 0, 1, '2025-11-28T10:05:00Z'], // ... carts it
    [0, 0, 2, '2025-11-28T10:10:00Z'], // ... buys it
    [0, 1, 0, '2025-10-15T10:00:00Z'], // u0 views p1 47 days before
    [1, 1, 0, '2025-06-15T10:00:00Z'], // u1 views p1 in June
    ...extra,
  ];
  return {
    n: events.length,
    ts: Float64Array.from(events.map((e) => t(e[3]))),
    user: Int32Array.from(events.map((e) => e[0])),
    product: Int32Array.from(events.map((e) => e[1])),
    eventType: Uint8Array.from(events.map((e) => e[2])),
    userIds: ['u0', 'u1', 'u2'],
    productIds: ['p0', 'p1', 'p2'],
    productLaunch: Float64Array.from([t('2025-01-01T00:00:00Z'), NaN, t('2025-11-21T00:00:00Z')]),
    productPrice: Float32Array.from([10, 40, 20]),
    productCategory: Int32Array.from([0, 0, 1]),
    categoryIds: ['c0', 'c1'],
  };
}

describe('computeFeatures', () => {
  const f = computeFeatures(columns(), cutoff);

  it('counts events by type and window for users', () => {
    expect(userFeatureRecord(f, 0)).toEqual({
      views_7d: 1,
      views_30d: 1,
      views_365d: 2,
      carts_7d: 1,
      carts_30d: 1,
      carts_365d: 1,
      purchases_7d: 1,
      purchases_30d: 1,
      purchases_365d: 1,
      recency_days: 2.5764, // 2025-11-28T10:10 to the cutoff
      price_level: 0.4, // p0 costs 10 against the category median 25, in its cart and purchase events
    });
    expect(userFeatureRecord(f, 2)).toMatchObject({ views_365d: 0, recency_days: null, price_level: null });
  });

  it("ranks a user's categories by frequency", () => {
    expect(Array.from(f.users.topCategory.subarray(0, 3))).toEqual([0, -1, -1]);
    expect(f.users.topCategoryShare[0]).toBeCloseTo(1);
  });

  it('computes product popularity, smoothed conversion, seasonality and age', () => {
    const p0 = productFeatureRecord(f, 0);
    expect(p0).toMatchObject({ views_7d: 1, purchases_365d: 1, age_days: 334 });
    // Catalogue rate g = 1 purchase / 3 views; p0: (1 + 50/3) / (1 + 50)
    expect(p0.conversion).toBeCloseTo((1 + 50 / 3) / 51, 5);
    expect(productFeatureRecord(f, 1).age_days).toBeNull();
    const p1Season = Array.from(f.products.seasonality.subarray(12, 24));
    expect(p1Season[5]).toBeCloseTo(0.5); // June
    expect(p1Season[9]).toBeCloseTo(0.5); // October
  });

  it('ignores every event at or after the cutoff (no leakage from later windows)', () => {
    const later = computeFeatures(
      columns([
        [2, 2, 2, '2025-12-01T00:00:00Z'],
        [0, 1, 2, '2025-12-20T00:00:00Z'],
      ]),
      cutoff,
    );
    expect(Array.from(later.users.counts)).toEqual(Array.from(f.users.counts));
    expect(Array.from(later.products.counts)).toEqual(Array.from(f.products.counts));
    expect(Array.from(later.users.recencyDays)).toEqual(Array.from(f.users.recencyDays));
  });

  it('refuses columns without types, prices or categories', () => {
    const c = columns();
    delete c.eventType;
    expect(() => computeFeatures(c, cutoff)).toThrow(
      'features need event types, product prices and categories in the interaction columns',
    );
  });
});

describe('priceBands', () => {
  it('splits the catalogue into price quintiles', () => {
    const { band, edges } = priceBands(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect(edges).toEqual([3, 5, 7, 9]);
    expect(Array.from(band)).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 4]);
  });
});
