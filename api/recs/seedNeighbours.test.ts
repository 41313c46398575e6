import type { GraphClient } from '../../graph';
import { SEED_COPURCHASE, SEED_NEIGHBOURS } from './queries';
import { createSeedNeighbourCache, type NeighbourRow } from './seedNeighbours';

// A graph that answers SEED_NEIGHBOURS from a table and records the seeds of each query.
function fakeGraph(table: Record<string, NeighbourRow[]>) {
  const queries: string[][] = [];
  const graph = {
    read: async (_q: unknown, params: { seeds: string[] }) => {
      queries.push([...params.seeds]);
      return params.seeds.flatMap((s) => table[s] ?? []);
    },
  } as unknown as GraphClient;
  return { graph, queries };
}

const row = (seed: string, productId: string): NeighbourRow => ({
  seed,
  productId,
  source: 'copurchase',
  w: 1,
});

describe('seed neighbour cache', () => {
  const table = { a: [row('a', 'x'), row('a', 'y')], b: [row('b', 'z')], c: [] };

  it('queries only the seeds it does not hold, once, and returns every seed’s rows', async () => {
    const { graph, queries } = fakeGraph(table);
    const cache = createSeedNeighbourCache(60_000, 100);
    expect((await cache.rows(graph, ['a', 'c'])).map((r) => r.productId)).toEqual(['x', 'y']);
    const second = await cache.rows(graph, ['a', 'b', 'c']);
    expect(second.map((r) => r.productId).sort()).toEqual(['x', 'y', 'z']);
    expect(queries).toEqual([['a', 'c'], ['b']]); // c (no neighbours) is remembered too
    await cache.rows(graph, ['b', 'a']);
    expect(queries).toHaveLength(2);
    expect(cache.stats()).toEqual({ hits: 4, misses: 3, held: 3 });
  });

  it('fetches a seed again once its entry is older than the TTL', async () => {
    let t = 0;
    const { graph, queries } = fakeGraph(table);
    const cache = createSeedNeighbourCache(1000, 100, () => t);
    await cache.rows(graph, ['a']);
    t = 999;
    await cache.rows(graph, ['a']);
    t = 1000;
    await cache.rows(graph, ['a']);
    expect(queries).toEqual([['a'], ['a']]);
  });

  it('drops the least recently used seed beyond its bound', async () => {
    const { graph, queries } = fakeGraph(table);
    const cache = createSeedNeighbourCache(60_000, 2);
    await cache.rows(graph, ['a']);
    await cache.rows(graph, ['b']);
    await cache.rows(graph, ['a']); // a is now the most recent
    await cache.rows(graph, ['c']); // evicts b
    await cache.rows(graph, ['a']);
    await cache.rows(graph, ['b']);
    expect(queries).toEqual([['a'], ['b'], ['c'], ['b']]);
  });

  it('keeps the rows of each query apart: a seed held for one query is fetched for another', async () => {
    const asked: string[] = [];
    const graph = {
      read: async (q: { name: string }, params: { seeds: string[] }) => {
        asked.push(q.name);
        return params.seeds.map((s) => ({
          ...row(s, q.name),
          source: q === SEED_COPURCHASE ? 'copurchase' : 'coview',
        }));
      },
    } as unknown as GraphClient;
    const cache = createSeedNeighbourCache(60_000, 100);
    expect((await cache.rows(graph, ['a'])).map((r) => r.productId)).toEqual([SEED_NEIGHBOURS.name]);
    expect((await cache.rows(graph, ['a'], SEED_COPURCHASE)).map((r) => r.productId)).toEqual([
      SEED_COPURCHASE.name,
    ]);
    expect((await cache.rows(graph, ['a'])).map((r) => r.productId)).toEqual([SEED_NEIGHBOURS.name]);
    expect(asked).toEqual([SEED_NEIGHBOURS.name, SEED_COPURCHASE.name]);
  });

  it('with TTL 0 always asks the graph', async () => {
    const { graph, queries } = fakeGraph(table);
    const cache = createSeedNeighbourCache(0, 100);
    await cache.rows(graph, ['a']);
    await cache.rows(graph, ['a']);
    expect(queries).toHaveLength(2);
    expect(cache.stats().held).toBe(0);
  });

  it('lets a failing query fail the call and caches nothing from it', async () => {
    let fail = true;
    const graph = {
      read: async () => {
        if (fail) throw new Error('Neo4j down');
        return [row('a', 'x')];
      },
    } as unknown as GraphClient;
    const cache = createSeedNeighbourCache(60_000, 100);
    await expect(cache.rows(graph, ['a'])).rejects.toThrow('Neo4j down');
    fail = false;
    expect(await cache.rows(graph, ['a'])).toHaveLength(1);
  });
});
