// similarProducts with API_VECTOR_INDEX=neo4j: the graph's vector index answers while it holds the served
// model's vectors; while it holds another version's (a rollback is rewriting them), the model's own in-process
// index answers instead.
import type { GraphClient } from '../../graph';
import type { Catalog } from '../catalog';
import { createBreaker } from '../guard';
import type { LoadedModel } from '../model/activeModel';
import { rowNorms } from '../model/embeddingIndex';
import { similarProducts } from './similar';

// Three products on a line: a is nearest to b, then c.
const items = Float32Array.from([1, 0, 0.9, 0.1, 0, 1]);
const model = {
  version: 'v2',
  dims: 2,
  itemIds: ['a', 'b', 'c'],
  itemRow: new Map([
    ['a', 0],
    ['b', 1],
    ['c', 2],
  ]),
  table: { dims: 2, nItems: 3, items, norms: rowNorms(items, 3, 2) },
} as unknown as LoadedModel;

function graphAnswering(rows: Array<{ productId: string; version: string; score: number }>) {
  const calls: string[] = [];
  const graph = {
    read: async (q: { name: string }) => {
      calls.push(q.name);
      return rows;
    },
  } as unknown as GraphClient;
  return { graph, calls };
}

const deps = (graph: GraphClient) => ({
  graph,
  graphBreaker: createBreaker('Neo4j'),
  catalog: { get: () => undefined } as unknown as Catalog,
  vectorIndex: 'neo4j' as const,
});

describe('similarProducts on the Neo4j vector index', () => {
  it('answers from the index when it holds the served version', async () => {
    const { graph, calls } = graphAnswering([
      { productId: 'a', version: 'v2', score: 1 },
      { productId: 'c', version: 'v2', score: 0.7 },
      { productId: 'b', version: 'v2', score: 0.6 },
    ]);
    const res = await similarProducts(deps(graph), model, 'a', 2);
    expect(calls).toEqual(['api.similar.vectorIndex']);
    // The index's order, not the model's: this answer came from Neo4j.
    expect(res.items.map((i) => i.productId)).toEqual(['c', 'b']);
  });

  it("uses the model's own vectors while the index holds another version", async () => {
    const { graph, calls } = graphAnswering([
      { productId: 'a', version: 'v2', score: 1 },
      { productId: 'c', version: 'v1', score: 0.7 },
      { productId: 'b', version: 'v2', score: 0.6 },
    ]);
    const res = await similarProducts(deps(graph), model, 'a', 2);
    expect(calls).toEqual(['api.similar.vectorIndex']);
    expect(res.items.map((i) => i.productId)).toEqual(['b', 'c']);
    expect(res.degraded).toBe(false);
  });
});
