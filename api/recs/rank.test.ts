import { passesFilter, rankCandidates, type Candidate } from './rank';
import { newArrivalCandidates, newArrivalsOf } from './recommend';
import type { Catalog } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import type { CatalogProduct } from '../catalog';
import { parseFilter } from '../validate';

const product = (id: string, over: Partial<CatalogProduct> = {}): CatalogProduct => ({
  id,
  name: id,
  price: 10,
  inStock: true,
  consumable: false,
  launchedAt: 0,
  categoryId: 'c1',
  brandId: 'b1',
  categoryPath: ['c1', 'c0'],
  ...over,
});

describe('rankCandidates', () => {
  const catalog = new Map<string, CatalogProduct>([
    ['p1', product('p1')],
    ['p2', product('p2', { categoryId: 'c2', categoryPath: ['c2', 'c0'] })],
    ['p3', product('p3', { inStock: false })],
    ['p4', product('p4', { consumable: true })],
    ['p5', product('p5', { price: 500 })],
    ['p6', product('p6')],
  ]);
  const base = {
    product: (id: string) => catalog.get(id),
    purchased: new Set<string>(),
    exclude: new Set<string>(),
    filter: parseFilter(null),
    first: 10,
  };

  it('merges sources of the same product into one item, without duplicates, and sums their weights', () => {
    const candidates: Candidate[] = [
      { productId: 'p1', source: 'embedding', weight: 1 },
      { productId: 'p1', source: 'copurchase', weight: 5, via: 'p9' },
      { productId: 'p2', source: 'embedding', weight: 0.5 },
    ];
    const out = rankCandidates({ ...base, candidates });
    expect(out.map((i) => i.productId)).toEqual(['p1', 'p2']);
    expect(out[0].sources).toEqual(['embedding', 'copurchase']);
    expect(out[0].via).toEqual({ copurchase: 'p9' });
    expect(out[0].score).toBeCloseTo(1.8);
    expect(out[1].score).toBeCloseTo(0.5);
  });

  it('drops out-of-stock, unknown, excluded and already-bought products, but keeps bought consumables', () => {
    const candidates: Candidate[] = ['p1', 'p3', 'p4', 'p6', 'nope'].map((p) => ({
      productId: p,
      source: 'popular',
      weight: 1,
    }));
    const out = rankCandidates({
      ...base,
      candidates,
      purchased: new Set(['p1', 'p4']),
      exclude: new Set(['p6']),
    });
    expect(out.map((i) => i.productId)).toEqual(['p4']);
  });

  it('caps items per leaf category, then fills from the overflow', () => {
    const candidates: Candidate[] = [
      { productId: 'p1', source: 'embedding', weight: 1 },
      { productId: 'p6', source: 'embedding', weight: 0.9 },
      { productId: 'p4', source: 'embedding', weight: 0.8 },
      { productId: 'p2', source: 'embedding', weight: 0.1 },
    ];
    const capped = rankCandidates({ ...base, candidates, first: 3, perCategoryCap: 2 });
    expect(capped.map((i) => i.productId)).toEqual(['p1', 'p6', 'p2']);
    const filled = rankCandidates({ ...base, candidates, first: 4, perCategoryCap: 1 });
    expect(filled.map((i) => i.productId)).toEqual(['p1', 'p2', 'p6', 'p4']);
  });

  it('applies price and category filters (a category matches its descendants)', () => {
    const f = parseFilter({ maxPrice: 100, categoryIds: ['c0'] });
    expect(passesFilter(catalog.get('p5')!, f, new Set())).toBe(false);
    expect(passesFilter(catalog.get('p1')!, f, new Set())).toBe(true);
    expect(passesFilter(catalog.get('p1')!, parseFilter({ categoryIds: ['c2'] }), new Set())).toBe(false);
  });

  it('orders by a given trained score, the source-weighted sum breaking its ties, with the same rules', () => {
    const candidates: Candidate[] = [
      { productId: 'p1', source: 'embedding', weight: 1 },
      { productId: 'p6', source: 'copurchase', weight: 1, via: 'p9' },
      { productId: 'p4', source: 'popular', weight: 1 },
      { productId: 'p2', source: 'popular', weight: 0.5 },
      { productId: 'p3', source: 'embedding', weight: 1 }, // out of stock
    ];
    const trained: Record<string, number> = { p1: 0.1, p6: 0.9, p4: 0.5, p2: 0.5, p3: 5 };
    const out = rankCandidates({ ...base, candidates, scoreOf: (id) => trained[id] });
    // p4 and p2 tie on the trained score; p4's popular weight is the larger.
    expect(out.map((i) => i.productId)).toEqual(['p6', 'p4', 'p2', 'p1']);
    expect(out.map((i) => i.score)).toEqual([0.9, 0.5, 0.5, 0.1]);
    expect(out[0].via).toEqual({ copurchase: 'p9' });
  });

  describe('new arrivals (the trained ranker quota)', () => {
    const NOW = Date.parse('2026-10-31T12:00:00Z');
    const DAY = 86_400_000;
    const shop = new Map<string, CatalogProduct>(
      ['o1', 'o2', 'o3', 'o4', 'n1', 'n2', 'n3'].map((id, k) => [
        id,
        product(id, {
          categoryId: `c${k}`,
          categoryPath: [`c${k}`],
          launchedAt: id.startsWith('n') ? NOW - (k - 3) * DAY : NOW - 400 * DAY,
        }),
      ]),
    );
    const input = {
      ...base,
      product: (id: string) => shop.get(id),
      first: 4,
      // Old items first by score; the new ones (no history) score lowest.
      candidates: [
        ['o1', 1],
        ['o2', 0.9],
        ['o3', 0.8],
        ['o4', 0.7],
        ['n1', 0.3],
        ['n2', 0.5],
        ['n3', 0.1],
      ].map(([p, w]) => ({ productId: p as string, source: 'embedding' as const, weight: w as number })),
    };
    const isNew = (p: CatalogProduct) => p.launchedAt !== null && NOW - p.launchedAt < 28 * DAY;

    it('puts the best new arrivals at the end of the list, in place of the lowest-ranked others', () => {
      const out = rankCandidates({ ...input, newArrivals: { quota: 2, isNew } });
      expect(out.map((i) => i.productId)).toEqual(['o1', 'o2', 'n2', 'n1']);
    });

    it('changes nothing with quota 0, without the setting, or when the list already holds enough', () => {
      const plain = ['o1', 'o2', 'o3', 'o4'];
      expect(rankCandidates(input).map((i) => i.productId)).toEqual(plain);
      expect(rankCandidates({ ...input, newArrivals: { quota: 0, isNew } }).map((i) => i.productId)).toEqual(
        plain,
      );
      const withNew = {
        ...input,
        candidates: [...input.candidates, { productId: 'n3', source: 'copurchase' as const, weight: 9 }],
      };
      // n3 is second on its own merit (co-purchase); a quota of 1 is met, so nothing moves.
      expect(
        rankCandidates({ ...withNew, newArrivals: { quota: 1, isNew } }).map((i) => i.productId),
      ).toEqual(['o1', 'n3', 'o2', 'o3']);
    });

    it('never promotes a new arrival the filters drop', () => {
      const out = rankCandidates({
        ...input,
        exclude: new Set(['n2']),
        newArrivals: { quota: 1, isNew },
      });
      expect(out.map((i) => i.productId)).toEqual(['o1', 'o2', 'o3', 'n1']);
    });
  });
});

describe('newArrivalCandidates', () => {
  const NOW = Date.now();
  const DAY = 86_400_000;
  const products = [
    product('n1', { launchedAt: NOW - 2 * DAY }),
    product('n2', { launchedAt: NOW - 5 * DAY }),
    product('n3', { launchedAt: NOW - 3 * DAY, categoryId: null }), // no row, no category: no embedding
    product('old', { launchedAt: NOW - 90 * DAY }),
    product('soon', { launchedAt: NOW + DAY }),
  ];
  const catalog = {
    categories: () => [{ id: 'c1', name: 'c1', level: 3, season: null, parentId: null }],
    inCategory: (c: string) => (c === 'c1' ? products : []),
    get: (id: string) => products.find((p) => p.id === id),
  } as unknown as Catalog;
  const items = Float32Array.from([1, 0, 0, 1, 1, 1, 0.5, 0.5]); // rows: n1, n2, old, soon
  const model = {
    version: 'v',
    dims: 2,
    itemRow: new Map([
      ['n1', 0],
      ['n2', 1],
      ['old', 2],
      ['soon', 3],
    ]),
    table: { dims: 2, nItems: 4, items, norms: new Float32Array(4) },
    inductive: { version: 'v' },
  } as unknown as LoadedModel;

  it('scores the products launched within the window by query · row, best first', () => {
    const out = newArrivalCandidates(
      model,
      catalog,
      Float32Array.from([0.2, 1]),
      { slots: 2, days: 28 },
      NOW,
    );
    expect(out.map((c) => c.productId)).toEqual(['n2', 'n1']);
    expect(out[0].source).toBe('embedding');
    expect(out[0].weight).toBeCloseTo(1);
    expect(out[1].weight).toBeCloseTo(0.2);
  });

  it('reads a model without a dir (or without newArrivals) as quota off', () => {
    expect(newArrivalsOf(model)).toEqual({ slots: 0, days: 28 });
  });
});
