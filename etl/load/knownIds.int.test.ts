// knownIds against the real graph: it finds the ids it is asked for (the shared graph holds others too, so the
// test asks only about its own) with a category's level, through the client's read transaction.
import { deleteLabel, testGraph, uniqueNamespace } from '../../test/support';
import { knownIds } from './knownIds';

describe('knownIds', () => {
  const ns = uniqueNamespace('KnownIds');
  const graph = testGraph();

  beforeAll(async () => {
    await graph.write(
      {
        name: 'test.knownIds.seed',
        cypher: `UNWIND $rows AS r CREATE (c:Category:\`${ns}\` {id: r.id, level: r.level})`,
      },
      {
        rows: [
          { id: `${ns}-top`, level: 1 },
          { id: `${ns}-leaf`, level: 3 },
        ],
      },
    );
  });
  afterAll(async () => {
    await deleteLabel(graph, ns);
    await graph.close();
  });

  it("holds the graph's category ids with their level", async () => {
    const table = await knownIds(graph, 'Category', 1);
    expect(table.get(table.ordinal(`${ns}-top`), 0)).toBe(1);
    expect(table.get(table.ordinal(`${ns}-leaf`), 0)).toBe(3);
    expect(table.has(`${ns}-missing`)).toBe(false);
  });

  it('refuses a label outside its list', async () => {
    await expect(knownIds(graph, 'Order' as never)).rejects.toThrow('not a key label: Order');
  });
});
