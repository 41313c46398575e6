// The recommender's seed queries against the real Neo4j, on the API's namespaced fixture shop.
import { deleteLabel, testGraph, uniqueNamespace } from '../../test/support';
import type { GraphClient } from '../../graph';
import { loadFixture, type Fixture } from '../testing/fixture';
import { SEED_COPURCHASE, SEED_NEIGHBOURS } from './queries';
import type { NeighbourRow } from './seedNeighbours';

let graph: GraphClient;
let fx: Fixture;

beforeAll(async () => {
  graph = testGraph();
  fx = await loadFixture(graph, uniqueNamespace('Queries'));
});

afterAll(async () => {
  await deleteLabel(graph, fx.ns);
  await graph.close();
});

const key = (r: NeighbourRow) => `${r.seed} ${r.productId} ${r.source} ${r.w}`;

describe('seed neighbour queries', () => {
  it('SEED_COPURCHASE returns exactly the co-purchase rows of SEED_NEIGHBOURS', async () => {
    const seeds = ['p0', 'p1', 'p2', 'p10', 'p3', 'p19', 'nope'].map(fx.id);
    const all = await graph.read<NeighbourRow>(SEED_NEIGHBOURS, { seeds });
    const copurchase = await graph.read<NeighbourRow>(SEED_COPURCHASE, { seeds });
    expect(copurchase.map(key).sort()).toEqual(
      all
        .filter((r) => r.source === 'copurchase')
        .map(key)
        .sort(),
    );
    // The fixture: u0 and u2 bought p0 with p1, u1 bought p0 with p2; u4 bought p10 with p11.
    const of = (seed: string) =>
      copurchase
        .filter((r) => r.seed === fx.id(seed))
        .map((r) => [r.productId, r.w])
        .sort();
    expect(of('p0')).toEqual([
      [fx.id('p1'), 2],
      [fx.id('p2'), 1],
    ]);
    expect(of('p10')).toEqual([[fx.id('p11'), 1]]);
    expect(of('p3')).toEqual([]);
    expect(all.some((r) => r.source === 'coview' || r.source === 'category')).toBe(true);
  });
});
