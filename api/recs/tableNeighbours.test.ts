import type { Catalog, CatalogProduct } from '../catalog';
import type { LoadedModel } from '../model/activeModel';
import { NEIGHBOURS_PER_SOURCE, tableNeighbours } from './tableNeighbours';

const product = (id: string, categoryId: string): CatalogProduct => ({
  id,
  name: id,
  price: 1,
  inStock: true,
  consumable: false,
  launchedAt: null,
  categoryId,
  brandId: null,
  categoryPath: [categoryId],
});

// p0..p39 in category c1 (p40 too, newer than the model), p41 alone in c2.
const ids = Array.from({ length: 42 }, (_, i) => `p${i}`);
const byCategory = new Map<string, CatalogProduct[]>([
  ['c1', ids.slice(0, 41).map((id) => product(id, 'c1'))],
  ['c2', [product('p41', 'c2')]],
]);
const catalog = {
  get: (id: string) => [...byCategory.values()].flat().find((p) => p.id === id),
  inCategory: (c: string) => byCategory.get(c) ?? [],
} as unknown as Catalog;

function modelWith(popularity: (row: number) => number, covisitOf0: Array<[number, number]>): LoadedModel {
  const known = ids.filter((id) => id !== 'p40');
  const ptr = new Int32Array(known.length + 1);
  for (let r = 0; r < known.length; r++) ptr[r + 1] = covisitOf0.length;
  return {
    itemIds: known,
    itemRow: new Map(known.map((id, r) => [id, r])),
    ranker: {
      covisit: {
        nRows: known.length,
        nCols: known.length,
        ptr,
        idx: Int32Array.from(covisitOf0.map(([j]) => j)),
        val: Float32Array.from(covisitOf0.map(([, w]) => w)),
      },
      popularity: Float32Array.from(known, (_, r) => popularity(r)),
    },
  } as unknown as LoadedModel;
}

describe('seed neighbours from the model tables', () => {
  it('gives a known seed its co-visitation row and its category best sellers; unknown seeds go to the graph', () => {
    // p0's covisit row: 30 entries, strongest first; only the first 25 are used, as the traversal's LIMIT.
    const row0 = Array.from({ length: 30 }, (_, k): [number, number] => [k + 1, 1 - k / 100]);
    const model = modelWith((r) => r, row0); // popularity grows with the row: p39 sells best
    const got = tableNeighbours(model, catalog, ['p0', 'p40', 'nope'])!;
    expect(got.copurchaseFromGraph).toEqual(['p0']); // the model has no co-purchase table
    expect(got.unknown).toEqual(['p40', 'nope']);
    const coview = got.rows.filter((r) => r.source === 'coview');
    expect(coview.map((r) => r.productId)).toEqual(
      row0.slice(0, NEIGHBOURS_PER_SOURCE).map(([j]) => `p${j}`),
    );
    expect(coview[0]).toEqual({ seed: 'p0', productId: 'p1', source: 'coview', w: 1 });
    const category = got.rows.filter((r) => r.source === 'category').map((r) => r.productId);
    expect(category).toEqual(Array.from({ length: NEIGHBOURS_PER_SOURCE }, (_, k) => `p${39 - k}`));
    expect(got.rows.every((r) => r.seed === 'p0')).toBe(true);
  });

  it("gives a known seed its co-purchase row when the model has the table; without it, co-purchase is the graph's", () => {
    const without = modelWith((r) => r, [[1, 1]]);
    const a = tableNeighbours(without, catalog, ['p0', 'p40'])!;
    expect(a.copurchaseFromGraph).toEqual(['p0']);
    expect(a.rows.filter((r) => r.source === 'copurchase')).toEqual([]);
    const ptr = new Int32Array(42).fill(2);
    ptr[0] = 0;
    const copurchase = {
      nRows: 41,
      nCols: 41,
      ptr,
      idx: Int32Array.from([7, 3]),
      val: Float32Array.from([1, 0.5]),
    };
    const withTable = { ...without, ranker: { ...without.ranker!, copurchase } } as LoadedModel;
    const b = tableNeighbours(withTable, catalog, ['p0', 'p40'])!;
    expect(b.copurchaseFromGraph).toEqual([]);
    expect(b.unknown).toEqual(['p40']);
    expect(b.rows.filter((r) => r.source === 'copurchase')).toEqual([
      { seed: 'p0', productId: 'p7', source: 'copurchase', w: 1 },
      { seed: 'p0', productId: 'p3', source: 'copurchase', w: 0.5 },
    ]);
  });

  it('never lists the seed as its own category neighbour, and a category of one gives none', () => {
    const model = modelWith((r) => (r === 39 ? 100 : r), []);
    const got = tableNeighbours(model, catalog, ['p39', 'p41'])!;
    const category = got.rows.filter((r) => r.source === 'category');
    expect(category.map((r) => r.productId)).not.toContain('p39');
    expect(category).toHaveLength(NEIGHBOURS_PER_SOURCE);
    expect(category.every((r) => r.seed === 'p39')).toBe(true);
  });

  it('orders a category by the serving model: a new model re-ranks it', () => {
    const a = tableNeighbours(
      modelWith((r) => r, []),
      catalog,
      ['p0'],
    )!.rows.map((r) => r.productId);
    const b = tableNeighbours(
      modelWith((r) => 100 - r, []),
      catalog,
      ['p0'],
    )!.rows.map((r) => r.productId);
    expect(a[0]).toBe('p39');
    expect(b[0]).toBe('p1');
  });

  it('is off for a model without tables (no trained ranker) and with no model', () => {
    const model = { ...modelWith((r) => r, []), ranker: undefined } as LoadedModel;
    expect(tableNeighbours(model, catalog, ['p0'])).toBeUndefined();
    expect(tableNeighbours(undefined, catalog, ['p0'])).toBeUndefined();
  });
});
