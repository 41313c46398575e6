// A request's loaders, from rows a fake graph returns (the Cypher itself runs in the server's integration tests):
// made on first use, one per kind per request, batched, and still lazy after Apollo's per-operation copy of the
// context.
import type { GraphClient } from '../graph';
import type { Catalog } from './catalog';
import { createLoaders } from './loaders';

// Counts the DataLoaders made.
const mockMade = { count: 0 };
jest.mock('dataloader', () => {
  const Actual = jest.requireActual<typeof import('dataloader')>('dataloader');
  return class Counted<K, V> extends Actual<K, V> {
    constructor(...args: ConstructorParameters<typeof Actual<K, V>>) {
      super(...args);
      mockMade.count++;
    }
  };
});

beforeEach(() => {
  mockMade.count = 0;
});

function fakeGraph() {
  const calls: Array<{ name: string; ids: string[] }> = [];
  const graph = {
    read: async (q: { name: string }, params?: { ids?: string[] }) => {
      const ids = params?.ids ?? [];
      calls.push({ name: q.name, ids: [...ids] });
      if (q.name === 'api.load.products') return ids.filter((id) => id !== 'p-none').map((id) => ({ id }));
      if (q.name === 'api.load.categoryChildren') return ids.map((id) => ({ id, ids: [`${id}-child`] }));
      throw new Error(`unexpected query ${q.name}`);
    },
  } as unknown as GraphClient;
  return { graph, calls };
}

const catalog = { details: () => undefined } as unknown as Catalog;

describe('createLoaders', () => {
  it('makes no loader until one is used, then the same one for the request', () => {
    const loaders = createLoaders(fakeGraph().graph, catalog, 20);
    expect(mockMade.count).toBe(0);
    const product = loaders.product;
    expect(loaders.product).toBe(product);
    expect(mockMade.count).toBe(1);
    expect(loaders.children).not.toBe(product);
    expect(mockMade.count).toBe(2);
  });

  it('batches one kind of lookup made in one tick into one query, null for a miss', async () => {
    const { graph, calls } = fakeGraph();
    const loaders = createLoaders(graph, catalog, 20);
    const [a, none, b] = await Promise.all([
      loaders.product.load('p-a'),
      loaders.product.load('p-none'),
      loaders.product.load('p-b'),
    ]);
    expect([a?.id, none, b?.id]).toEqual(['p-a', null, 'p-b']);
    expect(await loaders.children.load('c-1')).toEqual(['c-1-child']);
    expect(calls).toEqual([
      { name: 'api.load.products', ids: ['p-a', 'p-none', 'p-b'] },
      { name: 'api.load.categoryChildren', ids: ['c-1'] },
    ]);
  });

  it("stays lazy through Apollo's copy of the context, and the copy shares the request's loaders", () => {
    const { graph } = fakeGraph();
    const ctx = { caller: 'x', loaders: createLoaders(graph, catalog, 20) };
    // What @apollo/server does per operation (cloneObject).
    const copy = Object.assign(Object.create(Object.getPrototypeOf(ctx) as object) as typeof ctx, ctx);
    expect(mockMade.count).toBe(0);
    expect(copy.loaders).toBe(ctx.loaders);
    expect(copy.loaders.user).toBe(ctx.loaders.user);
    expect(mockMade.count).toBe(1);
  });
});
