import { passesFilter, rankCandidates, type Candidate } from './rank';
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
});
