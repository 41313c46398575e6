// The in-memory catalogue, from rows a fake graph returns (the Cypher itself runs in the server's integration
// tests): what a product holds, its category path, and that products share what they can.
import { createLogger } from '../core';
import type { GraphClient } from '../graph';
import { createCatalog } from './catalog';

const row = (id: string, categoryId: string | null, brandId: string | null) => ({
  id,
  name: `Product ${id}`,
  price: 9.5,
  inStock: true,
  consumable: false,
  launchedAt: 1_700_000_000_000,
  categoryId,
  brandId,
  description: null,
  // Fresh string instances per row, as the driver returns them.
  currency: ['E', 'U', 'R'].join(''),
  brandName: brandId ? `Brand ${brandId}` : null,
  brandTier: brandId ? ['mid'].join('') : null,
});

function fakeGraph(state: { categories: object[]; products: object[] }): GraphClient {
  return {
    read: async (q: { name: string }, params?: { ids?: string[] }) => {
      if (q.name === 'api.catalog.categories') return state.categories;
      if (q.name === 'api.catalog.products') return state.products;
      if (q.name === 'api.catalog.productById')
        return state.products.filter((p) => params?.ids?.includes((p as { id: string }).id));
      throw new Error(`unexpected query ${q.name}`);
    },
  } as unknown as GraphClient;
}

const tree = [
  { id: 'c-root', name: 'Root', level: 0, season: null, parentId: null },
  { id: 'c-mid', name: 'Mid', level: 1, season: null, parentId: 'c-root' },
  { id: 'c-leaf', name: 'Leaf', level: 2, season: 'winter', parentId: 'c-mid' },
];

describe('catalog', () => {
  const state = {
    categories: tree,
    products: [row('p1', 'c-leaf', 'b1'), row('p2', 'c-leaf', 'b1'), row('p3', null, null)],
  };
  const catalog = createCatalog(fakeGraph(state), createLogger('silent', 'catalog-test'), 3_600_000);
  afterAll(() => catalog.stop());

  it('holds every product with its category path, leaf first', async () => {
    await catalog.reload();
    expect(catalog.size()).toBe(3);
    expect(catalog.get('p1')).toEqual({
      ...row('p1', 'c-leaf', 'b1'),
      categoryPath: ['c-leaf', 'c-mid', 'c-root'],
    });
    expect(catalog.get('p3')).toMatchObject({ categoryId: null, brandId: null, categoryPath: [] });
    expect(catalog.inCategory('c-leaf').map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(catalog.details('p1')?.brand).toEqual({ id: 'b1', name: 'Brand b1', tier: 'mid' });
  });

  it('shares one path array per leaf (string sharing cannot be observed from JS)', async () => {
    await catalog.reload();
    const [a, b] = [catalog.get('p1')!, catalog.get('p2')!];
    expect(a.categoryPath).toBe(b.categoryPath);
    const fresh = row('p9', 'c-leaf', 'b1');
    state.products.push(fresh);
    await catalog.ensure(['p9']);
    expect(catalog.get('p9')!.categoryPath).toBe(a.categoryPath);
  });

  it('rebuilds the paths when the category tree changes', async () => {
    state.categories = [...tree.slice(0, 2), { ...tree[2], parentId: 'c-root' }];
    await catalog.reload();
    expect(catalog.get('p1')!.categoryPath).toEqual(['c-leaf', 'c-root']);
  });
});
